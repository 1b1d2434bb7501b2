import type { App } from '../../domain/entities.js';
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
  if (app.defaultWorkflowId) out.default_workflow_id = app.defaultWorkflowId;
  return out;
}
