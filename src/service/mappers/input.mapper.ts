import { Visibility } from '../../domain/entities.js';
import type { Concept, Dataset, DatasetVersion, Input } from '../../domain/inputs.js';
import { geoToApi } from '../../domain/geo.js';
import { Code, describe } from '../../domain/status-codes.js';
import type { ApiObject } from '../context.js';
import { ts } from './time.js';

/** Domain input -> API `Input`. Base64 images are not echoed back (Clarifai does not either); `image_info` appears once processed. */
export function inputToApi(i: Input): ApiObject {
  const data: ApiObject = {
    concepts: i.concepts.map((c) => ({ id: c.id, name: c.name || c.id, value: c.value, app_id: i.appId })),
    metadata: i.metadata,
  };
  if (i.geo) data.geo = geoToApi(i.geo);
  if (i.kind === 'text') data.text = { raw: i.text ?? '' };
  else {
    const image: ApiObject = {};
    if (i.imageUrl) image.url = i.imageUrl;
    if (i.imageInfo) image.image_info = i.imageInfo;
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

/** App concept resource; `value` is always printed (cl_show_if_empty) and is 1 for a concept as such. */
export function conceptResourceToApi(c: Concept): ApiObject {
  return {
    id: c.id,
    name: c.name || c.id,
    value: 1,
    created_at: ts(c.createdAt),
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
    reindexed: 0,
    to_reindex: 0,
    reindex_errors: 0,
    reindexing: 0,
  };
}
