import type { Input, SnapshotInput } from '../../domain/inputs.js';
import { type ZipEntry, zipFiles } from '../../runtime/zip.js';
import type { ApiObject } from '../core/context.js';
import { inputToApi } from '../mappers/input.mapper.js';

// The archives of PutDatasetVersionExports (decision 0046), as the protos describe them
// (DatasetVersionExportFormat): "a ZIP-archive containing batches of serialized InputBatch" messages,
// protobuf or JSON, where "only the id and data fields of exported inputs are set". The layout is what
// Clarifai's Python client reads (clarifai/datasets/export/inputs_annotations.py, DatasetExportReader):
// a `mimetype` entry naming the format, and batch entries in one split directory whose names end in
// `_n<number of inputs>` (the reader sums them for its length).

export type ArchiveFormat = 'CLARIFAI_DATA_PROTOBUF' | 'CLARIFAI_DATA_JSON';

export const ARCHIVE_MIMETYPES: Record<ArchiveFormat, string> = {
  // The one the reader asserts.
  CLARIFAI_DATA_PROTOBUF: 'application/x.clarifai-data+protobuf',
  // Its JSON sibling, by the same pattern.
  CLARIFAI_DATA_JSON: 'application/x.clarifai-data+json',
};

/** Inputs per batch entry: the batch size Clarifai's client uploads in (clarifai/client/dataset.py). */
export const EXPORT_BATCH_SIZE = 128;
/** The split directory of every batch: a version is exported whole. */
export const EXPORT_SPLIT = 'all';

/**
 * An exported input: its id and data, with the labels the version froze (not the input's labels of
 * today), named as the input names them now when it still has the concept, else by id.
 */
export function exportedInput(input: Input, frozen: SnapshotInput, hostedBase: string | undefined): ApiObject {
  const api = inputToApi(input, hostedBase);
  const data = { ...(api.data as ApiObject) };
  const names = new Map(input.concepts.map((c) => [c.id, c.name]));
  data.concepts = frozen.labels.map((l) => ({ id: l.id, name: names.get(l.id) || l.id, value: l.value, app_id: input.appId }));
  return { id: input.id, data };
}

/** The archive of `inputs` (in this order) in `format`; `encodeBatch` serializes an InputBatch message. */
export function buildArchive(format: ArchiveFormat, inputs: readonly ApiObject[], encodeBatch: (batch: ApiObject) => Uint8Array): Promise<Buffer> {
  const entries: ZipEntry[] = [{ name: 'mimetype', bytes: Buffer.from(ARCHIVE_MIMETYPES[format]) }];
  for (let i = 0, n = 0; i < inputs.length; i += EXPORT_BATCH_SIZE, n++) {
    const batch = { inputs: inputs.slice(i, i + EXPORT_BATCH_SIZE) };
    const name = `${EXPORT_SPLIT}/batch-${String(n).padStart(5, '0')}_n${batch.inputs.length}`;
    entries.push(
      format === 'CLARIFAI_DATA_PROTOBUF' ? { name, bytes: encodeBatch(batch) } : { name: `${name}.json`, bytes: Buffer.from(JSON.stringify(batch)) },
    );
  }
  // Stored, not compressed: serialized batches the client reads straight from the archive.
  return zipFiles(entries, { compress: false });
}
