// The two classifiers benchmark #11 trains on the SpamAssassin split, both on the same
// general-text-embedding vectors:
//  - the subject, modelkeep's text-classifier exactly as the server runs it: the `text-classifier`
//    plugin from the built-in plugin registry, the parameters PostModelVersions stores for
//    `template: modelkeep_text_logreg` (the catalog's defaults) with seed 1 and
//    concepts_mutually_exclusive, trained through plugin.train (in-process, no server) and scored
//    through plugin.predict (which embeds the held-out texts itself);
//  - the reference baseline, plain logistic regression solved to convergence by full-batch L-BFGS
//    (./lbfgs-logreg.ts).
import type { Model, ModelVersion } from '../../src/domain/entities.js';
import { defaultModelTypes, ModelTypeRegistry } from '../../src/domain/model-types/catalog.js';
import { resolveVersionConfig } from '../../src/domain/model-types/version-config.js';
import { builtInEmbedders } from '../../src/ml/embedders/registry.js';
import { builtInPlugins } from '../../src/plugins/index.js';
import type { ArtifactStore } from '../../src/ports/artifacts.js';
import type { LabelledExample, TrainingDataSource } from '../../src/ports/training-data.js';
import { fitLogisticRegression, predictLogisticRegression } from './lbfgs-logreg.js';
import { CLASSES, type Label, type LabelledText, type SideResult, score } from './spam-corpus.js';

/**
 * The subject: the server's text-classifier plugin, trained on the training texts' embeddings (as
 * input processing stores them) with the settings PostModelVersions stores for the template.
 */
export async function modelkeepTextClassifier(
  train: LabelledText[],
  trainVectors: Float32Array[],
  test: LabelledText[],
  opts: { seed?: number; learningRate?: number } = {},
): Promise<SideResult & { cpu_seconds: number; settings: Record<string, unknown>; log: string[] }> {
  const types = new ModelTypeRegistry(defaultModelTypes());
  const type = types.get('text-classifier')!;
  const examples: LabelledExample[] = train.map((t, i) => ({
    inputId: `in${String(i).padStart(6, '0')}`,
    vector: trainVectors[i]!,
    positives: [t.label],
    negatives: [],
  }));
  const data: TrainingDataSource = { collect: async () => ({ examples, pending: 0, failed: 0 }) };
  const blobs = new Map<string, Uint8Array>();
  const artifacts: ArtifactStore = {
    put: async (pk, bytes) => void blobs.set(pk, bytes),
    get: async (pk) => blobs.get(pk),
    head: async (pk, n) => blobs.get(pk)?.subarray(0, n),
  };
  const plugin = builtInPlugins(types, { embedders: builtInEmbedders(), artifacts, trainingData: data }).get('text-classifier')!;

  // What PostModelVersions stores for {"train_info": {"params": {"template": "modelkeep_text_logreg", "seed": 1}}}
  // (plus learning_rate when asked to override the template's default).
  const params = { template: 'modelkeep_text_logreg', seed: opts.seed ?? 1, ...(opts.learningRate === undefined ? {} : { learning_rate: opts.learningRate }) };
  const config = resolveVersionConfig(type, {
    outputInfo: { output_config: { concepts_mutually_exclusive: true } },
    inputInfo: {},
    trainInfo: { params },
    importInfo: {},
  });
  const now = Date.now();
  const version: ModelVersion = {
    pk: 'bench-version',
    modelPk: 'bench-model',
    id: 'bench',
    userId: 'bench',
    appId: 'bench',
    status: { code: 21103, details: '', percentCompleted: 0 },
    concepts: CLASSES.map((c) => ({ id: c, name: c, value: 1 })),
    totalInputCount: 0,
    description: '',
    license: '',
    visibility: 10,
    metadata: {},
    ...config,
    runtime: 'plugin',
    trainLog: '',
    metrics: null,
    createdAt: now,
    modifiedAt: now,
    completedAt: null,
  };
  const log: string[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await plugin.train!({ version, type, log: (l) => log.push(l), progress: () => {}, shouldStop: () => false, timeLeftMs: () => 3_600_000 });
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await artifacts.put(version.pk, result.artifact);

  const model = { pk: 'bench-model', id: 'bench', modelTypeId: 'text-classifier' } as Model;
  const predicted: Label[] = [];
  for (let i = 0; i < test.length; i += 128) {
    const chunk = test.slice(i, i + 128);
    const outcomes = await plugin.predict({ model, version, params: {}, inputs: chunk.map((t) => ({ text: t.text, data: {} })) });
    for (const o of outcomes) {
      if (!o.ok) throw new Error(`predict failed: ${o.details}`);
      const best = [...o.data.concepts!].sort((a, b) => b.value - a.value)[0]!;
      predicted.push(best.id as Label);
    }
  }
  return {
    ...score(predicted, test),
    train_seconds: trainSeconds,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    settings: config.trainInfo.params as Record<string, unknown>,
    log,
  };
}

export function baselineLogisticRegression(
  train: LabelledText[],
  trainVectors: Float32Array[],
  test: LabelledText[],
  testVectors: Float32Array[],
  c = 1,
): SideResult & { iterations: number; converged: boolean; gradient: number; c: number } {
  const d = trainVectors[0]!.length;
  const x = new Float32Array(train.length * d);
  trainVectors.forEach((v, i) => x.set(v, i * d));
  const y = Int32Array.from(train, (t) => CLASSES.indexOf(t.label));
  const t0 = performance.now();
  const m = fitLogisticRegression(x, train.length, d, y, CLASSES.length, { c });
  const trainSeconds = (performance.now() - t0) / 1000;
  const predicted = testVectors.map((v) => CLASSES[predictLogisticRegression(m, v)]!);
  return { ...score(predicted, test), train_seconds: trainSeconds, iterations: m.iterations, converged: m.converged, gradient: m.gradient, c };
}
