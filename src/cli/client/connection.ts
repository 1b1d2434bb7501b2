import { UsageError } from '../errors.js';
import { type AppRef, parseAppRef } from './app-ref.js';
import { type CliConfigFile, getContext } from './contexts.js';

/** What every client command accepts to say where and as whom it talks (flags win over env over the context). */
export interface ConnectionFlags {
  url?: string;
  pat?: string;
  app?: string;
  context?: string;
}

export interface Connection {
  url: string;
  pat: string;
  app: AppRef | undefined;
  /** The context the values came from, if any (whoami shows it). */
  context: string | undefined;
}

const LOGIN_HINT = 'run `modelkeep login --url <server> --pat <token>` once, or set MODELKEEP_URL and MODELKEEP_PAT (or pass --url and --pat)';

/** Picks url / PAT / app: --flag, then MODELKEEP_URL / MODELKEEP_PAT / MODELKEEP_APP, then the context. */
export function resolveConnection(file: CliConfigFile, env: NodeJS.ProcessEnv, flags: ConnectionFlags): Connection {
  const named = flags.context ?? env.MODELKEEP_CONTEXT;
  if (named !== undefined && !getContext(file, named)) {
    const known = Object.keys(file.contexts);
    throw new UsageError(`no context named "${named}" (${known.length ? `known: ${known.join(', ')}` : 'none saved yet'}); ${LOGIN_HINT}`);
  }
  const name = named ?? file.current;
  const ctx = name === undefined ? undefined : getContext(file, name);
  const url = flags.url ?? env.MODELKEEP_URL ?? ctx?.url;
  const pat = flags.pat ?? env.MODELKEEP_PAT ?? ctx?.pat;
  if (!url) throw new UsageError(`no server to talk to: ${LOGIN_HINT}`);
  if (!pat) throw new UsageError(`no personal access token: ${LOGIN_HINT}`);
  const appText = flags.app ?? env.MODELKEEP_APP ?? ctx?.app;
  const app = appText ? parseAppRef(appText, flags.app ? '--app' : env.MODELKEEP_APP ? 'MODELKEEP_APP' : `the app of context "${name}"`) : undefined;
  return { url: normaliseUrl(url), pat, app, context: ctx ? name : undefined };
}

export function normaliseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`the server URL must look like http://127.0.0.1:8080 (got ${JSON.stringify(url)})`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`the server URL must be http:// or https:// (got ${JSON.stringify(url)})`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}
