import type { ApiKey, App, Job, Model, ModelVersion, User } from '../../src/domain/entities.js';

let seq = 0;
/** Unique per call in this process, so tests sharing one database never collide. */
export const uniq = (prefix: string): string => `${prefix}${process.pid.toString(36)}x${(++seq).toString(36)}`;

export const user = (over: Partial<User> = {}): User => ({ id: uniq('u'), createdAt: 1_700_000_000_000, ...over });

export const app = (userId: string, over: Partial<App> = {}): App => ({
  userId,
  id: uniq('app'),
  name: 'An app',
  description: 'desc',
  defaultLanguage: 'en',
  defaultWorkflowId: 'Universal',
  visibility: 10,
  metadata: { team: 'ml', nested: { k: [1, 'two', null] } },
  createdAt: 1_700_000_000_000,
  modifiedAt: 1_700_000_000_001,
  ...over,
});

export const pat = (userId: string, over: Partial<ApiKey> = {}): ApiKey => ({
  id: uniq('key'),
  userId,
  kind: 'pat',
  tokenHash: uniq('hash'),
  description: 'a pat',
  scopes: ['All'],
  appIds: [],
  createdAt: 1_700_000_000_000,
  expiresAt: null,
  ...over,
});

export const model = (a: App, over: Partial<Model> = {}): Model => ({
  pk: uniq('mpk'),
  userId: a.userId,
  appId: a.id,
  id: uniq('m'),
  name: 'A model',
  modelTypeId: 'embedding-classifier',
  description: '',
  notes: '',
  metadata: {},
  visibility: 10,
  toolkits: [],
  useCases: [],
  languages: [],
  checkConsents: [],
  presets: null,
  defaultEvalInfo: null,
  workflowRecommended: null,
  createdAt: 1_700_000_000_000,
  modifiedAt: 1_700_000_000_000,
  ...over,
});

export const version = (m: Model, over: Partial<ModelVersion> = {}): ModelVersion => ({
  pk: uniq('vpk'),
  modelPk: m.pk,
  id: uniq('v'),
  userId: m.userId,
  appId: m.appId,
  status: { code: 21100, details: '', percentCompleted: 0 },
  concepts: [],
  totalInputCount: 0,
  description: '',
  license: '',
  visibility: 10,
  metadata: {},
  outputInfo: {},
  inputInfo: {},
  trainInfo: {},
  importInfo: {},
  runtime: 'plugin',
  trainLog: '',
  metrics: null,
  createdAt: 1_700_000_000_000,
  modifiedAt: 1_700_000_000_000,
  completedAt: null,
  ...over,
});

export const job = (v: ModelVersion, over: Partial<Job> = {}): Job => ({
  id: uniq('job'),
  kind: 'train-model-version',
  versionPk: v.pk,
  state: 'queued',
  attempts: 0,
  payload: { model_type_id: 'embedding-classifier' },
  leaseOwner: null,
  leaseExpiresAt: null,
  lastError: '',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  ...over,
});
