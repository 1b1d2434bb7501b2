import { randomBytes } from 'node:crypto';
import type { ApiKey } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { checkCount, checkLength, MAX_DESCRIPTION_CHARS } from '../../domain/limits.js';
import { Code } from '../../domain/status-codes.js';
import type { Store } from '../../ports/store.js';
import { type Authenticator, hashToken } from '../access/auth.service.js';
import { typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { keyToApi } from '../mappers/key.mapper.js';
import { fromTs } from '../mappers/time.js';

const bad = (details: string): ApiError => new ApiError(Code.CONN_BAD_REQUEST_FORMAT, details);

/**
 * A token is the key's public id followed by a secret (64 hex). Only its hash is stored, so the
 * token is returned once, by PostKeys; listings show the public id, which DeleteKey also accepts.
 */
export function newToken(): { id: string; token: string } {
  const id = newId();
  return { id, token: id + randomBytes(16).toString('hex') };
}

export function keyRpcs(store: Store, auth: Authenticator, validScopes: ReadonlySet<string>) {
  return typedRpcs({
    PostKeys: {
      access: 'user',
      async handle(ctx, req) {
        const raw = req.keys ?? [];
        if (raw.length === 0) throw bad('PostKeys needs at least one key in "keys".');
        checkCount(raw.length, 'PostKeys', 'keys', Code.CONN_BAD_REQUEST_FORMAT);
        const made: Array<{ key: ApiKey; token: string }> = [];
        for (const [i, k] of raw.entries()) {
          checkLength(k.description ?? '', `keys[${i}].description`, MAX_DESCRIPTION_CHARS, Code.CONN_BAD_REQUEST_FORMAT);
          const apps = k.apps ?? [];
          const isPat = k.type === 'personal_access_token' || (apps.length === 0 && !k.type);
          const scopes = k.scopes ?? [];
          const unknown = scopes.filter((s) => !validScopes.has(s));
          if (unknown.length > 0)
            throw bad(
              `keys[${i}].scopes: unknown scope(s) ${unknown.join(', ')}. Scopes are named as in the protos (e.g. Models_Get, Models_Add, Models_Train, All).`,
            );
          if (!isPat) {
            if (apps.length !== 1 || !apps[0]?.id) throw bad(`keys[${i}]: an app key needs exactly one app in "apps" (e.g. [{"id": "my-app"}]).`);
            // Another user's app is answered like a missing one (as in the app resolver): no probing.
            const foreign = Boolean(apps[0].user_id && apps[0].user_id !== 'me' && apps[0].user_id !== ctx.userId);
            if (foreign || !(await store.apps.get(ctx.userId, apps[0].id)))
              throw new ApiError(
                Code.CONN_DOES_NOT_EXIST,
                `keys[${i}]: app '${apps[0].id}' does not exist among your apps; keys can only be made for your own apps.`,
              );
            if (scopes.length === 0) throw bad(`keys[${i}]: an app key needs at least one scope (e.g. ["All"] or ["Models_Get"]).`);
          }
          const expiresAt = typeof k.expires_at === 'string' ? fromTs(k.expires_at) : null;
          if (expiresAt !== null && expiresAt <= ctx.now) throw bad(`keys[${i}].expires_at is in the past.`);
          const { id, token } = newToken();
          made.push({
            token,
            key: {
              id,
              userId: ctx.userId,
              kind: isPat ? 'pat' : 'app',
              tokenHash: hashToken(token),
              description: k.description ?? '',
              scopes: isPat ? ['All'] : scopes,
              appIds: isPat ? [] : [apps[0]!.id!],
              createdAt: ctx.now,
              expiresAt,
            },
          });
        }
        await store.transaction(async (tx) => {
          for (const m of made) await tx.keys.create(m.key);
        });
        return { keys: made.map((m) => ({ ...keyToApi(m.key), id: m.token })) };
      },
    },
    ListKeys: {
      access: 'user',
      async handle(ctx, req) {
        const keys = await store.keys.listByUser(ctx.userId, pageOf(req, Code.CONN_BAD_REQUEST_FORMAT));
        return { keys: keys.map(keyToApi) };
      },
    },
    DeleteKey: {
      access: 'user',
      async handle(ctx, req) {
        const raw = req.key_id ?? '';
        const id = raw.length === 64 ? raw.slice(0, 32) : raw;
        if (!(await store.keys.delete(ctx.userId, id))) throw new ApiError(Code.CONN_DOES_NOT_EXIST, `Key '${raw}' does not exist for user '${ctx.userId}'.`);
        auth.evictKey(id);
        return {};
      },
    },
  });
}
