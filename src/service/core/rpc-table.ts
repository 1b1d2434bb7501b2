import type { Job } from '../../domain/entities.js';
import type { ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import type { SearchIndexMode } from '../../domain/search-scan.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import type { ByteBudget } from '../../net/byte-budget.js';
import type { PluginLookup } from '../../ports/plugins.js';
import type { Store } from '../../ports/store.js';
import { loadClarifaiProtos } from '../../proto/load.js';
import { type MessageCodec, messageCodec } from '../../proto/message-codec.js';
import type { AppResolver } from '../access/app-resolver.js';
import type { Authenticator } from '../access/auth.service.js';
import type { UrlFetcher } from '../predict/fetch-url.js';
import { predictRpcs } from '../predict/predict.service.js';
import { workflowRunRpcs } from '../predict/workflow-run.js';
import { AnswerCache } from '../reuse/answer-cache.js';
import { annotationRpcs } from '../rpc/annotations.service.js';
import { appEvaluationRpcs } from '../rpc/app-evaluations.service.js';
import { appRpcs } from '../rpc/apps.service.js';
import { conceptRpcs } from '../rpc/concepts.service.js';
import { datasetExportRpcs } from '../rpc/dataset-exports.service.js';
import { datasetRpcs } from '../rpc/datasets.service.js';
import { datasetManageRpcs } from '../rpc/datasets-manage.service.js';
import { inputRpcs } from '../rpc/inputs.service.js';
import { keyRpcs } from '../rpc/keys.service.js';
import { evaluationRpcs } from '../rpc/model-evaluations.service.js';
import { exportRpcs } from '../rpc/model-exports.service.js';
import { modelInputRpcs } from '../rpc/model-inputs.service.js';
import { modelTypeRpcs } from '../rpc/model-types.service.js';
import { uploadStreams } from '../rpc/model-upload.service.js';
import { versionRpcs } from '../rpc/model-versions.service.js';
import { modelRpcs } from '../rpc/models.service.js';
import { trainLogRpcs } from '../rpc/train-logs.service.js';
import { workflowRpcs } from '../rpc/workflows.service.js';
import { searchRpcs } from '../search/search.service.js';
import { SearchIndex } from '../search/search-index.js';
import type { RpcImpl, StreamImpl } from './context.js';

export interface ServiceDeps {
  store: Store;
  types: ModelTypeRegistry;
  auth: Authenticator;
  apps: AppResolver;
  validScopes: ReadonlySet<string>;
  /** Called after PostInputs commits, to wake the input processor of this process (if it runs one). */
  onInputsAdded?: () => void;
  /** Called after a training or evaluation job commits, to wake the job worker of this process (if any). */
  onJobQueued?: (job?: Job) => void;
  /** What runs each model type (PostModelOutputs). */
  plugins: PluginLookup;
  /** Downloads data.image.url for PostModelOutputs (httpFetcher with the process's address policy). */
  fetchUrl: UrlFetcher;
  /** The process's download budget (MODELKEEP_FETCH_BUDGET_MB) that fetchUrl reserves from: PostModelOutputs holds a group's share until it is predicted. */
  fetchBudget?: ByteBudget;
  /** Reused answers of the hot reads (default: one cache over store.changes). */
  answers?: AnswerCache;
  /** MODELKEEP_STRICT_2023: pre-2023 request shapes are refused instead of honoured. */
  strict2023: boolean;
  /** The base embedders whose stored vectors search ranks by (none: searches that rank are refused). */
  embedders?: ReadonlyMap<string, Embedder>;
  /** Public URL of the REST port (known once it listens): base of uploaded images' image.url / image.hosted. */
  hostedBase?: () => string | undefined;
  /** MODELKEEP_SEARCH_INDEX: exact, hnsw or auto (default). */
  searchIndex?: SearchIndexMode;
  /** MODELKEEP_MAX_MODEL_BYTES: the largest uploaded model package (default 1 GiB). */
  maxModelBytes?: number;
  /** Serializes a `clarifai.api.InputBatch` (dataset exports); default: from the pinned protos, loaded on first use. */
  encodeInputBatch?: (batch: Record<string, unknown>) => Uint8Array;
}

let inputBatchCodec: MessageCodec | undefined;
const encodeFromProtos = (batch: Record<string, unknown>): Uint8Array =>
  (inputBatchCodec ??= messageCodec(loadClarifaiProtos().type('clarifai.api.InputBatch'))).encode(batch);

/** The client-streaming RPCs modelkeep implements (the gRPC transport refuses the others with 10040). */
export function streamTable(d: ServiceDeps): Map<string, StreamImpl> {
  const uploads = { store: d.store, types: d.types, maxModelBytes: d.maxModelBytes ?? 1024 ** 3, ...(d.onJobQueued ? { onJobQueued: d.onJobQueued } : {}) };
  return new Map(Object.entries(uploadStreams(uploads)));
}

/** Every RPC modelkeep implements, by proto method name. Anything else answers 10040. */
export function rpcTable(d: ServiceDeps): Map<string, RpcImpl> {
  const answers = d.answers ?? new AnswerCache(d.store.changes);
  const all = {
    ...appRpcs({
      store: d.store,
      resolver: d.apps,
      auth: d.auth,
      types: d.types,
      embedders: d.embedders ?? new Map(),
      onReindexQueued: d.onInputsAdded,
    }),
    ...keyRpcs(d.store, d.auth, d.validScopes),
    ...modelTypeRpcs(d.types),
    ...modelRpcs(d.store, d.types, answers),
    ...versionRpcs(d.store, d.types, answers, d.onJobQueued),
    ...evaluationRpcs(d.store, d.plugins, d.onJobQueued),
    ...exportRpcs({ store: d.store, types: d.types, plugins: d.plugins, ...(d.hostedBase ? { hostedBase: d.hostedBase } : {}) }),
    ...appEvaluationRpcs(d.store, d.plugins, d.onJobQueued),
    ...inputRpcs(d.store, d.onInputsAdded, d.hostedBase),
    ...modelInputRpcs(d.store, d.hostedBase),
    ...annotationRpcs(d.store),
    ...conceptRpcs(d.store),
    ...datasetRpcs(d.store, d.hostedBase),
    ...datasetManageRpcs(d.store, d.hostedBase),
    ...datasetExportRpcs(d.store, d.encodeInputBatch ?? encodeFromProtos, d.hostedBase),
    ...predictRpcs({ store: d.store, types: d.types, plugins: d.plugins, fetchUrl: d.fetchUrl, strict2023: d.strict2023, budget: d.fetchBudget }),
    ...trainLogRpcs(d.store),
    ...workflowRpcs(d.store, d.types, d.apps, d.embedders ?? new Map()),
    // A workflow run predicts through PostModelOutputs' handler, so it holds its downloads' budget the same way.
    ...workflowRunRpcs({ store: d.store, types: d.types, plugins: d.plugins, fetchUrl: d.fetchUrl, strict2023: d.strict2023, budget: d.fetchBudget }, d.apps),
    ...searchRpcs({
      store: d.store,
      embedders: d.embedders ?? new Map(),
      types: d.types,
      fetchUrl: d.fetchUrl,
      index: new SearchIndex(d.store, d.searchIndex ?? 'auto'),
    }),
  };
  return new Map(Object.entries(all));
}
