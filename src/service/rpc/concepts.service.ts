import { ApiError, DuplicateKeyError } from '../../domain/errors.js';
import { isValidId } from '../../domain/ids.js';
import { duplicateIds } from '../../domain/input-rules.js';
import { type Concept, DEFAULT_CONCEPT_LANGUAGE } from '../../domain/inputs.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { checkCount, checkLength, MAX_NAME_CHARS, MAX_SEARCH_TEXT_CHARS } from '../../domain/limits.js';
import { applyPatch, parsePatchAction } from '../../domain/patch.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { Store } from '../../ports/store.js';
import { typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { conceptResourceToApi } from '../mappers/input.mapper.js';

const bad = (details: string): ApiError => new ApiError(Code.CONCEPTS_INVALID_REQUEST, details);

/** A BCP 47-shaped tag (language, then optional subtags), as Clarifai's concept languages are ("en", "zh-Hans"). */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

/** Concept fields modelkeep does not keep: refused when set rather than silently dropped. */
const UNSUPPORTED = ['definition', 'vocab_id', 'metadata', 'keypoint_info', 'extra_info', 'image'] as const satisfies ReadonlyArray<keyof api.Concept>;

function newConcept(raw: api.Concept, i: number, base: { userId: string; appId: string; now: number }): Concept {
  const id = raw.id ?? '';
  if (!id) throw bad(`concepts[${i}].id is required.`);
  if (!isValidId(id)) throw bad(`concepts[${i}].id '${id.slice(0, 140)}' is invalid: 1-128 letters, digits, '_' or '-', starting with a letter or digit.`);
  for (const f of UNSUPPORTED)
    if (raw[f] !== undefined && raw[f] !== null && raw[f] !== '') throw bad(`concepts[${i}].${f} is not supported by modelkeep; send id and name.`);
  const name = raw.name || id;
  checkLength(name, `concepts[${i}].name`, MAX_NAME_CHARS, Code.CONCEPTS_INVALID_REQUEST);
  const language = String(raw.language ?? '') || DEFAULT_CONCEPT_LANGUAGE;
  if (!LANGUAGE_TAG.test(language))
    throw bad(
      `concepts[${i}].language '${language.slice(0, 140)}' is not a language code; send a code such as "en", "fr" or "zh-Hans", or leave it out for "${DEFAULT_CONCEPT_LANGUAGE}".`,
    );
  return { userId: base.userId, appId: base.appId, id, name, language, createdAt: base.now, modifiedAt: base.now };
}

/** App concepts. Inputs and model versions that name an unknown concept create it with name = id. */
export function conceptRpcs(store: Store) {
  return typedRpcs({
    PostConcepts: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.concepts ?? [];
        if (list.length === 0) throw bad('PostConcepts needs at least one concept in "concepts".');
        checkCount(list.length, 'PostConcepts', 'concepts', Code.CONCEPTS_INVALID_REQUEST);
        const concepts = list.map((raw, i) => newConcept(raw, i, { userId: ctx.app!.userId, appId: ctx.app!.id, now: ctx.now }));
        const dups = duplicateIds(concepts.map((c) => c.id));
        // 40003, not 40010: Clarifai's python-grpc test_concept_crud.py expects CONCEPTS_INVALID_REQUEST,
        // "Invalid request", and "duplicate" in the details for a taken concept id (decision 0011).
        if (dups.length > 0) throw bad(`Duplicate concept id '${dups.join("', '")}': it appears more than once in this request.`);
        await store.concepts.create(concepts).catch((e: unknown) => {
          throw e instanceof DuplicateKeyError
            ? bad(`Duplicate concept id '${e.key}': it already exists in app '${ctx.app!.userId}/${ctx.app!.id}'. Choose another id.`)
            : e;
        });
        return { concepts: concepts.map(conceptResourceToApi) };
      },
    },
    GetConcept: {
      access: 'app-read',
      async handle(ctx, req) {
        const id = req.concept_id ?? '';
        if (!id) throw bad('concept_id is required.');
        const c = await store.concepts.get(ctx.app!.userId, ctx.app!.id, id);
        if (!c)
          throw new ApiError(
            Code.CONN_DOES_NOT_EXIST,
            `Concept '${id}' does not exist in app '${ctx.app!.userId}/${ctx.app!.id}'. Create it with PostConcepts, or label an input with it.`,
          );
        return { concept: conceptResourceToApi(c) };
      },
    },
    PatchConcepts: {
      access: 'app-write',
      async handle(ctx, req) {
        const action = parsePatchAction(req.action);
        const list = req.concepts ?? [];
        if (list.length === 0) throw bad('PatchConcepts needs at least one concept in "concepts".');
        checkCount(list.length, 'PatchConcepts', 'concepts', Code.CONCEPTS_INVALID_REQUEST);
        const changes = list.map((raw, i) => {
          const id = raw.id ?? '';
          if (!id) throw bad(`concepts[${i}].id is required: PatchConcepts names the concepts to change.`);
          for (const f of UNSUPPORTED)
            if (raw[f] !== undefined && raw[f] !== null && raw[f] !== '')
              throw bad(`concepts[${i}].${f} is not supported by modelkeep; only a concept's name can be patched.`);
          const patch: JsonObject = raw.name ? { name: raw.name } : {};
          return { id, patch };
        });
        const dups = duplicateIds(changes.map((c) => c.id));
        if (dups.length > 0) throw bad(`Concept '${dups.join("', '")}' appears more than once in this request; send one entry per concept.`);
        const { userId, id: appId } = ctx.app!;
        const out = await store.transaction(async (tx) => {
          const done: Concept[] = [];
          for (const [i, c] of changes.entries()) {
            const cur = await tx.concepts.get(userId, appId, c.id);
            // 11101 as Clarifai answers a concept that is not in the app (python-grpc test_patching_public_concept_fails).
            if (!cur)
              throw new ApiError(Code.CONN_DOES_NOT_EXIST, `Concept '${c.id}' does not exist in app '${userId}/${appId}'. Create it with PostConcepts first.`);
            const next = applyPatch({ name: cur.name }, c.patch, action);
            const name = isJsonObject(next) && typeof next.name === 'string' && next.name !== '' ? next.name : c.id;
            checkLength(name, `concepts[${i}].name`, MAX_NAME_CHARS, Code.CONCEPTS_INVALID_REQUEST);
            await tx.concepts.rename(userId, appId, c.id, name, ctx.now);
            done.push({ ...cur, name, modifiedAt: ctx.now });
          }
          return done;
        });
        return { concepts: out.map(conceptResourceToApi) };
      },
    },
    ListConcepts: {
      access: 'app-read',
      async handle(ctx, req) {
        const page = pageOf(req, Code.CONCEPTS_INVALID_REQUEST);
        const idContains = req.id ?? '';
        // The filter becomes a LIKE pattern: SQLite refuses long ones (a 300,000-character id answered 98004; found by the fuzz suite).
        checkLength(idContains, 'id (the concept id filter)', MAX_SEARCH_TEXT_CHARS, Code.CONCEPTS_INVALID_REQUEST);
        const concepts = await store.concepts.list(ctx.app!.userId, ctx.app!.id, page, idContains || undefined);
        return { concepts: concepts.map(conceptResourceToApi) };
      },
    },
  });
}
