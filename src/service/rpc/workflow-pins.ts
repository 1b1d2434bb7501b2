import type { Model } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import { pinsOf, renameModelInNodes, usesOf } from '../../domain/workflow-rules.js';
import type { Repos } from '../../ports/store.js';

/**
 * What a workflow holds on to (decision 0033): a pinned version, and every model it names, cannot be
 * deleted while the workflow exists; the refusal names the workflow and its nodes, and says what to do.
 * Callers hold the model row lock (findModel forUpdate), which PostWorkflows / PatchWorkflows take
 * too, so a workflow written meanwhile is seen here.
 */
export async function refuseIfPinned(tx: Repos, model: Model, versionId: string): Promise<void> {
  const pinning = (await tx.workflows.all(model.userId, model.appId)).filter((w) => pinsOf(w.nodes, model.id, versionId).length > 0);
  if (pinning.length === 0) return;
  const names = pinning
    .map(
      (w) =>
        `'${w.id}' (node ${pinsOf(w.nodes, model.id, versionId)
          .map((n) => `'${n.id}'`)
          .join(', ')})`,
    )
    .join(', ');
  throw new ApiError(
    Code.MODEL_INVALID_REQUEST,
    `Version '${versionId}' of model '${model.id}' is pinned by workflow ${names}; PatchWorkflows those nodes to another version (or unpin them) or DeleteWorkflow first, then delete the version.`,
  );
}

/** Refuses deleting models that a workflow of their app uses (pinned or not). */
export async function refuseIfUsed(tx: Repos, userId: string, appId: string, models: readonly Model[]): Promise<void> {
  if (models.length === 0) return;
  const ids = new Set(models.map((m) => m.id));
  const users = (await tx.workflows.all(userId, appId))
    .map((w) => ({ w, nodes: w.nodes.filter((n) => usesOf([n], n.modelId).length > 0 && ids.has(n.modelId)) }))
    .filter((x) => x.nodes.length > 0);
  if (users.length === 0) return;
  const names = users.map(({ w, nodes }) => `'${w.id}' (${nodes.map((n) => `node '${n.id}': model '${n.modelId}'`).join(', ')})`).join(', ');
  throw new ApiError(
    Code.MODEL_INVALID_REQUEST,
    `Workflow ${names} uses the model(s) to delete; PatchWorkflows or DeleteWorkflow first, then delete the model(s). Nothing was deleted.`,
  );
}

/**
 * PatchModelIds renamed `model` (its row locked, the new id written) to `newId`: every workflow that
 * names it, in its app or another (decision 0033), is rewritten in the same transaction, so GetWorkflow
 * shows the new id and runs, pins and the delete guards keep working. Pins and modified_at stay.
 * PostWorkflows / PatchWorkflows naming the model lock its row too, so none is written meanwhile.
 */
export async function followRename(tx: Repos, model: Model, newId: string): Promise<void> {
  if (newId === model.id) return;
  for (const w of await tx.workflows.namingModel(model.userId, model.appId, model.id)) {
    const nodes = renameModelInNodes(w.nodes, w, model, model.id, newId);
    if (nodes) await tx.workflows.update({ ...w, nodes });
  }
}
