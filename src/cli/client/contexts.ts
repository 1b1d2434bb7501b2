import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError, UsageError } from '../errors.js';

/**
 * The CLI's own config file: named contexts (server URL, PAT, default app), one of them current.
 * It holds PATs, so it is written 0600 inside a 0700 directory, and re-chmodded on every write in
 * case it was created by hand with a looser mode.
 */
export interface ContextEntry {
  url: string;
  pat: string;
  /** Default app as `user/app`, used when a command gets no --app. */
  app?: string;
}

export interface CliConfigFile {
  current?: string;
  contexts: Record<string, ContextEntry>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkContextName(name: string): string {
  if (!NAME.test(name)) throw new UsageError(`context names are letters, digits, '.', '_' and '-' (got ${JSON.stringify(name)})`);
  return name;
}

/** MODELKEEP_CONFIG, else $XDG_CONFIG_HOME/modelkeep/config.json, else ~/.config/modelkeep/config.json. */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.MODELKEEP_CONFIG) return path.resolve(env.MODELKEEP_CONFIG);
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'modelkeep', 'config.json');
}

/** The file's contents; a missing file is an empty config. A malformed one is reported, never overwritten. */
export function readConfigFile(file: string): CliConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { contexts: {} };
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, 1);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON (${(e as Error).message}); fix it or delete it and run modelkeep login again`, 1);
  }
  return normalise(raw, file);
}

function normalise(raw: unknown, file: string): CliConfigFile {
  const bad = (why: string) => new CliError(`${file}: ${why}; fix it or delete it and run modelkeep login again`, 1);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected a JSON object');
  const obj = raw as Record<string, unknown>;
  const contexts: Record<string, ContextEntry> = Object.create(null) as Record<string, ContextEntry>;
  const given = obj.contexts ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw bad('"contexts" must be an object');
  for (const [name, c] of Object.entries(given as Record<string, unknown>)) {
    if (!NAME.test(name)) throw bad(`context name ${JSON.stringify(name)} is not allowed`);
    const e = c as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.url !== 'string' || typeof e.pat !== 'string')
      throw bad(`context "${name}" needs "url" and "pat" strings`);
    contexts[name] = { url: e.url, pat: e.pat, ...(typeof e.app === 'string' ? { app: e.app } : {}) };
  }
  const current = typeof obj.current === 'string' && Object.hasOwn(contexts, obj.current) ? obj.current : undefined;
  return { ...(current ? { current } : {}), contexts };
}

/** Writes atomically (temp file + rename) with mode 0600; the directory is created 0700. */
export function writeConfigFile(file: string, cfg: CliConfigFile): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ current: cfg.current, contexts: cfg.contexts }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function getContext(cfg: CliConfigFile, name: string): ContextEntry | undefined {
  return Object.hasOwn(cfg.contexts, name) ? cfg.contexts[name] : undefined;
}
