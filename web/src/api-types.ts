/**
 * The API object types the console reads: generated from the protos in src/gen/api.ts (one interface
 * per message, snake_case, every field optional), shared with the server, so the console keeps no
 * copy of the response shapes. Type-only: nothing of the server is bundled.
 */
export type {
  App,
  BinaryMetrics,
  Concept,
  Dataset,
  DatasetVersion,
  EvalMetrics,
  Input,
  Key,
  LogEntry,
  Model,
  ModelType,
  ModelTypeEnumOption,
  ModelTypeField,
  ModelVersion,
  MultiAppResponse,
  MultiDatasetResponse,
  MultiDatasetVersionResponse,
  MultiInputResponse,
  MultiKeyResponse,
  MultiLogEntryResponse,
  MultiModelResponse,
  MultiModelTypeResponse,
  MultiModelVersionResponse,
  MultiOutputResponse,
  Output,
  SingleInputCountResponse,
  SingleModelResponse,
  SingleModelTypeResponse,
  SingleModelVersionResponse,
  Status,
} from '../../src/gen/api.js';
