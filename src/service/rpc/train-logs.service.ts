import { ApiError, invalidArgument } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import { logLines } from '../../domain/train-log.js';
import type { Store } from '../../ports/store.js';
import { typedRpcs } from '../core/context.js';
import { trainLogPath } from '../mappers/version.mapper.js';
import { findModel, findVersion } from './models.service.js';

/** The log_type under which a model version's training log is listed. */
export const TRAINING_LOG_TYPE = 'training';
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
        if (logType !== TRAINING_LOG_TYPE) throw invalidArgument(`log_type '${logType}' is not kept for model versions; use "${TRAINING_LOG_TYPE}".`);
        const model = await findModel(store, ctx, req.model_id);
        const version = await findVersion(store, model, req.model_version_id, 'model_version_id');
        const lines = logLines(version.trainLog);
        const perPage = Math.min(MAX_PER_PAGE, req.per_page || DEFAULT_PER_PAGE);
        const page = req.page ?? 0;
        // Without a page: the newest per_page lines (a tail), what a console polling a running job wants.
        const shown = page > 0 ? lines.slice((page - 1) * perPage, page * perPage) : lines.slice(-perPage);
        const url = trainLogPath(model, version);
        return { log_entries: shown.map((message) => ({ message, log_type: TRAINING_LOG_TYPE, url })) };
      },
    },
  });
}
