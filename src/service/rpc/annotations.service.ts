import { applyAnnotationPatch, badAnnotation, checkNotHeld, parseAnnotationPatch, parseNewAnnotation } from '../../domain/annotation-rules.js';
import { ApiError, DuplicateKeyError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { Annotation, Input } from '../../domain/inputs.js';
import { checkCount } from '../../domain/limits.js';
import { parsePatchAction } from '../../domain/patch.js';
import { Code } from '../../domain/status-codes.js';
import type { Page } from '../../ports/paging.js';
import type { Repos, Store } from '../../ports/store.js';
import { asJson, type CallContext, typedRpcs } from '../core/context.js';
import { MAX_PER_PAGE, pageOf } from '../core/paging.js';
import { annotationToApi } from '../mappers/annotation.mapper.js';
import { findInput, findInputs } from './inputs.service.js';

const where = (ctx: CallContext): string => `app '${ctx.app!.userId}/${ctx.app!.id}'`;

const notFound = (inputId: string, id: string, ctx: CallContext): ApiError =>
  new ApiError(
    Code.CONN_DOES_NOT_EXIST,
    `Input '${inputId}' has no annotation '${id}' in ${where(ctx)}. ListAnnotations with input_ids shows its annotations.`,
  );

function batch<T extends object>(list: T[] | undefined, rpc: string): T[] {
  const items = list ?? [];
  if (items.length === 0) throw badAnnotation(`${rpc} needs at least one annotation in "annotations".`);
  // Clarifai documents "from 1 up to 128 annotations in a single API call" (docs: annotate/annotations).
  checkCount(items.length, rpc, 'annotations', Code.ANNOTATION_INVALID_ARGUMENT);
  return items;
}

const stringList = (v: string[] | undefined): string[] => (v ?? []).filter((s) => s !== '');

/** The concept -> annotation id map of an input's labels, leaving one annotation out. */
function heldBy(annotations: Annotation[], except?: Annotation): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of annotations) if (a !== except) for (const c of a.concepts) m.set(c.id, a.id);
  return m;
}

/** Entries processed in input id order, so concurrent writes to overlapping inputs lock rows in one order. */
const byInput = <T extends { inputId: string }>(xs: T[]): [number, T][] =>
  [...xs.entries()].sort(([, a], [, b]) => (a.inputId < b.inputId ? -1 : a.inputId > b.inputId ? 1 : 0));

async function annotationsOf(tx: Repos, ctx: CallContext, input: Input): Promise<Annotation[]> {
  return tx.annotations.ofInputs(ctx.app!.userId, ctx.app!.id, [input.pk]);
}

/**
 * Annotations (decision 0019): an input's labels, in groups. Every input has an input-level
 * annotation holding the labels of PostInputs / PatchInputs; PostAnnotations adds more. All of them
 * are one store of labels with the input's `data.concepts`: what is written here is what GetInput
 * shows and what training and dataset versions read, and PatchInputs changes them in turn.
 */
/**
 * ListAnnotations with both lists: the proto pairs them ("if [ids] are provided the number and order in
 * 'ids' and 'input_ids' should match", service.proto ListAnnotationsRequest), so ids[i] names an
 * annotation of input input_ids[i] — an annotation id is unique per input only. The store answers the
 * cross product (at most 128 × 128 rows, since each list is capped per call); the pairs are kept here.
 */
async function listPairs(store: Store, ctx: CallContext, ids: string[], inputIds: string[], page: Page): Promise<Annotation[]> {
  if (ids.length !== inputIds.length)
    throw new ApiError(
      Code.ANNOTATION_INVALID_ARGUMENT,
      `ListAnnotations got ${ids.length} ids and ${inputIds.length} input_ids: ids[i] names an annotation of input_ids[i], so send one input id per annotation id in the same order, or input_ids alone for every annotation of those inputs.`,
    );
  const wanted = new Set(ids.map((id, i) => `${inputIds[i]}\u0000${id}`));
  const found: Annotation[] = [];
  for (let p = 1; ; p++) {
    const rows = await store.annotations.list({ userId: ctx.app!.userId, appId: ctx.app!.id, page: { page: p, perPage: MAX_PER_PAGE }, ids, inputIds });
    for (const a of rows) if (wanted.has(`${a.inputId}\u0000${a.id}`)) found.push(a);
    if (rows.length < MAX_PER_PAGE) break;
  }
  const start = (page.page - 1) * page.perPage;
  return found.slice(start, start + page.perPage);
}

export function annotationRpcs(store: Store) {
  const owner = (ctx: CallContext): string => ctx.app!.userId;

  return typedRpcs({
    PostAnnotations: {
      access: 'app-write',
      async handle(ctx, req) {
        const asked = batch(req.annotations, 'PostAnnotations').map((raw, i) => parseNewAnnotation(asJson(raw), i, owner(ctx)));
        const made = await store.transaction(async (tx) => {
          const out: { pk: string; inputPk: string }[] = new Array(asked.length);
          for (const [i, a] of byInput(asked)) {
            const input = await findInput(tx, ctx, a.inputId, true);
            const existing = await annotationsOf(tx, ctx, input);
            const path = `annotations[${i}]`;
            checkNotHeld(a.labels, heldBy(existing), a.inputId, path);
            const id = a.id || newId();
            if (existing.some((e) => e.id === id))
              throw new ApiError(Code.DATABASE_DUPLICATE_KEY, `${path}.id '${id}' is taken: input '${a.inputId}' already has an annotation with that id.`);
            await tx.concepts.ensure(
              ctx.app!.userId,
              ctx.app!.id,
              a.labels.map((l) => l.id),
              ctx.now,
            );
            const pk = newId();
            await tx.annotations.create({ pk, inputPk: input.pk, id, labels: a.labels, now: ctx.now }).catch((e: unknown) => {
              throw e instanceof DuplicateKeyError ? new ApiError(Code.DATABASE_DUPLICATE_KEY, `${path}.id '${id}' is taken on input '${a.inputId}'.`) : e;
            });
            out[i] = { pk, inputPk: input.pk };
          }
          return out;
        });
        const all = await store.annotations.ofInputs(ctx.app!.userId, ctx.app!.id, [...new Set(made.map((m) => m.inputPk))]);
        return { annotations: made.map((m) => annotationToApi(all.find((a) => a.pk === m.pk)!)) };
      },
    },
    ListAnnotations: {
      access: 'app-read',
      async handle(ctx, req) {
        const page = pageOf(req, Code.ANNOTATION_INVALID_ARGUMENT);
        const ids = stringList(req.ids);
        const inputIds = stringList(req.input_ids);
        checkCount(ids.length, 'ListAnnotations', 'ids', Code.ANNOTATION_INVALID_ARGUMENT);
        checkCount(inputIds.length, 'ListAnnotations', 'input_ids', Code.ANNOTATION_INVALID_ARGUMENT);
        // Every annotation here is the app owner's, complete (24150), and none is written by a model,
        // a workflow or a task: those filters select nothing (or everything) rather than being ignored.
        const users = stringList(req.user_ids);
        const statuses = (req.statuses ?? []).map((st) => Number(st.code ?? 0));
        const none =
          (users.length > 0 && !users.includes(owner(ctx))) ||
          stringList(req.model_version_ids).length > 0 ||
          stringList(req.workflow_version_ids).length > 0 ||
          (statuses.length > 0 && !statuses.includes(Code.ANNOTATION_SUCCESS)) ||
          (req.task_id ?? '') !== '';
        if (none) return { annotations: [] };
        if (ids.length > 0 && inputIds.length > 0) return { annotations: (await listPairs(store, ctx, ids, inputIds, page)).map(annotationToApi) };
        const list = await store.annotations.list({
          userId: ctx.app!.userId,
          appId: ctx.app!.id,
          page,
          ...(ids.length > 0 ? { ids } : {}),
          ...(inputIds.length > 0 ? { inputIds } : {}),
        });
        return { annotations: list.map(annotationToApi) };
      },
    },
    GetAnnotation: {
      access: 'app-read',
      async handle(ctx, req) {
        const id = req.annotation_id ?? '';
        if (!id) throw badAnnotation('annotation_id is required.');
        const input = await findInput(store, ctx, req.input_id);
        const found = (await annotationsOf(store, ctx, input)).find((a) => a.id === id);
        if (!found) throw notFound(input.id, id, ctx);
        return { annotation: annotationToApi(found) };
      },
    },
    PatchAnnotations: {
      access: 'app-write',
      async handle(ctx, req) {
        const action = parsePatchAction(req.action);
        const asked = batch(req.annotations, 'PatchAnnotations').map((raw, i) => parseAnnotationPatch(asJson(raw), i, owner(ctx)));
        const seen = new Set<string>();
        for (const [i, p] of asked.entries()) {
          const key = `${p.inputId}\u0000${p.id}`;
          if (seen.has(key))
            throw badAnnotation(`annotations[${i}] names annotation '${p.id}' of input '${p.inputId}' a second time; send one entry per annotation.`);
          seen.add(key);
        }
        const deleteIfEmpty = req.delete_if_empty_data === true;
        const touched = await store.transaction(async (tx) => {
          const out: { inputPk: string; pk: string; deleted?: Annotation }[] = new Array(asked.length);
          for (const [i, p] of byInput(asked)) {
            const input = await findInput(tx, ctx, p.inputId, true);
            const existing = await annotationsOf(tx, ctx, input);
            const target = existing.find((a) => a.id === p.id);
            if (!target) throw notFound(p.inputId, p.id, ctx);
            const path = `annotations[${i}]`;
            const labels = applyAnnotationPatch(target.concepts, p, action, path);
            checkNotHeld(labels, heldBy(existing, target), p.inputId, path);
            await tx.concepts.ensure(
              ctx.app!.userId,
              ctx.app!.id,
              labels.map((l) => l.id),
              ctx.now,
            );
            if (deleteIfEmpty && labels.length === 0 && !target.inputLevel) {
              await tx.annotations.delete([target.pk]);
              out[i] = { inputPk: input.pk, pk: target.pk, deleted: { ...target, concepts: [], modifiedAt: ctx.now } };
            } else {
              await tx.annotations.setLabels(input.pk, target.inputLevel ? null : target.pk, labels, ctx.now);
              out[i] = { inputPk: input.pk, pk: target.pk };
            }
          }
          return out;
        });
        const all = await store.annotations.ofInputs(ctx.app!.userId, ctx.app!.id, [...new Set(touched.map((t) => t.inputPk))]);
        return { annotations: touched.map((t) => annotationToApi(t.deleted ?? all.find((a) => a.pk === t.pk)!)) };
      },
    },
    DeleteAnnotation: {
      access: 'app-write',
      async handle(ctx, req) {
        const id = req.annotation_id ?? '';
        if (!id) throw badAnnotation('annotation_id is required.');
        await store.transaction(async (tx) => {
          const input = await findInput(tx, ctx, req.input_id, true);
          const target = (await annotationsOf(tx, ctx, input)).find((a) => a.id === id);
          if (!target) throw notFound(input.id, id, ctx);
          if (target.inputLevel) throw inputLevelRefusal(input.id, id);
          await tx.annotations.delete([target.pk]);
        });
        return {};
      },
    },
    DeleteAnnotations: {
      access: 'app-write',
      async handle(ctx, req) {
        const ids = stringList(req.ids);
        const inputIds = stringList(req.input_ids);
        if (inputIds.length === 0)
          throw badAnnotation(
            'DeleteAnnotations needs input_ids: with ids, the input of each annotation (parallel lists); alone, every input whose added annotations to delete.',
          );
        if (ids.length > 0 && ids.length !== inputIds.length)
          throw badAnnotation(
            `DeleteAnnotations got ${ids.length} ids and ${inputIds.length} input_ids; send one input id per annotation id (parallel lists), or input_ids alone.`,
          );
        checkCount(inputIds.length, 'DeleteAnnotations', 'input_ids', Code.ANNOTATION_INVALID_ARGUMENT);
        // All or nothing: an unknown input or annotation fails the call before anything is deleted.
        await store.transaction(async (tx) => {
          const inputs = await findInputs(tx, ctx, [...new Set(inputIds)]);
          const all = await tx.annotations.ofInputs(
            ctx.app!.userId,
            ctx.app!.id,
            inputs.map((i) => i.pk),
          );
          const pks =
            ids.length === 0
              ? // Input ids alone: every annotation of those inputs except the input-level ones, which go
                // only with their input (Clarifai docs, "Delete all annotations by input IDs").
                all.filter((a) => !a.inputLevel).map((a) => a.pk)
              : ids.map((id, n) => {
                  const a = all.find((x) => x.inputId === inputIds[n] && x.id === id);
                  if (!a) throw notFound(inputIds[n]!, id, ctx);
                  if (a.inputLevel) throw inputLevelRefusal(a.inputId, id);
                  return a.pk;
                });
          await tx.annotations.delete([...new Set(pks)]);
        });
        return {};
      },
    },
  });
}

const inputLevelRefusal = (inputId: string, id: string): ApiError =>
  badAnnotation(
    `Annotation '${id}' is the input-level annotation of input '${inputId}': it goes only with its input (DeleteInputs). To clear its labels, PatchAnnotations it with action "overwrite" and no concepts.`,
  );
