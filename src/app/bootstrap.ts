import { ApiError } from '../domain/errors.js';
import { Code } from '../domain/status-codes.js';
import type { Store } from '../ports/store.js';
import { hashToken } from '../service/access/auth.service.js';
import { newToken } from '../service/rpc/keys.service.js';

export interface BootstrapResult {
  /** Set only when a PAT was generated: printed once, never stored in clear. */
  generated?: { userId: string; pat: string };
}

/**
 * Makes sure the configured user and PAT exist; on a first start with neither configured,
 * creates user `admin` with a random PAT that the caller prints once.
 */
export async function bootstrapUsers(store: Store, opts: { user: string | undefined; pat: string | undefined }, now: number): Promise<BootstrapResult> {
  return store.transaction(async (tx) => {
    if (opts.user) {
      if (!(await tx.users.get(opts.user))) await tx.users.create({ id: opts.user, createdAt: now });
      if (opts.pat) {
        const hash = hashToken(opts.pat);
        const existing = await tx.keys.findByTokenHash(hash);
        if (existing && existing.userId !== opts.user) {
          throw new ApiError(Code.CONN_KEY_INVALID, `MODELKEEP_BOOTSTRAP_PAT already belongs to user '${existing.userId}'.`);
        }
        if (!existing) {
          const { id } = newToken();
          await tx.keys.create({
            id,
            userId: opts.user,
            kind: 'pat',
            tokenHash: hash,
            description: 'bootstrap PAT (MODELKEEP_BOOTSTRAP_PAT)',
            scopes: ['All'],
            appIds: [],
            createdAt: now,
            expiresAt: null,
          });
        }
      }
      return {};
    }
    if ((await tx.users.count()) > 0) return {};
    const { id, token } = newToken();
    await tx.users.create({ id: 'admin', createdAt: now });
    await tx.keys.create({
      id,
      userId: 'admin',
      kind: 'pat',
      tokenHash: hashToken(token),
      description: 'generated at first start',
      scopes: ['All'],
      appIds: [],
      createdAt: now,
      expiresAt: null,
    });
    return { generated: { userId: 'admin', pat: token } };
  });
}
