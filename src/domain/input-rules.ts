// Validation of input-side requests (PostInputs, PatchInputs): pure, so every rule is unit-tested.
// Anything refused here is refused before a single row is written.
import { ApiError } from './errors.js';
import { geoToApi, parseGeo } from './geo.js';
import { isValidId, newId } from './ids.js';
import type { GeoPoint, InputLabel, NewInput } from './inputs.js';
import { isJsonObject, type JsonObject } from './json.js';
import { checkCount, MAX_LABELS_PER_INPUT } from './limits.js';
import { applyPatch, type PatchAction } from './patch.js';
import { Code } from './status-codes.js';

const bad = (details: string): ApiError => new ApiError(Code.INPUT_INVALID_ARGUMENT, details);

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (isJsonObject(v) ? (v as Raw) : {});

/** What PostInputs reads from `data`; the rest of Clarifai's Data (video, regions, …) is refused by name. */
const DATA_FIELDS = new Set(['image', 'text', 'concepts', 'metadata', 'geo']);
const IMAGE_FIELDS = new Set(['url', 'base64', 'allow_duplicate_url']);
const TEXT_FIELDS = new Set(['raw', 'url', 'allow_duplicate_url']);

export function checkBatch(count: number, rpc: string, what = 'inputs'): void {
  if (count === 0) throw new ApiError(Code.INPUT_INVALID_REQUEST, `${rpc} needs at least one entry in "${what}".`);
  checkCount(count, rpc, what, Code.INPUT_INVALID_REQUEST);
}

function rejectUnknown(o: Raw, allowed: Set<string>, path: string, hint: string): void {
  for (const [k, v] of Object.entries(o)) {
    if (!allowed.has(k) && v !== undefined && v !== null) throw bad(`${path}.${k} is not supported by modelkeep; ${hint}`);
  }
}

/**
 * `data.concepts` -> labels. Values must be 1 (positive) or 0 (negative). A value missing here is 0:
 * over REST the JSON codec already filled Clarifai's default of 1, while over gRPC proto3 cannot
 * send an explicit 0 at all, so "absent" can only mean 0 there.
 */
export function parseLabels(raw: unknown, path: string): InputLabel[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw bad(`${path} must be a list of concepts.`);
  // Checked on the result of a PatchInputs merge too (patchAnnotations parses the merged list).
  if (raw.length > MAX_LABELS_PER_INPUT) throw bad(`${path} has ${raw.length} concepts; an input carries at most ${MAX_LABELS_PER_INPUT} labels.`);
  const seen = new Set<string>();
  return raw.map((c, i) => {
    const id = String(obj(c).id ?? '');
    if (!id) throw bad(`${path}[${i}].id is required: label inputs with concept ids (a concept is created with name = id if it does not exist).`);
    if (!isValidId(id))
      throw bad(`${path}[${i}].id '${id.slice(0, 140)}' is not a valid concept id (1-128 letters, digits, '_' or '-', starting with a letter or digit).`);
    if (seen.has(id)) throw bad(`${path} names concept '${id}' twice.`);
    seen.add(id);
    const value = Number(obj(c).value ?? 0);
    if (value !== 0 && value !== 1) throw bad(`${path}[${i}].value is ${value}; use 1 for a positive label or 0 for a negative one.`);
    return { id, value };
  });
}

function parseMetadata(raw: unknown, path: string): JsonObject {
  if (raw === undefined || raw === null) return {};
  if (!isJsonObject(raw)) throw bad(`${path} must be a JSON object.`);
  return raw;
}

/** An http(s) URL to fetch; `instead` says where the data can travel otherwise (data.image.base64, data.text.raw). */
function parseDataUrl(url: string, path: string, instead: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ApiError(Code.INPUT_INVALID_URL, `${path} '${url.slice(0, 200)}' is not a URL; send an http(s) URL or the data itself in ${instead}.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ApiError(
      Code.INPUT_INVALID_URL,
      `${path} uses ${u.protocol.replace(':', '')}; only http and https URLs are fetched. Send the data itself in ${instead}.`,
    );
  }
  return u.toString();
}

/** One PostInputs entry -> a new input (not yet stored). `base` gives owner and time. */
export function parseNewInput(raw: Raw, i: number, base: { userId: string; appId: string; now: number }): NewInput {
  const path = `inputs[${i}]`;
  if (raw.settings !== undefined && raw.settings !== null) throw bad(`${path}.settings is not supported by modelkeep; leave it out.`);
  const id = raw.id ? String(raw.id) : newId();
  if (!isValidId(id))
    throw bad(
      `${path}.id '${id.slice(0, 140)}' is invalid: ids are 1-128 characters, start with a letter or digit, and contain only letters, digits, '_' and '-'.`,
    );
  const data = obj(raw.data);
  rejectUnknown(
    data,
    DATA_FIELDS,
    `${path}.data`,
    'inputs carry data.text.raw, data.text.url, data.image.base64 or data.image.url, with data.concepts, data.metadata and data.geo.',
  );
  const image = data.image === undefined || data.image === null ? undefined : obj(data.image);
  const text = data.text === undefined || data.text === null ? undefined : obj(data.text);
  if (image) rejectUnknown(image, IMAGE_FIELDS, `${path}.data.image`, 'send the image as data.image.url or data.image.base64.');
  if (text) rejectUnknown(text, TEXT_FIELDS, `${path}.data.text`, 'send the text in data.text.raw or its http(s) address in data.text.url.');
  const kinds = [
    image?.url ? 'data.image.url' : '',
    image?.base64 ? 'data.image.base64' : '',
    text?.raw ? 'data.text.raw' : '',
    text?.url ? 'data.text.url' : '',
  ].filter(Boolean);
  if (kinds.length === 0) throw bad(`${path} has no data: send one of data.text.raw, data.text.url, data.image.base64 or data.image.url.`);
  if (kinds.length > 1) throw bad(`${path} has ${kinds.join(' and ')}; an input carries exactly one of them.`);
  let imageBytes: Uint8Array | null = null;
  if (image?.base64) {
    imageBytes = Buffer.from(String(image.base64), 'base64');
    if (imageBytes.length === 0) throw bad(`${path}.data.image.base64 decodes to no bytes; send the image file's bytes, base64-encoded.`);
  }
  const datasetIds = Array.isArray(raw.dataset_ids) ? raw.dataset_ids.map(String) : [];
  for (const d of datasetIds) if (!isValidId(d)) throw bad(`${path}.dataset_ids: '${d.slice(0, 140)}' is not a valid dataset id.`);
  return {
    pk: newId(),
    userId: base.userId,
    appId: base.appId,
    id,
    kind: text ? 'text' : 'image',
    text: text?.raw ? String(text.raw) : null,
    imageUrl: image?.url ? parseDataUrl(String(image.url), `${path}.data.image.url`, 'data.image.base64') : null,
    textUrl: text?.url ? parseDataUrl(String(text.url), `${path}.data.text.url`, 'data.text.raw') : null,
    imageBytes,
    metadata: parseMetadata(data.metadata, `${path}.data.metadata`),
    geo: parseGeo(data.geo, `${path}.data.geo`),
    annotationId: newId(),
    concepts: parseLabels(data.concepts, `${path}.data.concepts`),
    datasetIds: [...new Set(datasetIds)],
    createdAt: base.now,
  };
}

/** Ids used twice in one request (a request must not conflict with itself). */
export function duplicateIds(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/** The labels of a patch as plain JSON, for applyPatch (ids and values are checked on the result). */
export const labelPatch = (raw: unknown[]): JsonObject[] => raw.map((c) => ({ id: String(obj(c).id ?? ''), value: Number(obj(c).value ?? 0) }));

const PATCHABLE_DATA = new Set(['concepts', 'metadata', 'geo']);

/**
 * PatchInputs on one input: `data.concepts`, `data.metadata` and `data.geo` are patched with
 * Clarifai's merge / overwrite / remove (src/domain/patch.ts) over the view {concepts, metadata,
 * geo}; concepts merge and remove by id, geo like metadata (remove `{"geo": {"geo_point": true}}`
 * — data.geo named at all — or overwrite without it drops the point). Everything else in `data` is immutable and refused.
 */
export function patchAnnotations(
  current: { concepts: InputLabel[]; metadata: JsonObject; geo: GeoPoint | null },
  rawData: unknown,
  action: PatchAction,
  path: string,
): { concepts: InputLabel[]; metadata: JsonObject; geo: GeoPoint | null } {
  const data = obj(rawData);
  for (const [k, v] of Object.entries(data)) {
    if (!PATCHABLE_DATA.has(k) && v !== undefined && v !== null) {
      throw bad(
        `${path}.data.${k} cannot be patched: an input's data is immutable. Only data.concepts, data.metadata and data.geo change; delete and re-add the input to change its data.`,
      );
    }
  }
  const patch: JsonObject = {};
  if (Array.isArray(data.concepts)) patch.concepts = labelPatch(data.concepts);
  if (data.metadata !== undefined && data.metadata !== null) patch.metadata = parseMetadata(data.metadata, `${path}.data.metadata`);
  if (data.geo !== undefined && data.geo !== null) {
    if (!isJsonObject(data.geo) && data.geo !== true)
      throw bad(`${path}.data.geo must be an object like {"geo_point": {"longitude": -122.4, "latitude": 37.8}}.`);
    // Geo is a typed message, not a Struct: a client can only name it, not mark its fields `true`.
    // So with remove, naming data.geo at all drops the point (an input has one point, nothing smaller to remove).
    patch.geo = action === 'remove' ? true : data.geo;
  }
  const view: JsonObject = { concepts: current.concepts.map((c) => ({ id: c.id, value: c.value })), metadata: current.metadata };
  if (current.geo) view.geo = geoToApi(current.geo);
  const next = applyPatch(view, patch, action);
  return {
    concepts: parseLabels(next.concepts ?? [], `${path}.data.concepts`),
    metadata: parseMetadata(next.metadata ?? {}, `${path}.data.metadata`),
    geo: parseGeo(next.geo, `${path}.data.geo`),
  };
}
