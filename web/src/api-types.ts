/**
 * The API object types the console reads. They come from the protos through src/gen/api.ts (one
 * interface per message, snake_case), shared with the server, so the console keeps no copy of the
 * response shapes. Until that file lands, objects are typed as loose JSON.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
export type App = Loose;
export type Model = Loose;
export type ModelVersion = Loose;
export type ModelType = Loose;
export type ModelTypeField = Loose;
export type Input = Loose;
export type Dataset = Loose;
export type Key = Loose;
export type EvalMetrics = Loose;
export type Output = Loose;
export type Concept = Loose;
export type Status = { code: number; description?: string; details?: string; req_id?: string; percent_completed?: number };
