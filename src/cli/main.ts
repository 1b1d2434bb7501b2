#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, SETTINGS, type Config } from '../config/config.js';
import { startModelkeep, startWorker } from '../app/compose.js';
import { stopOnSignals } from '../app/shutdown.js';
import { StartupError } from '../app/startup-error.js';
import { migrate } from '../storage/open-store.js';
import { ARCHIVE_FLAGS, ARCHIVE_USAGE, type ArchiveFlags } from './archive-flags.js';

const USAGE = `modelkeep — a self-hosted server for Clarifai's v2 model API

Usage:
  modelkeep serve   [options]   start the REST and gRPC servers (and the training worker)
  modelkeep worker  [options]   run training jobs and input processing only (no API); start as many as you like
  modelkeep migrate [options]   bring the database schema up to date, then exit
${ARCHIVE_USAGE}
  modelkeep backup --out <file>                           consistent copy of the SQLite database, also while
                                                         the server runs (PostgreSQL: pg_dump, see README)
  modelkeep restore --in <file>                           put a backup in place of the database (servers stopped)
  modelkeep help                this text

Options (each also an environment variable):
${SETTINGS.map((s) => `  --${s.flag.padEnd(18)} ${s.env.padEnd(28)} ${s.help}`).join('\n')}
`;

function parseFlags(args: string[]): { command: string; flags: Record<string, string | boolean | undefined> } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const s of SETTINGS) {
    options[s.flag] = { type: s.kind === 'bool' ? 'boolean' : 'string' };
    if (s.kind === 'bool') options[`no-${s.flag}`] = { type: 'boolean' };
  }
  options.help = { type: 'boolean', short: 'h' };
  for (const f of ARCHIVE_FLAGS) options[f] = { type: 'string' };
  // Not strict: unknown or mistyped flags reach loadConfig, which reports them together with every
  // other bad setting (a strict parse would stop at the first unknown flag and hide the rest).
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: false });
  return { command: values.help ? 'help' : (positionals[0] ?? 'serve'), flags: values as Record<string, string | boolean | undefined> };
}

/** A database URL fit for logs: credentials hidden. */
const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

async function serve(cfg: Config): Promise<void> {
  const running = await startModelkeep(cfg);
  const { log } = running;
  if (running.bootstrap.generated) {
    const { userId, pat } = running.bootstrap.generated;
    // Printed once on purpose: only the token's hash is stored.
    process.stdout.write(`\nCreated user '${userId}' with personal access token:\n\n    ${pat}\n\nKeep it: it is not shown again. Use it as "Authorization: Key ${pat}".\n\n`);
  }
  log.info({ rest: `http://${cfg.host}:${running.httpPort}`, grpc: `${cfg.host}:${running.grpcPort}`, database: redactUrl(cfg.databaseUrl) }, 'modelkeep is ready');
  stopOnSignals(running, 'stopping');
}

async function worker(cfg: Config): Promise<void> {
  const running = await startWorker(cfg);
  const { log } = running;
  log.info({ worker: running.workerId, database: redactUrl(cfg.databaseUrl), concurrency: cfg.workerConcurrency, leaseMs: cfg.jobLeaseMs }, 'modelkeep worker is ready');
  stopOnSignals(running, 'stopping: handing running jobs back to the queue');
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseFlags(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  // export / import / backup / restore take their own flags out; anywhere else they are unknown options like any other.
  const archiveFlags: ArchiveFlags = {};
  if (['export', 'import', 'backup', 'restore'].includes(parsed.command)) {
    for (const f of ARCHIVE_FLAGS) {
      const v = parsed.flags[f];
      delete parsed.flags[f];
      if (typeof v === 'string') archiveFlags[f] = v;
    }
  }
  let cfg: Config;
  try {
    cfg = loadConfig(process.env, parsed.flags);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  switch (parsed.command) {
    case 'serve':
      await serve(cfg);
      break;
    case 'worker':
      await worker(cfg);
      break;
    case 'migrate':
      await migrate(cfg.databaseUrl);
      process.stdout.write(`database ${redactUrl(cfg.databaseUrl)} is up to date\n`);
      break;
    case 'export':
    case 'import': {
      // Loaded here only: the other commands (serve's start-up) do without the archive code.
      const { ArchiveError, exportCommand, importCommand, UsageError } = await import('./archive.js');
      try {
        await (parsed.command === 'export' ? exportCommand : importCommand)(cfg, archiveFlags, (t) => process.stdout.write(t));
      } catch (e) {
        if (!(e instanceof UsageError || e instanceof ArchiveError)) throw e;
        process.stderr.write(`modelkeep ${parsed.command}: ${e.message}\n`);
        process.exit(e instanceof UsageError ? 2 : 1);
      }
      break;
    }
    case 'backup':
    case 'restore': {
      const { BackupError, backupCommand, restoreCommand } = await import('./backup.js');
      try {
        await (parsed.command === 'backup' ? backupCommand : restoreCommand)(cfg, archiveFlags, (t) => process.stdout.write(t));
      } catch (e) {
        if (!(e instanceof BackupError)) throw e;
        process.stderr.write(`modelkeep ${parsed.command}: ${e.message}\n`);
        process.exit(1);
      }
      break;
    }
    default:
      process.stderr.write(`unknown command '${parsed.command}'\n\n${USAGE}`);
      process.exit(2);
  }
}

main().catch((e: unknown) => {
  if (e instanceof StartupError) {
    process.stderr.write(`modelkeep: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`modelkeep: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
