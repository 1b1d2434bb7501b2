import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { Api, ApiCallError } from '../client/api.js';
import { formatAppRef, parseAppRef } from '../client/app-ref.js';
import { normaliseUrl } from '../client/connection.js';
import { checkContextName, configPath, getContext, readConfigFile, writeConfigFile } from '../client/contexts.js';
import type { App } from '../client/messages.js';
import { clientCommand } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { Printer } from '../output.js';

/** login, context list|use|set-app|delete, whoami: where the client talks and as whom. */
export function registerSession(program: Command): void {
  program.commandsGroup('Connect:');
  program
    .command('login')
    .description('check a server URL and token, and save them as a named context (the current one from now on)')
    .addOption(new Option('--url <url>', 'server REST URL').env('MODELKEEP_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--pat <token>', 'personal access token (printed by the first `modelkeep serve`); - reads it from stdin').env('MODELKEEP_PAT'))
    .option('--app <user/app>', 'default app for commands that need one')
    .option('--name <context>', 'name of the context to save', 'default')
    .addHelpText(
      'after',
      `\nThe context is saved in ~/.config/modelkeep/config.json (mode 0600; MODELKEEP_CONFIG moves it).\n\nExample:\n  modelkeep login --url http://127.0.0.1:8080 --pat 0569fbb3… --app admin/pets --name local`,
    )
    .action(async (opts: { url: string; pat?: string; app?: string; name: string }) => {
      const name = checkContextName(opts.name);
      // `--pat -` keeps the token out of shell history and the process list.
      if (opts.pat === '-') opts.pat = readFileSync(0, 'utf8').split(/\r?\n/)[0]?.trim();
      if (!opts.pat) throw new UsageError('give the token: modelkeep login --pat <token> (or --pat - to read it from stdin, or set MODELKEEP_PAT)');
      const url = normaliseUrl(opts.url);
      const app = opts.app ? parseAppRef(opts.app) : undefined;
      const api = new Api(url, opts.pat, app);
      // The token is checked before anything is saved: a typo never becomes the current context.
      const apps = await api.get<{ apps: App[] }>('/v2/users/me/apps', { per_page: 1 }, 'checking the token');
      const missingApp = app ? await appIsMissing(api, formatAppRef(app)) : false;
      const file = configPath(process.env);
      const cfg = readConfigFile(file);
      cfg.contexts[name] = { url, pat: opts.pat, ...(app ? { app: formatAppRef(app) } : {}) };
      cfg.current = name;
      writeConfigFile(file, cfg);
      const user = apps.apps[0]?.user_id;
      process.stdout.write(`logged in to ${url}${user ? ` as ${user}` : ''}; saved as context "${name}" in ${file}\n`);
      if (!app) process.stdout.write(`commands that work in an app need --app <user>/<app>, or: modelkeep context set-app <user>/<app>\n`);
      // A first login on a new server names the app the user is about to create: saved, and the next step said.
      if (app && missingApp) process.stderr.write(`the app ${formatAppRef(app)} does not exist yet; create it with: modelkeep apps create ${app.appId}\n`);
    });

  const context = program.command('context').description('list, switch and remove saved contexts');
  clientlessContext(context);

  clientCommand(program, 'whoami', 'show the server, user, app and context in use, and check the token', async ({ api, out, conn }) => {
    const apps = await api.get<{ apps: App[] }>(api.userPath('/apps'), { per_page: 1 }, 'checking the token');
    const health = await api.health();
    const info = {
      url: conn.url,
      user: apps.apps[0]?.user_id ?? conn.app?.userId ?? 'me',
      app: conn.app ? formatAppRef(conn.app) : null,
      context: conn.context ?? null,
      server_version: health.version ?? null,
      server_ok: health.ok,
    };
    out.result(
      info,
      () =>
        out.record([
          ['server', `${conn.url}${health.version ? ` (modelkeep ${health.version})` : ''}${health.ok ? '' : ' (health check failed)'}`],
          ['user', info.user],
          ['app', info.app ?? '(none: pass --app or `modelkeep context set-app`)'],
          ['context', info.context ?? '(none: from flags / environment)'],
        ]),
      () => [info.user],
    );
  });
}

/** Whether the app answers 11101 (it does not exist); any other refusal (a key without access…) stops the login. */
async function appIsMissing(api: Api, ref: string): Promise<boolean> {
  try {
    await api.get(api.appPath(''), undefined, `checking the app ${ref}`);
    return false;
  } catch (e) {
    if (e instanceof ApiCallError && e.status.code === 11101) return true;
    throw e;
  }
}

function clientlessContext(context: Command): void {
  const file = () => configPath(process.env);
  context
    .command('list')
    .description('the saved contexts; * marks the current one')
    .option('--json', 'print as JSON (tokens hidden)')
    .action((opts: { json?: boolean }) => {
      const cfg = readConfigFile(file());
      const rows = Object.entries(cfg.contexts).map(([name, c]) => ({ name, current: name === cfg.current, url: c.url, app: c.app ?? null }));
      const out = new Printer(opts);
      out.result(rows, () =>
        out.table(
          ['', 'NAME', 'URL', 'APP'],
          rows.map((r) => [r.current ? '*' : '', r.name, r.url, r.app]),
          '(no contexts: modelkeep login --url … --pat …)',
        ),
      );
    });
  context
    .command('use <name>')
    .description('make a saved context the current one')
    .action((name: string) => {
      const cfg = readConfigFile(file());
      if (!getContext(cfg, name)) throw new UsageError(`no context named "${name}" (known: ${Object.keys(cfg.contexts).join(', ') || 'none'})`);
      cfg.current = name;
      writeConfigFile(file(), cfg);
      process.stdout.write(`current context: ${name}\n`);
    });
  context
    .command('set-app <user/app>')
    .description('set the default app of the current (or --context) context')
    .option('--context <name>', 'the context to change')
    .action((appText: string, opts: { context?: string }) => {
      const cfg = readConfigFile(file());
      const name = opts.context ?? cfg.current;
      const c = name === undefined ? undefined : getContext(cfg, name);
      if (!c || name === undefined) throw new UsageError('no current context: run modelkeep login first');
      c.app = formatAppRef(parseAppRef(appText, 'the app'));
      writeConfigFile(file(), cfg);
      process.stdout.write(`context "${name}" now works in ${c.app}\n`);
    });
  context
    .command('delete <name>')
    .description('remove a saved context (and its token) from the config file')
    .action((name: string) => {
      const cfg = readConfigFile(file());
      if (!getContext(cfg, name)) throw new UsageError(`no context named "${name}"`);
      delete cfg.contexts[name];
      if (cfg.current === name) delete cfg.current;
      writeConfigFile(file(), cfg);
      process.stdout.write(`deleted context "${name}"${cfg.current ? '' : '; no context is current now (modelkeep context use <name>)'}\n`);
    });
}
