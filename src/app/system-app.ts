import { type Model, type ModelVersion, Visibility } from '../domain/entities.js';
import { DuplicateKeyError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { Code } from '../domain/status-codes.js';
import { SYSTEM_APP_ID, SYSTEM_USER_ID, systemModelVersionId } from '../domain/system-app.js';
import type { Embedder } from '../ml/embedders/embedder.js';
import type { Repos, Store } from '../ports/store.js';

export { SYSTEM_APP_ID };

const DESCRIPTIONS: Record<string, string> = {
  'general-image-embedding': 'Built-in image embedder: 1280-d MobileNetV2 features, run offline.',
  'general-text-embedding': 'Built-in text embedder: hashed word and character n-grams, 2048-d, L2-normalised, run offline.',
};

/** Stable across restarts and servers, so clients may pin `version_id` (domain/system-app.ts). */
const versionIdOf = systemModelVersionId;

async function ensureIn(tx: Repos, embedders: ReadonlyMap<string, Embedder>, now: number): Promise<number> {
  let created = 0;
  if (!(await tx.users.get(SYSTEM_USER_ID))) await tx.users.create({ id: SYSTEM_USER_ID, createdAt: now });
  if (!(await tx.apps.get(SYSTEM_USER_ID, SYSTEM_APP_ID))) {
    await tx.apps.create({
      userId: SYSTEM_USER_ID,
      id: SYSTEM_APP_ID,
      name: 'main',
      description: 'Built-in base models (read-only).',
      defaultLanguage: 'en',
      defaultWorkflowId: '',
      visibility: Visibility.PUBLIC,
      metadata: {},
      createdAt: now,
      modifiedAt: now,
    });
  }
  for (const e of embedders.values()) {
    if (await tx.models.get(SYSTEM_USER_ID, SYSTEM_APP_ID, e.id)) continue;
    const model: Model = {
      pk: newId(),
      userId: SYSTEM_USER_ID,
      appId: SYSTEM_APP_ID,
      id: e.id,
      name: e.id,
      modelTypeId: e.kind === 'image' ? 'visual-embedder' : 'text-embedder',
      description: DESCRIPTIONS[e.id] ?? `Built-in ${e.kind} embedder (${e.dim}-d).`,
      notes: '',
      metadata: {},
      visibility: Visibility.PUBLIC,
      toolkits: [],
      useCases: [],
      languages: [],
      checkConsents: [],
      presets: null,
      defaultEvalInfo: null,
      workflowRecommended: null,
      createdAt: now,
      modifiedAt: now,
    };
    const version: ModelVersion = {
      pk: newId(),
      modelPk: model.pk,
      id: versionIdOf(e.id),
      userId: SYSTEM_USER_ID,
      appId: SYSTEM_APP_ID,
      status: { code: Code.MODEL_TRAINED, details: '', percentCompleted: 0 },
      concepts: [],
      totalInputCount: 0,
      description: `${e.dim}-dimension embeddings`,
      license: '',
      visibility: Visibility.PUBLIC,
      metadata: {},
      outputInfo: {},
      inputInfo: {},
      trainInfo: {},
      importInfo: {},
      runtime: 'plugin',
      trainLog: '',
      metrics: null,
      createdAt: now,
      modifiedAt: now,
      completedAt: now,
    };
    await tx.models.create(model);
    await tx.versions.create(version);
    created++;
  }
  return created;
}

/**
 * Makes sure the read-only system app `clarifai/main` (PUBLIC, so every user can read it) holds one
 * model per built-in embedder, each with one TRAINED version. Idempotent; processes starting
 * together may race, and the loser simply finds the rows there on its retry. Nothing is loaded:
 * the embedders' weights load on their first use.
 */
export async function ensureSystemApp(store: Store, embedders: ReadonlyMap<string, Embedder>, now: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction((tx) => ensureIn(tx, embedders, now));
    } catch (e) {
      if (!(e instanceof DuplicateKeyError) || attempt >= 3) throw e;
    }
  }
}
