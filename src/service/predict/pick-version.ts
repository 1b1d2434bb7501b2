import type { Model, ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { Code, describe, type StatusCode } from '../../domain/status-codes.js';
import { isInFlight, isPredictable } from '../../domain/version-lifecycle.js';
import type { Repos } from '../../ports/store.js';
import { findVersion } from '../rpc/models.service.js';

/** Versions named in the details of a "not trained" error. */
const SHOWN = 10;

const line = (v: ModelVersion): string =>
  `${v.id} (${v.status.code} ${describe(v.status.code)}${v.status.percentCompleted ? `, ${v.status.percentCompleted}%` : ''}${v.status.details && !isInFlight(v.status.code) ? `: ${v.status.details}` : ''})`;

/**
 * API-DECISIONS row 3: the newest in-flight status (21103 / 21101) when one is training, else 21102;
 * details list the versions (newest first) and what to do.
 */
function notTrained(model: Model, versions: ModelVersion[], subject: string): ApiError {
  const inFlight = versions.find((v) => isInFlight(v.status.code));
  const code = inFlight ? (inFlight.status.code as StatusCode) : Code.MODEL_UNTRAINED;
  if (versions.length === 0) {
    return new ApiError(
      code,
      `Model '${model.id}' has no version to predict with. Create one with PostModelVersions (trainable types train it; operators are ready at once).`,
    );
  }
  const what = inFlight
    ? 'Training is under way: poll GetModelVersion until its status is 21100, then predict again.'
    : 'Create a new version with PostModelVersions to train again.';
  const more = versions.length > SHOWN ? ', …' : '';
  return new ApiError(code, `${subject} is not trained. Versions, newest first: ${versions.slice(0, SHOWN).map(line).join('; ')}${more}. ${what}`);
}

/**
 * The version PostModelOutputs runs: the named one (which must be TRAINED), or the newest TRAINED
 * one (API-DECISIONS row 11).
 */
export async function versionForPredict(repos: Repos, model: Model, versionId: string): Promise<ModelVersion> {
  if (versionId) {
    const v = await findVersion(repos, model, versionId);
    if (!isPredictable(v.status.code)) throw notTrained(model, [v], `Version '${versionId}' of model '${model.id}'`);
    return v;
  }
  const trained = (await repos.versions.latestOf([model.pk], { trainedOnly: true })).get(model.pk);
  if (trained) return trained;
  const recent = await repos.versions.list({ modelPk: model.pk, sort: { field: 'created_at', ascending: false }, page: { page: 1, perPage: 50 } });
  throw notTrained(model, recent, `Model '${model.id}'`);
}
