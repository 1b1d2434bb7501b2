import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline as pipelineCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import { ArchiveError, archivableApps, exportApp, importApp, openKyselyStore } from '../app/offline-store.js';
import type { Config } from '../config/config.js';
import { isValidId } from '../domain/ids.js';
import type { ArchiveFlags } from './archive-flags.js';

/** A usage mistake: printed with exit code 2. */
export class UsageError extends Error {}

function appRef(value: string | undefined, flag: string): { userId: string; appId: string } {
  const parts = (value ?? '').split('/');
  if (parts.length !== 2 || !isValidId(parts[0]!) || !isValidId(parts[1]!))
    throw new UsageError(`--${flag} must be <user>/<app> (got ${JSON.stringify(value ?? '')})`);
  return { userId: parts[0]!, appId: parts[1]! };
}

/** Told the rows and bytes so far (a live line on a terminal; see ops-commands.ts). */
export type ArchiveProgress = (rows: number, bytes: number) => void;

type ArchiveStore = Awaited<ReturnType<typeof openKyselyStore>>;
type ArchiveFooter = Awaited<ReturnType<typeof exportApp>>;

/** Streams one app through gzip into `<out>.partial`, renamed to `<out>` once complete; nothing is left on failure. */
async function writeArchive(store: ArchiveStore, userId: string, appId: string, out: string, progress: ArchiveProgress): Promise<ArchiveFooter> {
  const partial = `${out}.partial`;
  const gzip = createGzip();
  const writing = pipeline(gzip, createWriteStream(partial));
  let footer: ArchiveFooter;
  try {
    let rows = 0;
    let bytes = 0;
    footer = await exportApp(store, userId, appId, async (line) => {
      rows++;
      bytes += line.length + 1;
      progress(rows, bytes);
      if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
    });
    gzip.end();
    await writing;
  } catch (e) {
    gzip.destroy();
    await writing.catch(() => undefined);
    rmSync(partial, { force: true });
    throw e;
  }
  renameSync(partial, out);
  return footer;
}

const totalRows = (footer: ArchiveFooter): number => Object.values(footer.rows).reduce((a, b) => a + b, 0);

/** `modelkeep export`: one app (--app) to a file, or every app (--all) to a directory. */
export async function exportCommand(cfg: Config, flags: ArchiveFlags, print: (s: string) => void, progress: ArchiveProgress = () => undefined): Promise<void> {
  if (flags.all) return exportAllCommand(cfg, flags, print, progress);
  const { userId, appId } = appRef(flags.app, 'app');
  if (!flags.out) throw new UsageError('--out <file> is required');
  const store = await openKyselyStore(cfg.databaseUrl, { poolSize: 2 });
  try {
    const footer = await writeArchive(store, userId, appId, flags.out, progress);
    print(`exported ${userId}/${appId} to ${flags.out}: ${totalRows(footer)} rows (${summary(footer.rows)})\n`);
  } finally {
    await store.close();
  }
}

/**
 * `modelkeep export --all --out <dir>`: every app but clarifai/main to `<dir>/<user>/<app>.jsonl.gz`, one
 * snapshot per app (not one across apps: for that, pg_dump or `modelkeep backup`). The directory must be
 * new or empty, so no earlier export is mixed in or overwritten; a failure stops at the app it names,
 * the apps before it complete.
 */
async function exportAllCommand(cfg: Config, flags: ArchiveFlags, print: (s: string) => void, progress: ArchiveProgress): Promise<void> {
  if (flags.app) throw new UsageError('--all exports every app: leave out --app (or leave out --all to export one)');
  if (!flags.out) throw new UsageError('--out <directory> is required with --all');
  const dir = flags.out;
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0))
    throw new UsageError(`--out ${dir} must be a new or empty directory (with --all it receives <user>/<app>.jsonl.gz files)`);
  const store = await openKyselyStore(cfg.databaseUrl, { poolSize: 2 });
  try {
    const apps = await archivableApps(store);
    mkdirSync(dir, { recursive: true });
    // The live line counts over every app so far.
    let rowsBefore = 0;
    let bytesBefore = 0;
    for (const { userId, appId } of apps) {
      mkdirSync(path.join(dir, userId), { recursive: true });
      const out = path.join(dir, userId, `${appId}.jsonl.gz`);
      let bytes = 0;
      const footer = await writeArchive(store, userId, appId, out, (r, b) => {
        bytes = b;
        progress(rowsBefore + r, bytesBefore + b);
      });
      rowsBefore += totalRows(footer);
      bytesBefore += bytes;
      print(`exported ${userId}/${appId} to ${out}: ${totalRows(footer)} rows\n`);
    }
    print(`exported ${apps.length} app${apps.length === 1 ? '' : 's'} to ${dir}: ${rowsBefore} rows in all\n`);
  } finally {
    await store.close();
  }
}

/** `modelkeep import`: reads a gzipped (or plain) JSON Lines archive into this database in one transaction. */
export async function importCommand(cfg: Config, flags: ArchiveFlags, print: (s: string) => void, progress: ArchiveProgress = () => undefined): Promise<void> {
  if (!flags.in) throw new UsageError('--in <file> is required');
  const target = flags.as === undefined ? undefined : appRef(flags.as, 'as');
  const gz = await isGzip(flags.in);
  const store = await openKyselyStore(cfg.databaseUrl, { poolSize: 2 });
  try {
    const file = createReadStream(flags.in);
    // pipeline() passes a read error or corrupt gzip data on to the last stream, whose iteration then throws.
    const input = gz ? pipelineCallback(file, createGunzip(), () => undefined) : file;
    const r = await importApp(
      store,
      counted(linesOf(input), () => file.bytesRead, progress),
      target,
    );
    print(`imported ${r.source.userId}/${r.source.appId} as ${r.target.userId}/${r.target.appId}: ${summary(r.rows)}\n`);
    if (r.createdUser)
      print(`user '${r.target.userId}' did not exist and was created without keys: give it a PAT with MODELKEEP_BOOTSTRAP_USER / MODELKEEP_BOOTSTRAP_PAT\n`);
  } finally {
    await store.close();
  }
}

/** Splits a byte stream into lines (UTF-8), without holding more than one line and one chunk. */
async function* linesOf(input: Readable): AsyncGenerator<string> {
  const utf8 = new StringDecoder('utf8'); // a character split across two chunks stays whole
  let rest = '';
  const chunks = (async function* () {
    try {
      yield* input;
    } catch (e) {
      throw new ArchiveError(`the file cannot be read to its end (${(e as Error).message}); nothing was imported`);
    }
  })();
  for await (const chunk of chunks) {
    rest += utf8.write(chunk as Buffer);
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
      yield rest.slice(start, nl);
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  rest += utf8.end();
  if (rest) yield rest;
}

async function* counted(lines: AsyncIterable<string>, bytesRead: () => number, progress: ArchiveProgress): AsyncGenerator<string> {
  let rows = 0;
  for await (const line of lines) {
    progress(++rows, bytesRead());
    yield line;
  }
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --in ${file}: ${e.code ?? e.message}`);
  });
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

const summary = (rows: Record<string, number>): string =>
  Object.entries(rows)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');

export { ArchiveError };
