import { DuplicateKeyError } from '../../domain/errors.js';
import type { JsonObject } from '../../domain/json.js';
import { namesModel } from '../../domain/workflow-rules.js';
import type { Workflow, WorkflowNode } from '../../domain/workflows.js';
import type { WorkflowRepo } from '../../ports/store.js';
import { type Ctx, count, inList, limitOffset } from '../sql/context.js';
import type { WorkflowsTable } from '../sql/schema.js';

function fromRow(r: WorkflowsTable): Workflow {
  return {
    userId: r.user_id,
    appId: r.app_id,
    id: r.id,
    description: r.description,
    metadata: JSON.parse(r.metadata) as JsonObject,
    nodes: JSON.parse(r.nodes) as WorkflowNode[],
    createdAt: Number(r.created_at),
    modifiedAt: Number(r.modified_at),
  };
}

function toRow(w: Workflow): WorkflowsTable {
  return {
    user_id: w.userId,
    app_id: w.appId,
    id: w.id,
    description: w.description,
    metadata: JSON.stringify(w.metadata),
    nodes: JSON.stringify(w.nodes),
    created_at: w.createdAt,
    modified_at: w.modifiedAt,
  };
}

export function workflowRepo(ctx: Ctx): WorkflowRepo {
  const { db } = ctx;
  const ofApp = (userId: string, appId: string) => db.selectFrom('workflows').selectAll().where('user_id', '=', userId).where('app_id', '=', appId);
  return {
    async get(userId, appId, id) {
      const r = await ofApp(userId, appId).where('id', '=', id).executeTakeFirst();
      return r && fromRow(r);
    },

    async create(w) {
      // ON CONFLICT DO NOTHING keeps a PostgreSQL transaction usable after a duplicate (storage README).
      const res = await db
        .insertInto('workflows')
        .values(toRow(w))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('workflow', w.id);
    },

    async update(w, opts = {}) {
      const fields = { description: w.description, metadata: JSON.stringify(w.metadata), modified_at: w.modifiedAt };
      const res = await db
        .updateTable('workflows')
        .set(opts.keepNodes ? fields : { ...fields, nodes: JSON.stringify(w.nodes) })
        .where('user_id', '=', w.userId)
        .where('app_id', '=', w.appId)
        .where('id', '=', w.id)
        .executeTakeFirst();
      return count(res.numUpdatedRows) > 0;
    },

    async list(userId, appId, page) {
      const { limit, offset } = limitOffset(page);
      const rows = await ofApp(userId, appId).orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit).offset(offset).execute();
      return rows.map(fromRow);
    },

    async namingModel(userId, appId, modelId) {
      // The graph is one JSON text: a LIKE on the id narrows the scan (ids hold no LIKE escape
      // characters; '_' matching more only costs a row), namesModel decides.
      let q = db.selectFrom('workflows').selectAll().where('nodes', 'like', `%${modelId}%`).orderBy('user_id').orderBy('app_id').orderBy('id');
      if (ctx.dialect === 'postgres') q = q.forNoKeyUpdate();
      const model = { userId, appId };
      return (await q.execute()).map(fromRow).filter((w) => w.nodes.some((n) => namesModel(n, w, model, modelId)));
    },

    async all(userId, appId) {
      return (await ofApp(userId, appId).orderBy('id', 'asc').execute()).map(fromRow);
    },

    async delete(userId, appId, ids) {
      let q = db.deleteFrom('workflows').where('user_id', '=', userId).where('app_id', '=', appId);
      if (ids) {
        if (ids.length === 0) return 0;
        q = q.where(inList(ctx.dialect, 'id', ids));
      }
      return count((await q.executeTakeFirst()).numDeletedRows);
    },
  };
}
