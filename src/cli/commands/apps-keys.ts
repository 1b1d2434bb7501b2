import type { Command } from 'commander';
import type { App, Key } from '../client/messages.js';
import { clientCommand, list } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { shortTime } from '../output.js';

/** apps list|create|delete and keys list|create|delete (user-level: a PAT's user, or the --app's user). */
export function registerAppsAndKeys(program: Command): void {
  const apps = program.command('apps').description('list, create and delete apps');
  clientCommand(apps, 'list', 'the apps of the user', async ({ api, out }) => {
    const r = await api.get<{ apps: App[] }>(api.userPath('/apps'), { per_page: 1000 });
    out.result(
      r,
      () =>
        out.table(
          ['ID', 'NAME', 'CREATED', 'DESCRIPTION'],
          r.apps.map((a) => [a.id, a.name, shortTime(a.created_at), a.description]),
        ),
      () => r.apps.map((a) => a.id),
    );
  });
  clientCommand<{ description?: string; name?: string }>(apps, 'create <id>', 'create an app', async ({ api, out }, [id], o) => {
    const r = await api.post<{ apps: App[] }>(api.userPath('/apps'), {
      apps: [{ id, ...(o.name ? { name: o.name } : {}), ...(o.description ? { description: o.description } : {}) }],
    });
    const a = r.apps[0];
    out.result(
      r,
      () => out.line(`created app ${a?.user_id ?? ''}/${a?.id ?? id}`),
      () => (a ? [a.id] : []),
    );
  })
    .option('--name <name>', 'display name')
    .option('--description <text>', 'what the app is for');
  clientCommand<{ yes?: boolean }>(apps, 'delete <id>', 'delete an app and everything in it', async ({ api, out }, [id], o) => {
    if (!o.yes) throw new UsageError(`deleting app ${id} deletes its models, versions and inputs: add --yes to confirm`);
    const r = await api.delete(`/v2/users/${encodeURIComponent(api.app?.userId ?? 'me')}/apps/${encodeURIComponent(id!)}`);
    out.result(
      r,
      () => out.line(`deleted app ${id}`),
      () => [id!],
    );
  }).option('-y, --yes', 'confirm');

  const keys = program.command('keys').description('list, create and delete API keys and personal access tokens');
  clientCommand(keys, 'list', 'the keys of the user (tokens are never shown again)', async ({ api, out }) => {
    const r = await api.get<{ keys: Key[] }>(api.userPath('/keys'), { per_page: 1000 });
    out.result(
      r,
      () =>
        out.table(
          ['ID', 'TYPE', 'APPS', 'SCOPES', 'DESCRIPTION', 'EXPIRES'],
          r.keys.map((k) => [
            k.id,
            k.type ?? (k.apps?.length ? 'app' : 'pat'),
            (k.apps ?? []).map((a) => a.id).join(','),
            (k.scopes ?? []).join(','),
            k.description,
            shortTime(k.expires_at),
          ]),
        ),
      () => r.keys.map((k) => k.id),
    );
  });
  clientCommand<{ scopes?: string[]; pat?: string; description?: string; expires?: string; personal?: boolean }>(
    keys,
    'create',
    'create an app key (scopes by name, for the --app) or, with --personal, a personal access token',
    async ({ api, out }, _a, o) => {
      const key: Record<string, unknown> = { description: o.description ?? '' };
      if (o.personal) key.type = 'personal_access_token';
      else {
        if (!api.app) throw new UsageError('an app key is for one app: pass --app <user>/<app> (or --personal for a personal access token)');
        key.apps = [{ id: api.app.appId, user_id: api.app.userId }];
        key.scopes = o.scopes?.length ? o.scopes : ['All'];
      }
      if (o.expires) key.expires_at = o.expires;
      const r = await api.post<{ keys: Key[] }>(api.userPath('/keys'), { keys: [key] });
      const k = r.keys[0];
      out.result(
        r,
        () => {
          out.line(k?.id ?? '');
          out.note(`created ${o.personal ? 'personal access token' : `app key for ${api.app!.userId}/${api.app!.appId}`}: keep it, it is not shown again`);
        },
        () => (k ? [k.id] : []),
      );
    },
  )
    .option('--scopes <names>', 'comma-separated scopes, as in the protos (e.g. Models_Get,Predict); default All', list)
    .option('--personal', 'a personal access token (all scopes, every app) instead of an app key')
    .option('--description <text>', 'what the key is for')
    .option('--expires <time>', 'RFC 3339 expiry, e.g. 2027-01-01T00:00:00Z');
  clientCommand(keys, 'delete <id>', 'delete a key', async ({ api, out }, [id]) => {
    const r = await api.delete(api.userPath(`/keys/${encodeURIComponent(id!)}`));
    out.result(
      r,
      () => out.line(`deleted key ${id}`),
      () => [id!],
    );
  });
}
