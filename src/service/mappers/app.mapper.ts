import { effectiveBaseWorkflowId, isBuiltInBaseWorkflow } from '../../domain/base-workflow.js';
import type { App } from '../../domain/entities.js';
import { SYSTEM_APP_ID, SYSTEM_USER_ID } from '../../domain/system-app.js';
import type { ApiObject } from '../core/context.js';
import { ts } from './time.js';

export function appToApi(app: App): ApiObject {
  const out: ApiObject = {
    id: app.id,
    name: app.name,
    user_id: app.userId,
    created_at: ts(app.createdAt),
    modified_at: ts(app.modifiedAt),
    metadata: app.metadata,
    visibility: { gettable: app.visibility },
  };
  if (app.description) out.description = app.description;
  if (app.defaultLanguage) out.default_language = app.defaultLanguage;
  // The base workflow (decision 0037): unset means the built-in default, which GetApp names.
  const wf = effectiveBaseWorkflowId(app.defaultWorkflowId);
  out.default_workflow_id = wf;
  out.default_workflow = isBuiltInBaseWorkflow(wf)
    ? { id: wf, app_id: SYSTEM_APP_ID, user_id: SYSTEM_USER_ID }
    : { id: wf, app_id: app.id, user_id: app.userId };
  return out;
}
