import type * as api from '../../gen/api.js';

/**
 * The API messages the CLI reads: the generated proto types (src/gen/api.ts, snake_case as on the
 * wire), with the few fields the commands rely on marked present — the server always sends them.
 * `--json` prints the server's answer whole, whatever it holds.
 */
type With<T, K extends keyof T> = Omit<T, K> & Required<Pick<T, K>>;

export type Status = Omit<api.Status, 'code'> & { code: number };
export type Concept = With<api.Concept, 'id'>;
export type App = With<api.App, 'id'>;
export type Key = With<api.Key, 'id'> & { type?: string };
export type ModelVersion = Omit<With<api.ModelVersion, 'id'>, 'status' | 'metrics'> & { status: Status; metrics?: Metrics };
export type Model = Omit<With<api.Model, 'id'>, 'model_version'> & { model_version?: ModelVersion };
export type ModelTypeField = With<api.ModelTypeField, 'path'>;
export type ModelType = Omit<With<api.ModelType, 'id'>, 'model_type_fields'> & { model_type_fields?: ModelTypeField[] };
export type Input = Omit<With<api.Input, 'id'>, 'status'> & { status?: Status };
export type InputCounts = Record<string, number | undefined>;
export type Dataset = With<api.Dataset, 'id'>;
export type DatasetVersion = Omit<With<api.DatasetVersion, 'id'>, 'status'> & { status?: Status };
export type Output = Omit<api.Output, 'status'> & { status: Status };
export type Metrics = Omit<api.EvalMetrics, 'status'> & { status: Status };
export type LogEntry = With<api.LogEntry, 'message'>;
