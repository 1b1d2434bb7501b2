// Data for the benchmarks: bulk rows through the store's own repos (openStore, transactions of a
// few thousand), everything else through the public API of a running server.
import { type App, type Model, Visibility } from '../../src/domain/entities.js';
import { newId } from '../../src/domain/ids.js';
import type { Store } from '../../src/ports/store.js';
import { openStore } from '../../src/storage/open-store.js';
import { AUTH, BENCH_USER } from './servers.js';

export type Json = Record<string, any>;

/** One REST call with the bench PAT; throws unless the status is `expect` (default 200). */
export async function api(base: string, method: string, urlPath: string, body?: Json, expect = 200): Promise<Json> {
  const headers: Record<string, string> = { authorization: AUTH };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + urlPath, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${urlPath} answered HTTP ${res.status} (wanted ${expect}): ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as Json) : {};
}

export const appPath = (appId: string): string => `/v2/users/${BENCH_USER}/apps/${appId}`;

/** A private app row for seeding a store directly (benches that go around the API). */
export const appRow = (userId: string, id: string, at: number): App => ({
  userId,
  id,
  name: id,
  description: '',
  defaultLanguage: 'en',
  defaultWorkflowId: '',
  visibility: Visibility.PRIVATE,
  metadata: {},
  createdAt: at,
  modifiedAt: at,
});

export interface SeedApp {
  id: string;
  /** Models to create in it (ids m000000, m000001, …). */
  models: number;
  modelTypeId?: string;
}

/**
 * Creates the bench user, the apps and their models through the store's repos, `batch` models
 * per transaction (PostgreSQL: 4 transactions at once). Timestamps are distinct and increasing so
 * every sort has one order.
 */
export async function seedStore(
  databaseUrl: string,
  apps: SeedApp[],
  opts: { batch?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<void> {
  const store: Store = await openStore(databaseUrl);
  try {
    const t0 = Date.UTC(2025, 0, 1);
    if (!(await store.users.get(BENCH_USER))) await store.users.create({ id: BENCH_USER, createdAt: t0 });
    const total = apps.reduce((s, a) => s + a.models, 0);
    let done = 0;
    const batch = opts.batch ?? 5000;
    const chunks: { a: SeedApp; from: number; to: number }[] = [];
    for (const a of apps) {
      await store.apps.create(appRow(BENCH_USER, a.id, t0));
      for (let from = 0; from < a.models; from += batch) chunks.push({ a, from, to: Math.min(a.models, from + batch) });
    }
    // SQLite has one writer: one transaction at a time. PostgreSQL takes a few at once (the pool has 10 connections).
    const lanes = store.dialect === 'postgres' ? 4 : 1;
    let next = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < chunks.length) {
          const { a, from, to } = chunks[next++]!;
          await store.transaction(async (tx) => {
            for (let i = from; i < to; i++) await tx.models.create(seedModel(a, i, t0));
          });
          done += to - from;
          opts.onProgress?.(done, total);
        }
      }),
    );
  } finally {
    await store.close();
  }
}

function seedModel(a: SeedApp, i: number, t0: number): Model {
  const id = `m${String(i).padStart(6, '0')}`;
  return {
    pk: newId(),
    userId: BENCH_USER,
    appId: a.id,
    id,
    name: `model ${id}`,
    modelTypeId: a.modelTypeId ?? 'embedding-classifier',
    description: `seeded model ${i}`,
    notes: '',
    metadata: {},
    visibility: Visibility.PRIVATE,
    toolkits: [],
    useCases: [],
    languages: [],
    checkConsents: [],
    presets: null,
    defaultEvalInfo: null,
    workflowRecommended: null,
    createdAt: t0 + i * 1000,
    modifiedAt: t0 + i * 1000,
  };
}

/** A concept-thresholder version: trained at once (21100), no job. */
export const THRESHOLDER_VERSION = {
  model_versions: [
    {
      output_info: {
        data: {
          concepts: [
            { id: 'cat', value: 0.75 },
            { id: 'dog', value: 0.25 },
          ],
        },
      },
    },
  ],
};
/** An embedding-classifier version: queued for training (21103) with its job in the same transaction. */
export const CLASSIFIER_VERSION = {
  model_versions: [{ output_info: { data: { concepts: [{ id: 'cat' }, { id: 'dog' }] }, output_config: { concepts_mutually_exclusive: true } } }],
};

/** Through the API: an app, and a model of `type` with one version (the realistic GetModel target). */
export async function appWithModel(base: string, appId: string, modelId: string, type = 'concept-thresholder'): Promise<void> {
  await api(base, 'POST', `/v2/users/${BENCH_USER}/apps`, { apps: [{ id: appId }] });
  await api(base, 'POST', `${appPath(appId)}/models`, { model: { id: modelId, model_type_id: type } });
  if (type === 'concept-thresholder') await api(base, 'POST', `${appPath(appId)}/models/${modelId}/versions`, THRESHOLDER_VERSION);
}

/** Every version id of a model, read back through ListModelVersions (1,000 a page). */
export async function allVersions(base: string, appId: string, modelId: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const body = await api(base, 'GET', `${appPath(appId)}/models/${modelId}/versions?per_page=1000&page=${page}`);
    const got = (body.model_versions ?? []) as Json[];
    out.push(...got);
    if (got.length < 1000) return out;
  }
}
