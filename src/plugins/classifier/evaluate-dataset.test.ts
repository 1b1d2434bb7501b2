import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { defaultModelTypes, ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import { Outcome } from '../../domain/outcome.js';
import { Code } from '../../domain/status-codes.js';
import { type LinearModel, predict } from '../../ml/classifier/model.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import type { EvaluateCall } from '../../ports/plugins.js';
import type { LabelledExample, TrainingDataQuery, TrainingDataSource, TrainingSelection } from '../../ports/training-data.js';
import { evaluateOnDataset } from './evaluate-dataset.js';

const embedder: Embedder = { id: 'general-text-embedding', dim: 2, kind: 'text', embed: () => Promise.reject(new Error('not used')) };
const version = {
  pk: 'vpk',
  id: 'v1',
  userId: 'u',
  appId: 'a',
  concepts: [
    { id: 'x', name: 'x' },
    { id: 'y', name: 'y' },
  ],
  outputInfo: {},
  trainInfo: { params: { template: 'modelkeep_text_logreg' } },
  inputInfo: {},
} as unknown as ModelVersion;
const type = new ModelTypeRegistry(defaultModelTypes()).get('text-classifier')!;
const model: LinearModel = {
  k: 2,
  d: 2,
  mutuallyExclusive: false,
  weights: new Float32Array([2, 0, -1, 0, 3, 0.5]),
  mean: new Float32Array([0, 0]),
  scale: new Float32Array([1, 1]),
  lossCurve: [],
  trainedOn: 0,
};

class Data implements TrainingDataSource {
  calls: TrainingDataQuery[] = [];
  constructor(
    private readonly examples: LabelledExample[],
    private readonly pending = 0,
    private readonly fail?: Error,
  ) {}
  async collect(q: TrainingDataQuery): Promise<TrainingSelection> {
    this.calls.push(q);
    if (this.fail) throw this.fail;
    return { examples: this.examples, pending: this.pending, failed: 0 };
  }
}

const call = (heldOut = { datasetId: 'test', datasetVersionId: 'v1' }): EvaluateCall => ({
  version,
  type,
  numFolds: 5,
  heldOut,
  progress: () => {},
  shouldStop: () => false,
  timeLeftMs: () => 60_000,
});
const ex = (inputId: string, v: [number, number], positives: string[], negatives: string[] = []): LabelledExample => ({
  inputId,
  vector: new Float32Array(v),
  positives,
  negatives,
});
const failsWith = async (p: Promise<unknown>, code: number, re: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof Outcome && e.code === code && re.test(e.details));

describe('evaluateOnDataset', () => {
  it('scores exactly the selected inputs with the trained model, rows by input id, labels as the k-fold path builds them', async () => {
    const data = new Data([ex('b', [0.1, 0.9], ['y']), ex('a', [0.8, 0.2], ['x']), ex('c', [0.5, 0.5], [], ['x'])]);
    const r = await evaluateOnDataset(call(), embedder, data, async () => model);
    assert.deepEqual(
      data.calls.map((q) => [q.datasetId, q.datasetVersionId, q.conceptIds, q.embedderId]),
      [['test', 'v1', ['x', 'y'], 'general-text-embedding']],
    );
    assert.deepEqual(r.inputIds, ['a', 'b', 'c']);
    const x = new Float32Array([0.8, 0.2, 0.1, 0.9, 0.5, 0.5]);
    assert.deepEqual([...r.scores], [...predict(model, x, 3)]);
    // 'a' positive x → implicit negative y; 'c' only an explicit negative of x (y unknown).
    assert.deepEqual([r.labels[0], r.labels[1], r.labels[2], r.labels[3], r.labels[4]], [1, 0, 0, 1, 0]);
    assert.deepEqual([r.n, r.k, r.numFolds, r.heldOut], [3, 2, 0, { datasetId: 'test', datasetVersionId: 'v1' }]);
  });

  it('fails with a status the user can act on', async () => {
    await failsWith(
      evaluateOnDataset(call({ datasetId: 'test' } as never), embedder, new Data([], 2), async () => model),
      Code.MODEL_EVALUATION_NEED_INPUTS,
      /dataset 'test' has no processed input .* \(x, y\); 2 of its inputs are still being processed/,
    );
    await failsWith(
      evaluateOnDataset(call(), embedder, new Data([ex('a', [1, 0], ['x'])]), async () => undefined),
      Code.MODEL_EVALUATION_FAILED,
      /has no trained artifact/,
    );
    await failsWith(
      evaluateOnDataset(call(), embedder, new Data([ex('a', [1, 0], ['x'])]), async () => ({ ...model, k: 3 })),
      Code.MODEL_EVALUATION_FAILED,
      /for 3 concepts, which does not match/,
    );
    await failsWith(
      evaluateOnDataset(call(), embedder, new Data([], 0, new ApiError(Code.MODEL_INVALID_ARGUMENT, "Dataset 'test' does not exist")), async () => model),
      Code.MODEL_EVALUATION_FAILED,
      /evaluation dataset cannot be read: Dataset 'test' does not exist/,
    );
    await failsWith(
      evaluateOnDataset(call(), 'the built-in embedder e is not available', new Data([]), async () => model),
      Code.MODEL_EVALUATION_FAILED,
      /not available; the version cannot be evaluated/,
    );
  });
});
