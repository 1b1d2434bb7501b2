import { ApiError, invalidArgument } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import { logLines } from '../../domain/train-log.js';
import type { Store } from '../../ports/store.js';
import { typedRpcs } from '../core/context.js';
import { trainLogPath } from '../mappers/version.mapper.js';
import { findModel, findVersion } from './models.service.js';

/** The log_type under which a model version's training log is listed. */
export const TRAINING_LOG_TYPE = 'training';
/**
 * The log_type of an uploaded version's check (decision 0036): Clarifai's Python ModelBuilder polls
 * ListLogEntries with log_type "builder" while a version builds (clarifai/runners/models/model_builder.py,
 * get_model_build_logs) and prints each entry whose `url` it has not seen, so each line gets its own url.
 */
export const BUILDER_LOG_TYPE = 'builder';
const DEFAULT_PER_PAGE = 32;
const MAX_PER_PAGE = 1000;

/**
 * ListLogEntries for `log_type` "training" of a model version: the lines its training jobs wrote
 * (one LogEntry each, oldest first). The proto's default is the last page; we read that as "the
 * newest per_page lines", so a plain GET shows the tail. Other log types (runners, pipelines) are
 * not kept here.
 */
export function trainLogRpcs(store: Store) {
  return typedRpcs({
    ListLogEntries: {
      access: 'app-read',
      async handle(ctx, req) {
        const logType = req.log_type ?? '';
        if (!req.model_id)
          throw new ApiError(
            Code.NOT_IMPLEMENTED,
            `modelkeep keeps only the "${TRAINING_LOG_TYPE}" logs of model versions: call ListLogEntries with model_id, model_version_id and log_type "${TRAINING_LOG_TYPE}".`,
          );
        if (logType !== TRAINING_LOG_TYPE && logType !== BUILDER_LOG_TYPE)
          throw invalidArgument(
            `log_type '${logType}' is not kept for model versions; use "${TRAINING_LOG_TYPE}" (or "${BUILDER_LOG_TYPE}" for an uploaded version).`,
          );
        const model = await findModel(store, ctx, req.model_id);
        const version = await findVersion(store, model, req.model_version_id, 'model_version_id');
        if (logType === BUILDER_LOG_TYPE && version.runtime !== 'onnx')
          throw invalidArgument(
            `Model version '${version.id}' was not uploaded, so it has no "${BUILDER_LOG_TYPE}" log; its log is log_type "${TRAINING_LOG_TYPE}".`,
          );
        const lines = logLines(version.trainLog);
        const perPage = Math.min(MAX_PER_PAGE, req.per_page || DEFAULT_PER_PAGE);
        const page = req.page ?? 0;
        // Without a page: the newest per_page lines (a tail), what a console polling a running job wants.
        const first = page > 0 ? (page - 1) * perPage : Math.max(0, lines.length - perPage);
        const shown = lines.slice(first, first + perPage);
        const url = trainLogPath(model, version);
        if (logType === BUILDER_LOG_TYPE) return { log_entries: shown.map((message, i) => ({ message, log_type: logType, url: `${url}#L${first + i + 1}` })) };
        return { log_entries: shown.map((message) => ({ message, log_type: TRAINING_LOG_TYPE, url })) };
      },
    },
  });
}
