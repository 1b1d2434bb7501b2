import type { Annotation } from '../../domain/inputs.js';
import { Code, describe } from '../../domain/status-codes.js';
import type { ApiObject } from '../core/context.js';
import { ts } from './time.js';

/** Domain annotation -> API `Annotation`; written by the app's owner (worker.user), always complete (24150). */
export function annotationToApi(a: Annotation): ApiObject {
  return {
    id: a.id,
    input_id: a.inputId,
    data: { concepts: a.concepts.map((c) => ({ id: c.id, name: c.name || c.id, value: c.value, app_id: a.appId })) },
    status: { code: Code.ANNOTATION_SUCCESS, description: describe(Code.ANNOTATION_SUCCESS) },
    created_at: ts(a.createdAt),
    modified_at: ts(a.modifiedAt),
    input_level: a.inputLevel,
    user_id: a.userId,
    worker: { user: { id: a.userId } },
  };
}
