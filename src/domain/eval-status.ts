import { statusJson } from './status-json.js';

/** The `status` of an EvalMetrics, as stored on a version and answered by the API. */
export const evalStatus = statusJson;
