import { Visibility } from '../../domain/entities.js';
import { geoToApi } from '../../domain/geo.js';
import { type Concept, type Dataset, type DatasetVersion, DEFAULT_CONCEPT_LANGUAGE, type Input } from '../../domain/inputs.js';
import { Code, describe } from '../../domain/status-codes.js';
import type { ApiObject } from '../core/context.js';
import { hostedImageFields } from '../rpc/hosted-images.js';
import { ts } from './time.js';

/**
 * `image_info` of an image not decoded yet (pending, or failed): Clarifai answers a placeholder rather
 * than nothing, so clients reading image_info.format never meet an absent message.
 */
export const PENDING_IMAGE_INFO = { format: 'UnknownImageFormat', color_mode: 'UnknownColorMode' } as const;

/**
 * Domain input -> API `Input`. Base64 images are not echoed back (Clarifai does not either); instead
 * an image whose bytes we hold has `image.hosted` and, for uploaded bytes, an `image.url` that serves
 * them (hosted-images.ts) when `hostedBase` (the REST port's public URL) is given. `image_info` is the
 * decoded size and format once processed, a placeholder before.
 */
export function inputToApi(i: Input, hostedBase?: string): ApiObject {
  const data: ApiObject = {
    concepts: i.concepts.map((c) => ({ id: c.id, name: c.name || c.id, value: c.value, app_id: i.appId })),
    metadata: i.metadata,
  };
  if (i.geo) data.geo = geoToApi(i.geo);
  if (i.kind === 'text') {
    // data.text.url inputs: the URL as sent, and raw once the processor fetched it.
    const text: ApiObject = {};
    if (i.text !== null || !i.textUrl) text.raw = i.text ?? '';
    if (i.textUrl) text.url = i.textUrl;
    data.text = text;
  } else {
    const image: ApiObject = {};
    const hosted = hostedImageFields(i, hostedBase);
    if (i.imageUrl) image.url = i.imageUrl;
    else if (hosted?.url) image.url = hosted.url;
    if (hosted) image.hosted = hosted.hosted;
    image.image_info = i.imageInfo ?? { ...PENDING_IMAGE_INFO };
    data.image = image;
  }
  const status: ApiObject = { code: i.status.code, description: describe(i.status.code) };
  if (i.status.details) status.details = i.status.details;
  return {
    id: i.id,
    data,
    created_at: ts(i.createdAt),
    modified_at: ts(i.modifiedAt),
    status,
    dataset_ids: i.datasetIds,
  };
}

/**
 * App concept resource; `value` is always printed (cl_show_if_empty) and is 1 for a concept as such.
 * `language` as Clarifai's docs show it on PostConcepts / ListConcepts answers ("en" unless given).
 */
export function conceptResourceToApi(c: Concept): ApiObject {
  return {
    id: c.id,
    name: c.name || c.id,
    value: 1,
    created_at: ts(c.createdAt),
    language: c.language || DEFAULT_CONCEPT_LANGUAGE,
    app_id: c.appId,
    user_id: c.userId,
    visibility: { gettable: Visibility.PRIVATE },
  };
}

export function datasetToApi(d: Dataset): ApiObject {
  const out: ApiObject = {
    id: d.id,
    created_at: ts(d.createdAt),
    modified_at: ts(d.modifiedAt),
    app_id: d.appId,
    user_id: d.userId,
    metadata: d.metadata,
    visibility: { gettable: Visibility.PRIVATE },
  };
  if (d.description) out.description = d.description;
  if (d.notes) out.notes = d.notes;
  return out;
}

/** `metrics["/"]` holds whole-version counts, as Clarifai keys them; UInt64Value counts travel as strings. */
export function datasetVersionToApi(v: DatasetVersion): ApiObject {
  const out: ApiObject = {
    id: v.id,
    created_at: ts(v.createdAt),
    modified_at: ts(v.modifiedAt),
    app_id: v.appId,
    user_id: v.userId,
    dataset_id: v.datasetId,
    status: { code: v.statusCode, description: describe(v.statusCode) },
    metrics: {
      '/': {
        inputs_count: String(v.counts.inputs),
        unlabeled_inputs_count: String(v.counts.unlabeled),
        positive_input_tags_count: String(v.counts.positiveTags),
      },
    },
    metadata: v.metadata,
    visibility: { gettable: Visibility.PRIVATE },
  };
  if (v.description) out.description = v.description;
  return out;
}

/** GetInputCount: every count is printed, zeros included (cl_show_if_empty). */
export function inputCountsToApi(byStatus: Map<number, number>): ApiObject {
  const n = (code: number): number => byStatus.get(code) ?? 0;
  return {
    processed: n(Code.INPUT_SUCCESS),
    to_process: n(Code.INPUT_PENDING),
    errors: n(Code.INPUT_FAILED),
    processing: n(Code.INPUT_IN_PROGRESS),
    // Re-indexing after a base workflow change (decision 0037): 30500 done, 30501 queued, 30502 failed, 30503 under way.
    reindexed: n(Code.INPUT_REINDEX_SUCCESS),
    to_reindex: n(Code.INPUT_REINDEX_PENDING),
    reindex_errors: n(Code.INPUT_REINDEX_FAILED),
    reindexing: n(Code.INPUT_REINDEX_IN_PROGRESS),
  };
}
