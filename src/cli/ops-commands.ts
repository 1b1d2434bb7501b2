import type { Command } from 'commander';
import { stopOnSignals } from '../app/shutdown.js';
import { StartupError } from '../app/startup-error.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import type { ArchiveFlags } from './archive-flags.js';
import { CliError, UsageError } from './errors.js';
import { addSettingOptions, settingFlags } from './settings-options.js';

/**
 * The commands that run the server or work on its database directly: serve, worker, migrate,
 * export, import, backup, restore. Their server code is imported only when one of them runs, so the
 * client commands start without loading Fastify, gRPC or the protos.
 */

/** A database URL fit for logs: credentials hidden. */
const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

function configOf(cmd: Command): Config {
  try {
    return loadConfig(process.env, settingFlags(cmd));
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** A start stopped by the configuration (a taken port): its one sentence, and its exit code (2). */
async function starting<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    if (e instanceof StartupError) throw new CliError(`modelkeep: ${e.message}`, e.exitCode);
    throw e;
  }
}

async function serve(cfg: Config): Promise<void> {
  (await import('../runtime/gc-flags.js')).disablePretenuring();
  const { startModelkeep } = await import('../app/compose.js');
  const running = await starting(() => startModelkeep(cfg));
  const { log } = running;
  if (running.bootstrap.generated) {
    const { userId, pat } = running.bootstrap.generated;
    // Printed once on purpose: only the token's hash is stored. On stderr: stdout is the JSON log stream.
    process.stderr.write(
      `\nCreated user '${userId}' with personal access token:\n\n    ${pat}\n\nKeep it: it is not shown again. Use it as "Authorization: Key ${pat}",\nor save it for the CLI: modelkeep login --url http://${cfg.host}:${running.httpPort} --pat ${pat}\n\n`,
    );
  }
  log.info(
    { rest: `http://${cfg.host}:${running.httpPort}`, grpc: `${cfg.host}:${running.grpcPort}`, database: redactUrl(cfg.databaseUrl) },
    'modelkeep is ready',
  );
  stopOnSignals(running, 'stopping');
}

async function worker(cfg: Config): Promise<void> {
  const { startWorker } = await import('../app/start-worker.js');
  const running = await starting(() => startWorker(cfg));
  const { log } = running;
  log.info(
    { worker: running.workerId, database: redactUrl(cfg.databaseUrl), concurrency: cfg.workerConcurrency, leaseMs: cfg.jobLeaseMs },
    'modelkeep worker is ready',
  );
  stopOnSignals(running, 'stopping: handing running jobs back to the queue');
}

const write = (t: string): void => {
  process.stdout.write(t);
};

/** Rows and bytes of an export / import as a live line on a terminal; nothing extra on a pipe (the last line says it all). */
async function withArchiveProgress<T>(
  verb: string,
  run: (progress: (rows: number, bytes: number) => void, print: (t: string) => void) => Promise<T>,
): Promise<T> {
  const { Progress } = await import('./progress.js');
  const bar = new Progress(process.stderr, `${verb} {rows} lines | {mb} MB`, () => '');
  let shown = 0;
  // What the command prints waits until the bar is finished, so the two never share a line.
  const held: string[] = [];
  bar.start(0, 0, { rows: 0, mb: '0.0' });
  try {
    return await run(
      (rows, bytes) => {
        // Redrawing is throttled by cli-progress; skip building payloads for every row of a large app.
        if (rows - shown < 50 && rows > 1) return;
        shown = rows;
        bar.update(0, { rows, mb: (bytes / 1e6).toFixed(1) });
      },
      (t) => held.push(t),
    );
  } finally {
    bar.stop();
    for (const t of held) write(t);
  }
}

/** Runs one archive / backup command, turning its own errors into exit codes (2 usage, 1 otherwise). */
async function archiveAction(name: string, cmd: Command, run: (cfg: Config, flags: ArchiveFlags) => Promise<void>): Promise<void> {
  const o = cmd.opts() as ArchiveFlags;
  const flags: ArchiveFlags = {};
  for (const k of ['app', 'out', 'in', 'as'] as const) if (typeof o[k] === 'string') flags[k] = o[k];
  if (o.all === true) flags.all = true;
  const cfg = configOf(cmd);
  const archive = await import('./archive.js');
  const backup = await import('./backup.js');
  try {
    await run(cfg, flags);
  } catch (e) {
    if (e instanceof archive.UsageError) throw new UsageError(`modelkeep ${name}: ${e.message}`);
    if (e instanceof archive.ArchiveError || e instanceof backup.BackupError) throw new CliError(`modelkeep ${name}: ${e.message}`, 1);
    throw e;
  }
}

export function registerOpsCommands(program: Command): void {
  program.commandsGroup('Run the server:');
  addSettingOptions(
    program
      .command('serve', { isDefault: true })
      .description('start the REST and gRPC servers (and the training worker); the default command')
      .addHelpText(
        'after',
        '\nExamples:\n  modelkeep serve --http-port 8080 --data-dir ./data\n  MODELKEEP_DATABASE_URL=postgres://… modelkeep serve --no-worker',
      ),
  ).action(async (_o, cmd: Command) => serve(configOf(cmd)));
  addSettingOptions(
    program
      .command('worker')
      .description('run training jobs and input processing only (no API); start as many as you like')
      .addHelpText('after', '\nExample:\n  MODELKEEP_DATABASE_URL=postgres://… modelkeep worker --worker-concurrency 2'),
  ).action(async (_o, cmd: Command) => worker(configOf(cmd)));
  addSettingOptions(program.command('migrate').description('bring the database schema up to date, then exit')).action(async (_o, cmd: Command) => {
    const cfg = configOf(cmd);
    const { migrate } = await import('../app/offline-store.js');
    await migrate(cfg.databaseUrl);
    process.stdout.write(`database ${redactUrl(cfg.databaseUrl)} is up to date\n`);
  });

  program.commandsGroup('Database operations (run where the database is):');
  addSettingOptions(
    program
      .command('export')
      .description('write a whole app (models, versions with their trained artifacts, concepts, inputs, datasets) to a gzipped JSON Lines file')
      .option('--app <user/app>', 'the app to export')
      .option('--all', 'every app (but clarifai/main), each to <out>/<user>/<app>.jsonl.gz')
      .option('--out <file>', 'the file to write (written to <file>.partial, renamed when complete); with --all, a new or empty directory')
      .addHelpText('after', '\nExamples:\n  modelkeep export --app admin/pets --out pets.jsonl.gz\n  modelkeep export --all --out exports/'),
  ).action(async (_o, cmd: Command) =>
    archiveAction('export', cmd, async (cfg, f) => {
      const { exportCommand } = await import('./archive.js');
      await withArchiveProgress('exporting', (p, print) => exportCommand(cfg, f, print, p));
    }),
  );
  addSettingOptions(
    program
      .command('import')
      .description('create the app from an export file (same ids and statuses), in one transaction')
      .option('--in <file>', 'the export file (gzipped or plain JSON Lines)')
      .option('--as <user/app>', 'import under another user / app id')
      .addHelpText('after', '\nExample:\n  modelkeep import --in pets.jsonl.gz --as admin/pets-copy'),
  ).action(async (_o, cmd: Command) =>
    archiveAction('import', cmd, async (cfg, f) => {
      const { importCommand } = await import('./archive.js');
      await withArchiveProgress('importing', (p, print) => importCommand(cfg, f, print, p));
    }),
  );
  addSettingOptions(
    program
      .command('backup')
      .description('consistent copy of the SQLite database, also while the server runs (PostgreSQL: pg_dump, see README)')
      .option('--out <file>', 'the backup file to write'),
  ).action(async (_o, cmd: Command) => archiveAction('backup', cmd, async (cfg, f) => (await import('./backup.js')).backupCommand(cfg, f, write)));
  addSettingOptions(
    program.command('restore').description('put a backup in place of the database (servers stopped)').option('--in <file>', 'the backup to restore'),
  ).action(async (_o, cmd: Command) => archiveAction('restore', cmd, async (cfg, f) => (await import('./backup.js')).restoreCommand(cfg, f, write)));
}
