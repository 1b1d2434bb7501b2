import { type Command, Option } from 'commander';
import { Api } from './client/api.js';
import { type Connection, type ConnectionFlags, resolveConnection } from './client/connection.js';
import { configPath, readConfigFile } from './client/contexts.js';
import { UsageError } from './errors.js';
import { type OutputFlags, Printer } from './output.js';

/** What a client command's action gets: the REST client, the printer, and where it connected. */
export interface ClientContext {
  api: Api;
  out: Printer;
  conn: Connection;
  env: NodeJS.ProcessEnv;
}

export type CommonFlags = ConnectionFlags & OutputFlags;

/** The options every client command takes; on each command (not the program) so `<cmd> --help` lists them. */
export function withClientOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--url <url>', 'server REST URL (default: the context; env MODELKEEP_URL)').helpGroup('Connection:'))
    .addOption(new Option('--pat <token>', 'personal access token (default: the context; env MODELKEEP_PAT)').helpGroup('Connection:'))
    .addOption(new Option('--app <user/app>', 'app to work in (default: the context; env MODELKEEP_APP)').helpGroup('Connection:'))
    .addOption(new Option('--context <name>', 'use this saved context instead of the current one (env MODELKEEP_CONTEXT)').helpGroup('Connection:'))
    .addOption(new Option('--json', 'print the API response as JSON, unchanged').helpGroup('Output:'))
    .addOption(new Option('-q, --quiet', 'print ids only, one a line; no notes').helpGroup('Output:'));
}

/** A subcommand of `parent` with the client options and an action that gets a ready ClientContext. */
export function clientCommand<O extends object = Record<string, unknown>>(
  parent: Command,
  spec: string,
  description: string,
  action: (ctx: ClientContext, args: string[], opts: O & CommonFlags) => Promise<void>,
): Command {
  const cmd = parent.command(spec).description(description);
  withClientOptions(cmd);
  cmd.action(async (...a: unknown[]) => {
    const command = a[a.length - 1] as Command;
    const opts = command.opts() as O & CommonFlags;
    const args = a.slice(0, -2).flatMap((x) => (Array.isArray(x) ? (x as string[]) : x === undefined ? [] : [String(x)]));
    if (opts.json && opts.quiet) throw new UsageError('--json and --quiet do not go together: pick one');
    const env = process.env;
    const conn = resolveConnection(readConfigFile(configPath(env)), env, opts);
    const label = `modelkeep ${[...ancestry(command)].join(' ')}`;
    await action({ api: new Api(conn.url, conn.pat, conn.app, undefined, label), out: new Printer(opts), conn, env }, args, opts);
  });
  return cmd;
}

/** "a,b , c" -> ["a","b","c"] (commander option parser for lists). */
export const list = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Repeatable `key=value` (commander option parser); values read as JSON when they parse (numbers, booleans). */
export function keyValue(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`expected key=value (got ${JSON.stringify(value)})`);
  const key = value.slice(0, eq);
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new UsageError(`"${key}" cannot be a key`);
  return { ...previous, [key]: jsonish(value.slice(eq + 1)) };
}

export function jsonish(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new UsageError(`expected a whole number >= 1 (got ${JSON.stringify(value)})`);
  return n;
}

export function unitFloat(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`expected a number from 0 to 1 (got ${JSON.stringify(value)})`);
  return n;
}

/** "versions create" for the versions create command (the program's own name left out). */
function* ancestry(c: Command): Generator<string> {
  if (c.parent?.parent) yield* ancestry(c.parent);
  yield c.name();
}
