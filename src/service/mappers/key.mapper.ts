import type { ApiKey } from '../../domain/entities.js';
import type { ApiObject } from '../core/context.js';
import { ts } from './time.js';

export const keyType = (k: ApiKey): string => (k.kind === 'pat' ? 'personal_access_token' : 'api_key');

/** `id` is the key's public id; PostKeys replaces it with the secret token, shown only once. */
export function keyToApi(k: ApiKey): ApiObject {
  const out: ApiObject = {
    id: k.id,
    type: keyType(k),
    description: k.description,
    scopes: k.scopes,
    endpoints: [],
    apps: k.appIds.map((id) => ({ id, user_id: k.userId })),
    created_at: ts(k.createdAt),
    authorized_idp_ids: [],
  };
  if (k.expiresAt !== null) out.expires_at = ts(k.expiresAt);
  return out;
}
