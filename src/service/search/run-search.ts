import { builtInList } from '../../domain/base-workflow.js';
import { ApiError } from '../../domain/errors.js';
import type { Annotation, Input, InputKind } from '../../domain/inputs.js';
import { shown } from '../../domain/limits.js';
import type { ModelTypeRegistry } from '../../domain/model-types/registry.js';
import { matchesAll } from '../../domain/search-match.js';
import type { RankTarget, SearchPlan } from '../../domain/search-query.js';
import { Code, type StatusCode } from '../../domain/status-codes.js';
import { type Embedder, type EmbedInput, embedSettled } from '../../ml/embedders/embedder.js';
import type { Page } from '../../ports/paging.js';
import type { Store } from '../../ports/store.js';
import type { CallContext } from '../core/context.js';
import { InputFetchError, type UrlFetcher } from '../predict/fetch-url.js';
import { currentBaseEmbedders } from '../rpc/base-workflow.js';
import { rankVectors } from './rank-vectors.js';
import type { SearchIndex } from './search-index.js';

export interface SearchDeps {
  store: Store;
  /** The embedders this server runs; the app's base workflow picks the one per input kind (decision 0037). */
  embedders: ReadonlyMap<string, Embedder>;
  types: ModelTypeRegistry;
  fetchUrl: UrlFetcher;
  /** The app's inputs and vectors, reused between writes. */
  index: SearchIndex;
}

export interface SearchHit {
  input: Input;
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Hits over all pages. */
  total: number;
}

/** The embedder the app's base workflow indexes `kind` inputs with: its stored vectors are the ones ranked. */
async function embedderFor(d: SearchDeps, ctx: CallContext, kind: InputKind): Promise<Embedder> {
  const base = await currentBaseEmbedders(d.store, ctx.app!, d.embedders, d.types);
  const id = base.embedders[kind];
  const e = id ? d.embedders.get(id) : undefined;
  if (e) return e;
  throw new ApiError(
    Code.SEARCH_INVALID_REQUEST,
    `App '${ctx.app!.userId}/${ctx.app!.id}' has base workflow '${base.id}', which indexes no ${kind} inputs, so there is nothing to rank by ${kind} similarity. PatchApps a default_workflow_id that embeds ${kind} inputs (built-in: ${builtInList()}).`,
  );
}

/** The query vector and the embedder whose stored vectors it is compared with. */
async function queryVector(d: SearchDeps, ctx: CallContext, target: RankTarget, path: string): Promise<{ embedderId: string; vector: Float32Array }> {
  if (target.by === 'input') {
    const [input] = await d.store.inputs.getMany(ctx.app!.userId, ctx.app!.id, [target.inputId]);
    if (!input)
      throw new ApiError(
        Code.CONN_DOES_NOT_EXIST,
        `${path}.input_id: input '${shown(target.inputId)}' does not exist in app '${ctx.app!.userId}/${ctx.app!.id}'.`,
      );
    const e = await embedderFor(d, ctx, input.kind);
    const vector = (await d.store.embeddings.getMany([input.pk], e.id)).get(input.pk);
    if (!vector) {
      throw new ApiError(
        Code.SEARCH_BY_NOT_FULLY_INDEXED_INPUT,
        `${path}.input_id: input '${shown(input.id)}' has no embedding yet (status ${input.status.code}); search by it once GetInput shows status 30000.`,
      );
    }
    return { embedderId: e.id, vector };
  }
  let payload: EmbedInput;
  let kind: InputKind = 'image';
  if (target.by === 'text') {
    kind = 'text';
    payload = { text: target.text };
  } else if (target.by === 'image-bytes') {
    const bytes = Buffer.from(target.base64, 'base64');
    if (bytes.length === 0)
      throw new ApiError(Code.SEARCH_INVALID_REQUEST, `${path}.data.image.base64 decodes to no bytes; send the image file's bytes, base64-encoded.`);
    payload = { imageBytes: bytes };
  } else {
    try {
      payload = { imageBytes: await d.fetchUrl(target.url) };
    } catch (e) {
      if (e instanceof InputFetchError) throw new ApiError(e.code as StatusCode, `${path}.data.image.url: ${e.details}`);
      throw e;
    }
  }
  const e = await embedderFor(d, ctx, kind);
  const [outcome] = await embedSettled(e, [payload]);
  if (!outcome) throw new Error(`${e.id} returned no result`);
  if (!outcome.ok) throw new ApiError(Code.SEARCH_INVALID_REQUEST, `${path}.data: the query could not be embedded: ${outcome.error.reason}`);
  return { embedderId: e.id, vector: outcome.vector };
}

/**
 * Runs one plan over the app. Filters select; a rank orders the selection by cosine over the stored
 * vectors of one embedder, exactly or through the approximate index (rankVectors, decision 0042);
 * inputs without one — other kind, not processed yet — cannot be scored and are left out. Without a rank every selected input scores 1, newest first.
 */
export async function runSearch(d: SearchDeps, ctx: CallContext, plan: SearchPlan, page: Page, rankPath: string): Promise<SearchResult> {
  // The query is embedded before the scan: a bad query image fails fast, whatever the app's size.
  const q = plan.rank ? await queryVector(d, ctx, plan.rank, rankPath) : undefined;
  const snap = await d.index.snapshot(ctx, q && { id: q.embedderId, dim: q.vector.length });
  const start = (page.page - 1) * page.perPage;
  if (!q || !snap.vectors) {
    const selected = snap.inputs.filter((i) => matchesAll(i, plan.filters));
    const ordered = plan.minValue <= 1 ? selected.map((input) => ({ input, score: 1 })) : [];
    return { hits: ordered.slice(start, start + page.perPage), total: ordered.length };
  }
  // Without filters every stored vector is a candidate: no pass over the inputs.
  const selected = plan.filters.length === 0 ? undefined : snap.inputs.filter((i) => matchesAll(i, plan.filters));
  const ranked = rankVectors(snap.vectors, snap.byPk, selected, q.vector, plan.minValue, start + page.perPage, plan.bruteForce ? 'exact' : d.index.mode);
  return { hits: ranked.top.slice(start), total: ranked.total };
}

export interface AnnotationHit {
  input: Input;
  annotation: Annotation;
}

/**
 * PostAnnotationsSearches: the same filters, but a hit is one annotation, and every filter's concept
 * conditions must hold for that one annotation (Clarifai's python-grpc test: a palm-box annotation and
 * a water-box annotation on one image answer no hit for "palm AND water"). Input-level conditions
 * (metadata, type, dataset, id, status) look at the annotation's input. Newest input first, then the
 * input's annotations in their order (input-level first). Every hit scores 1.
 */
export async function runAnnotationSearch(d: SearchDeps, ctx: CallContext, plan: SearchPlan, page: Page): Promise<{ hits: AnnotationHit[]; total: number }> {
  const { inputs } = await d.index.snapshot(ctx);
  const byPk = new Map(inputs.map((i) => [i.pk, i]));
  const matched: AnnotationHit[] = [];
  for (let from = 0; from < inputs.length; from += 1000) {
    const annotations = await d.store.annotations.ofInputs(
      ctx.app!.userId,
      ctx.app!.id,
      inputs.slice(from, from + 1000).map((i) => i.pk),
    );
    for (const a of annotations) {
      const input = byPk.get(a.inputPk);
      if (input && matchesAll(input, plan.filters, a.concepts)) matched.push({ input, annotation: a });
    }
  }
  const start = (page.page - 1) * page.perPage;
  return { hits: plan.minValue <= 1 ? matched.slice(start, start + page.perPage) : [], total: matched.length };
}
