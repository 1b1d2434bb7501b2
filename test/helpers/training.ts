import { type Logger, pino } from 'pino';
import type { App, Model } from '../../src/domain/entities.js';
import { defaultModelTypes, ModelTypeRegistry } from '../../src/domain/model-types/catalog.js';
import { trainModelVersionHandler } from '../../src/jobs/train-model-version.js';
import { Worker, type WorkerOptions } from '../../src/jobs/worker.js';
import { builtInEmbedders, TEXT_EMBEDDER_ID } from '../../src/ml/embedders/registry.js';
import { builtInPlugins } from '../../src/plugins/index.js';
import type { PluginRegistry } from '../../src/plugins/registry.js';
import { systemClock } from '../../src/ports/clock.js';
import type { Store } from '../../src/ports/store.js';
import type { LabelledExample, TrainingDataQuery, TrainingDataSource, TrainingSelection } from '../../src/ports/training-data.js';
import type { CallContext } from '../../src/service/core/context.js';
import { openStore } from '../../src/storage/open-store.js';

/** Small labelled text sets with an obvious split, for training tests. */
export const SENTIMENT = {
  positive: [
    'I love this product, it is great',
    'wonderful experience, very happy',
    'excellent quality and fast delivery',
    'amazing, would buy again',
    'fantastic support team',
    'really good value, love it',
    'the best purchase I made',
    'great service and friendly staff',
  ],
  negative: [
    'terrible product, broke after a day',
    'awful experience, very disappointed',
    'poor quality and slow delivery',
    'horrible, never buying again',
    'useless support team',
    'really bad value, hate it',
    'the worst purchase I made',
    'rude staff and bad service',
  ],
};

/**
 * Two topics whose texts share each topic's vocabulary, so a held-out text resembles its own class
 * (cross-validation scores it right). SENTIMENT is built of minimal pairs ("the best purchase I
 * made" / "the worst purchase I made"): a held-out text's nearest neighbour is its opposite, so
 * evaluation rightly scores classifiers trained on it low.
 */
export const TOPICS = {
  sports: [
    'the team won the match with a late goal',
    'our team lost the match in the stadium',
    'the players celebrated the goal with the team',
    'a tense match, the team needed one more goal',
    'the stadium was full for the match',
    'the players trained before the big match',
    'the goal keeper saved the match for the team',
    'fans in the stadium sang for the players',
  ],
  cooking: [
    'bake the bread in the oven for an hour',
    'this recipe needs flour, butter and an oven',
    'the sauce recipe from my kitchen',
    'preheat the oven and bake the cake',
    'mix the flour for the bread recipe',
    'in the kitchen the sauce simmers slowly',
    'a simple recipe to bake in any oven',
    'the kitchen smelled of fresh bread and sauce',
  ],
};

/** Texts → labelled examples with real general-text-embedding vectors (input ids t000, t001, …). */
export async function labelledTexts(groups: Record<string, string[]>, extraNegatives: Record<string, string[]> = {}): Promise<LabelledExample[]> {
  const embedder = builtInEmbedders().get(TEXT_EMBEDDER_ID)!;
  const rows = Object.entries(groups).flatMap(([concept, texts]) =>
    texts.map((text) => ({ text, positives: [concept], negatives: extraNegatives[concept] ?? [] })),
  );
  const vectors = await embedder.embed(rows.map((r) => ({ text: r.text })));
  return rows.map((r, i) => ({ inputId: `t${String(i).padStart(3, '0')}`, vector: vectors[i]!, positives: r.positives, negatives: r.negatives }));
}

/**
 * A TrainingDataSource the test controls: fixed examples, an optional gate that holds `collect`
 * until released (to look at a version mid-training), or a failure to throw.
 */
export class FakeTrainingData implements TrainingDataSource {
  examples: LabelledExample[] = [];
  /** What kind of input the examples are (their vectors must match that kind's embedder). */
  kind: 'text' | 'image' = 'text';
  pending = 0;
  fail: Error | undefined;
  calls: TrainingDataQuery[] = [];
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async collect(q: TrainingDataQuery): Promise<TrainingSelection> {
    this.calls.push(q);
    await this.gate;
    if (this.fail) throw this.fail;
    const wanted = new Set(q.conceptIds);
    const examples = this.examples.filter((e) => [...e.positives, ...e.negatives].some((c) => wanted.has(c)));
    // The examples are all of `kind`; a base model chosen by the data is that kind's embedder.
    const embedderId = typeof q.embedderId === 'string' ? q.embedderId : q.embedderId[this.kind];
    return {
      examples,
      pending: this.pending,
      failed: 0,
      kinds: { text: this.kind === 'text' ? examples.length : 0, image: this.kind === 'image' ? examples.length : 0 },
      embedderId,
    };
  }
}

export const silentLog = pino({ level: process.env.MODELKEEP_TEST_LOG ?? 'silent' });

export function testPlugins(store: Store, data: TrainingDataSource): { types: ModelTypeRegistry; plugins: PluginRegistry } {
  const types = new ModelTypeRegistry(defaultModelTypes());
  return { types, plugins: builtInPlugins(types, { embedders: builtInEmbedders(), artifacts: store.artifacts, trainingData: data }) };
}

/** A job worker running only train-model-version, with test-friendly timings. */
export function trainingWorker(
  store: Store,
  data: TrainingDataSource,
  opts: Partial<WorkerOptions> & { progressEveryMs?: number; defaultTimeoutMs?: number; log?: Logger } = {},
): Worker {
  const { types, plugins } = testPlugins(store, data);
  const handler = trainModelVersionHandler({ plugins, types, defaultTimeoutMs: opts.defaultTimeoutMs ?? 60_000, progressEveryMs: opts.progressEveryMs ?? 50 });
  return new Worker(store, [handler], systemClock, opts.log ?? silentLog, { leaseMs: 5_000, pollMs: 20, concurrency: 1, maxAttempts: 3, ...opts });
}

/** A CallContext for calling service handlers directly as the app's owner. */
export function ownerContext(app: App, now = Date.now()): CallContext {
  return { reqId: 'test', now, caller: { userId: app.userId, keyId: 'k', keyKind: 'pat', scopes: ['All'], appIds: [] }, userId: app.userId, app };
}

export type { Model };

/** An in-memory SQLite store holding user `u1` and its app `a1`: the setup of the job handler tests. */
export async function storeWithApp(): Promise<{ store: Store; app: App }> {
  const store = await openStore('sqlite::memory:');
  const now = Date.now();
  await store.users.create({ id: 'u1', createdAt: now });
  const app: App = {
    userId: 'u1',
    id: 'a1',
    name: 'a1',
    description: '',
    defaultLanguage: 'en',
    defaultWorkflowId: '',
    visibility: 10,
    metadata: {},
    createdAt: now,
    modifiedAt: now,
  };
  await store.apps.create(app);
  return { store, app };
}
