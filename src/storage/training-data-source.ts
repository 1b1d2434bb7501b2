import { isProcessed } from '../domain/base-workflow.js';
import { invalidArgument } from '../domain/errors.js';
import type { DatasetVersion } from '../domain/inputs.js';
import { Code } from '../domain/status-codes.js';
import type { TrainingRow } from '../ports/inputs-store.js';
import type { Store } from '../ports/store.js';
import type { LabelledExample, TrainingDataQuery, TrainingDataSource, TrainingSelection, VectorComputer } from '../ports/training-data.js';

/**
 * Inputs whose content is read and embedded at once when vectors are computed (an uploaded embedder):
 * bounds the memory of images held (32 × a few hundred KB) while giving the model batches to run.
 */
const COMPUTE_CHUNK = 32;

/**
 * TrainingDataSource over the store (reference §7.2):
 * - `datasetVersionId`: the inputs frozen in that dataset version, with the labels they had then;
 * - else `datasetId`: the dataset's current inputs with their current labels;
 * - else every input of the app.
 * Each is narrowed to inputs labelled (1 or 0) with one of `conceptIds`; an empty `conceptIds`
 * keeps every input (unsupervised types such as the clusterer). `positives` / `negatives` only
 * name concepts of `conceptIds` (when given), so trainers never meet labels they did not ask for.
 * Inputs still pending or processing are counted in `pending`, failed ones in `failed`; processed
 * inputs without a vector of `embedderId` (e.g. text inputs for an image embedder) are skipped, and
 * `kinds` counts the processed ones by kind so callers can say why nothing was usable.
 */
export class StoreTrainingDataSource implements TrainingDataSource {
  constructor(private readonly store: Store) {}

  async collect(q: TrainingDataQuery): Promise<TrainingSelection> {
    const enrich = q.enrich === true && q.conceptIds.length > 0;
    const rows = await this.rows(enrich ? { ...q, conceptIds: [] } : q);
    const wanted = new Set(q.conceptIds);
    const ready = rows.filter((r) => isProcessed(r.statusCode));
    // Kinds of the labelled inputs only: enrichment negatives of another kind are simply skipped
    // (they have no vector of the chosen embedder), they must not make the selection "mixed".
    const labelled = enrich ? ready.filter((r) => r.labels.some((l) => wanted.has(l.id))) : ready;
    const kinds = { text: labelled.filter((r) => r.kind === 'text').length, image: labelled.filter((r) => r.kind === 'image').length };
    const pending = rows.filter((r) => r.statusCode === Code.INPUT_PENDING || r.statusCode === Code.INPUT_IN_PROGRESS).length;
    const failed = rows.filter((r) => r.statusCode === Code.INPUT_FAILED).length;
    const embedderId =
      typeof q.embedderId === 'string' ? q.embedderId : kinds.text > 0 && kinds.image > 0 ? '' : kinds.image > 0 ? q.embedderId.image : q.embedderId.text;
    if (!embedderId) return { examples: [], pending, failed, kinds, embedderId };
    let unembedded = 0;
    let vectors: Map<string, Float32Array>;
    if (q.compute) {
      const computed = await this.computed(
        ready.filter((r) => r.kind === q.compute!.kind),
        q.compute,
      );
      vectors = computed.vectors;
      unembedded = computed.unembedded;
    } else
      vectors = await this.store.embeddings.getMany(
        ready.map((r) => r.pk),
        embedderId,
      );
    const examples: LabelledExample[] = [];
    for (const r of ready) {
      const vector = vectors.get(r.pk);
      if (!vector) continue;
      const labels = wanted.size > 0 ? r.labels.filter((l) => wanted.has(l.id)) : r.labels;
      // Enrichment: an input that says nothing about the concepts is a negative of each of them.
      const enriched = enrich && labels.length === 0;
      examples.push({
        inputId: r.id,
        vector,
        positives: labels.filter((l) => l.value > 0).map((l) => l.id),
        negatives: enriched ? [...q.conceptIds] : labels.filter((l) => l.value <= 0).map((l) => l.id),
        ...(enriched ? { enriched: true } : {}),
      });
    }
    return { examples, pending, failed, kinds, embedderId, ...(unembedded > 0 ? { unembedded } : {}) };
  }

  /** The inputs' vectors from `compute`, COMPUTE_CHUNK inputs' content read and embedded at a time. */
  private async computed(rows: readonly TrainingRow[], compute: VectorComputer): Promise<{ vectors: Map<string, Float32Array>; unembedded: number }> {
    const vectors = new Map<string, Float32Array>();
    let unembedded = 0;
    for (let i = 0; i < rows.length; i += COMPUTE_CHUNK) {
      const chunk = rows.slice(i, i + COMPUTE_CHUNK);
      const contents =
        compute.kind === 'text'
          ? await this.texts(chunk)
          : await Promise.all(chunk.map(async (r) => ({ imageBytes: (await this.store.inputs.imageBytes(r.pk)) ?? new Uint8Array(0) })));
      const got = await compute.embed(contents);
      chunk.forEach((r, k) => {
        const v = got[k];
        if (v) vectors.set(r.pk, v);
        else unembedded++;
      });
    }
    return { vectors, unembedded };
  }

  private async texts(rows: readonly TrainingRow[]): Promise<{ text: string }[]> {
    const byPk = new Map((await this.store.inputs.getByPks(rows.map((r) => r.pk))).map((i) => [i.pk, i.text ?? '']));
    return rows.map((r) => ({ text: byPk.get(r.pk) ?? '' }));
  }

  private async rows(q: TrainingDataQuery): Promise<TrainingRow[]> {
    const { userId, appId, conceptIds } = q;
    if (q.datasetVersionId) {
      const version = await this.version(q, q.datasetVersionId);
      const frozen = new Map((await this.store.datasets.versionInputs(version.pk)).map((s) => [s.inputPk, s.labels]));
      const current = await this.store.inputs.trainingRows({ userId, appId, conceptIds: [], inputPks: [...frozen.keys()] });
      const wanted = new Set(conceptIds);
      return current.map((r) => ({ ...r, labels: frozen.get(r.pk) ?? [] })).filter((r) => wanted.size === 0 || r.labels.some((l) => wanted.has(l.id)));
    }
    if (q.datasetId) {
      const d = await this.store.datasets.get(userId, appId, q.datasetId);
      if (!d)
        throw invalidArgument(
          `Dataset '${q.datasetId}' does not exist in app '${userId}/${appId}'; check train_info.params.dataset_id (ListDatasets shows the app's datasets).`,
        );
      return this.store.inputs.trainingRows({ userId, appId, conceptIds, datasetPk: d.pk });
    }
    return this.store.inputs.trainingRows({ userId, appId, conceptIds });
  }

  private async version(q: TrainingDataQuery, versionId: string): Promise<DatasetVersion> {
    const { userId, appId } = q;
    let found: DatasetVersion[];
    if (q.datasetId) {
      const d = await this.store.datasets.get(userId, appId, q.datasetId);
      if (!d) throw invalidArgument(`Dataset '${q.datasetId}' does not exist in app '${userId}/${appId}'; check train_info.params.dataset_id.`);
      const v = await this.store.datasets.getVersion(d.pk, versionId);
      found = v ? [v] : [];
    } else {
      found = await this.store.datasets.findVersionInApp(userId, appId, versionId);
    }
    if (found.length === 0) {
      throw invalidArgument(
        `Dataset version '${versionId}' does not exist${q.datasetId ? ` in dataset '${q.datasetId}'` : ` in app '${userId}/${appId}'`}; check train_info.params.dataset_version_id (ListDatasetVersions shows a dataset's versions).`,
      );
    }
    if (found.length > 1) {
      throw invalidArgument(
        `Dataset version id '${versionId}' exists in several datasets (${found.map((v) => v.datasetId).join(', ')}); name the dataset too with train_info.params.dataset_id.`,
      );
    }
    return found[0]!;
  }
}
