import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MAX_ITEMS_PER_CALL } from '../../domain/limits.js';
import type { Api } from '../client/api.js';
import { ApiCallError } from '../client/api.js';
import type { Input, InputCounts } from '../client/messages.js';
import { clientCommand, list, positiveInt } from '../command-kit.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { type Printer, shortTime, statusText } from '../output.js';
import { Progress } from '../progress.js';
import { batches, contentId, readSources, toApiInput, type UploadItem } from './upload-sources.js';

/** Request bodies stay well under the server's 32 MB default (MODELKEEP_BODY_LIMIT_BYTES). */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

const kindOf = (i: Input): string => (i.data?.text ? 'text' : i.data?.image ? 'image' : '');
const conceptsOf = (i: Input): string => (i.data?.concepts ?? []).map((c) => (c.value === 0 ? `-${c.id}` : c.id)).join(',');

interface UploadFlags {
  concepts?: string[];
  skipExisting?: boolean;
  parallel: number;
  wait: boolean;
  interval: number;
}

interface Failure {
  source: string;
  id?: string;
  reason: string;
}

/** inputs upload|list|get|delete|status. */
export function registerInputs(program: Command): void {
  const inputs = program.command('inputs').description('upload training data and look at it');
  clientCommand<UploadFlags>(
    inputs,
    'upload <sources...>',
    'upload files, folders, CSV / JSON Lines manifests, or text lines from stdin (-)',
    async ({ api, out }, sources, o) => {
      await upload(api, out, sources, o);
    },
  )
    .option('--concepts <ids>', 'label every input with these concepts too (comma-separated)', list)
    .option('--skip-existing', 'give inputs ids from their content and skip those already in the app (resume an upload)')
    .option('--parallel <n>', 'requests in flight at once', positiveInt, 4)
    .option('--no-wait', 'do not wait for the server to process the inputs')
    .option('--interval <ms>', 'how often to check processing', positiveInt, 500)
    .addHelpText(
      'after',
      `
Sources:
  ./photos              every image / .txt file below; a file in photos/cat/ is labelled cat
  ./cat.jpg notes.txt   single files
  data.csv              header row with text, url or path (relative to the file), and optionally
                        id, concepts (separated by ; or |), metadata (a JSON object)
  data.jsonl            one JSON object a line with the same fields (concepts may be an array)
  -                     each line of stdin is a text input

Examples:
  modelkeep inputs upload ./photos --skip-existing
  printf 'great\\nawful\\n' | modelkeep inputs upload - --concepts review`,
    );

  clientCommand<{ page?: number; perPage?: number }>(inputs, 'list', "the app's inputs, newest first", async ({ api, out }, _a, o) => {
    const r = await api.get<{ inputs: Input[] }>(api.appPath('/inputs'), { page: o.page, per_page: o.perPage ?? 50 });
    out.result(
      r,
      () =>
        out.table(
          ['ID', 'TYPE', 'CONCEPTS', 'STATUS', 'CREATED'],
          r.inputs.map((i) => [i.id, kindOf(i), conceptsOf(i), statusText(i.status), shortTime(i.created_at)]),
        ),
      () => r.inputs.map((i) => i.id),
    );
  })
    .option('--page <n>', 'page number', positiveInt)
    .option('--per-page <n>', 'inputs a page (default 50)', positiveInt);

  clientCommand(inputs, 'get <id>', 'one input', async ({ api, out }, [id]) => {
    const r = await api.get<{ input: Input }>(api.appPath(`/inputs/${encodeURIComponent(id!)}`));
    const i = r.input;
    out.result(
      r,
      () =>
        out.record([
          ['id', i.id],
          ['type', kindOf(i)],
          ['text', i.data?.text?.raw?.slice(0, 200)],
          ['url', i.data?.image?.url],
          ['concepts', conceptsOf(i)],
          ['metadata', i.data?.metadata && Object.keys(i.data.metadata).length ? JSON.stringify(i.data.metadata) : undefined],
          ['status', statusText(i.status)],
          ['details', i.status?.details],
          ['created', shortTime(i.created_at)],
        ]),
      () => [i.id],
    );
  });

  clientCommand<{ yes?: boolean }>(inputs, 'delete <ids...>', 'delete inputs by id', async ({ api, out }, ids, o) => {
    if (!o.yes) throw new UsageError(`add --yes to delete ${ids.length} input${ids.length === 1 ? '' : 's'}`);
    for (let i = 0; i < ids.length; i += MAX_ITEMS_PER_CALL)
      await api.delete(api.appPath('/inputs'), { ids: ids.slice(i, i + MAX_ITEMS_PER_CALL) }, 'deleting inputs');
    out.result(
      { status: { code: 10000 }, ids },
      () => out.line(`deleted ${ids.length} input${ids.length === 1 ? '' : 's'}`),
      () => ids,
    );
  }).option('-y, --yes', 'confirm');

  clientCommand(inputs, 'status', 'how many inputs are processed, waiting or failed (GetInputCount)', async ({ api, out }) => {
    const r = await api.get<{ counts: InputCounts }>(api.appPath('/inputs/status'));
    out.result(
      r,
      () =>
        out.table(
          ['STATE', 'INPUTS'],
          Object.entries(r.counts).map(([k, v]) => [k, v ?? 0]),
        ),
      () => [],
    );
  });
}

async function upload(api: Api, out: Printer, sources: string[], o: UploadFlags): Promise<void> {
  const items = readSources(sources, () => readFileSync(0, 'utf8'), o.concepts ?? []);
  if (items.length === 0) throw new UsageError('nothing to upload: the sources hold no image, text or manifest rows');
  let todo: UploadItem[] = items;
  let skipped = 0;
  if (o.skipExisting) {
    const seen = new Set<string>();
    todo = [];
    for (const it of items) {
      it.id ??= contentId(it);
      if (!seen.has(it.id)) todo.push(it);
      seen.add(it.id);
    }
    const existing = await existingIds(
      api,
      todo.map((i) => i.id!),
    );
    skipped = items.length - todo.length;
    todo = todo.filter((i) => {
      if (existing.has(i.id!)) skipped++;
      return !existing.has(i.id!);
    });
  }
  const failures: Failure[] = [];
  const uploaded: { id: string; source: string }[] = [];
  const bar = new Progress(
    out.streams.err,
    'uploading [{bar}] {value}/{total} inputs | {failed} failed | {eta_formatted} left',
    (v, t, p) => `uploaded ${v}/${t} (${p.failed} failed)`,
    !out.quiet && !out.json && todo.length > 0,
  );
  bar.start(todo.length, 0, { failed: 0 });
  const queue = batches(todo, MAX_ITEMS_PER_CALL, MAX_BATCH_BYTES);
  let done = 0;
  // Ctrl-C: the batches in flight finish, no new one starts, and the message says how to resume.
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  const worker = async (): Promise<void> => {
    for (let b = interrupted ? undefined : queue.shift(); b; b = interrupted ? undefined : queue.shift()) {
      try {
        const r = await api.post<{ inputs: Input[] }>(api.appPath('/inputs'), { inputs: b.map(toApiInput) }, 'uploading inputs');
        r.inputs.forEach((inp, i) => uploaded.push({ id: inp.id, source: b[i]?.source ?? inp.id }));
      } catch (e) {
        if (!(e instanceof ApiCallError)) throw e;
        // The server refuses a bad batch whole: every input in it is reported with the reason.
        const reason = `${e.status.code} ${e.status.description ?? ''}${e.status.details ? `: ${e.status.details}` : ''}`;
        for (const it of b) failures.push({ source: it.source, ...(it.id ? { id: it.id } : {}), reason });
      }
      done += b.length;
      bar.update(done, { failed: failures.length });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.parallel, Math.max(1, queue.length)) }, worker));
  } finally {
    process.removeListener('SIGINT', onSigint);
    bar.stop();
  }
  if (interrupted) {
    throw new CliError(
      `stopped: ${uploaded.length} of ${todo.length} inputs uploaded${failures.length ? `, ${failures.length} failed` : ''}. Run the same command with --skip-existing to upload the rest${o.skipExisting ? '' : ' (inputs uploaded without it get new ids, so they would be uploaded again)'}.`,
      EXIT.interrupted,
    );
  }
  let processed = 0;
  if (o.wait && uploaded.length) processed = await waitProcessed(api, out, uploaded, failures, o.interval);
  const summary = { uploaded: uploaded.length, skipped, failed: failures.length, processed, inputs: uploaded, failures };
  out.result(
    summary,
    () => {
      out.line(
        `uploaded ${uploaded.length} input${uploaded.length === 1 ? '' : 's'}${skipped ? `, skipped ${skipped} already there` : ''}${o.wait ? `, ${processed} processed` : ''}, ${failures.length} failed`,
      );
      if (failures.length)
        out.table(
          ['SOURCE', 'ID', 'REASON'],
          failures.map((f) => [f.source, f.id ?? '', f.reason]),
        );
    },
    () => uploaded.map((u) => u.id),
  );
  if (failures.length) throw new CliError(`${failures.length} input${failures.length === 1 ? '' : 's'} failed (listed above)`, 1);
}

async function existingIds(api: Api, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += MAX_ITEMS_PER_CALL) {
    const chunk = ids.slice(i, i + MAX_ITEMS_PER_CALL);
    const r = await api.get<{ inputs: Input[] }>(api.appPath('/inputs'), { ids: chunk, per_page: chunk.length }, 'checking which inputs exist');
    for (const inp of r.inputs) found.add(inp.id);
  }
  return found;
}

/** Polls the uploaded inputs until none is pending; failures (30002) join the summary with their details. */
async function waitProcessed(api: Api, out: Printer, uploaded: { id: string; source: string }[], failures: Failure[], intervalMs: number): Promise<number> {
  const source = new Map(uploaded.map((u) => [u.id, u.source]));
  let pending = uploaded.map((u) => u.id);
  let ok = 0;
  const bar = new Progress(
    out.streams.err,
    'processing [{bar}] {value}/{total} inputs | {failed} failed',
    (v, t, p) => `processed ${v}/${t} (${p.failed} failed)`,
    !out.quiet && !out.json,
  );
  bar.start(uploaded.length, 0, { failed: 0 });
  let failed = 0;
  try {
    while (pending.length) {
      const still: string[] = [];
      for (let i = 0; i < pending.length; i += MAX_ITEMS_PER_CALL) {
        const chunk = pending.slice(i, i + MAX_ITEMS_PER_CALL);
        const r = await api.get<{ inputs: Input[] }>(api.appPath('/inputs'), { ids: chunk, per_page: chunk.length }, 'checking processing');
        for (const inp of r.inputs) {
          const code = inp.status?.code;
          // 305xx: processed, then re-indexed because the app's base workflow changed meanwhile (decision 0037).
          if (code === 30000 || (code !== undefined && code >= 30500 && code <= 30503)) ok++;
          else if (code === 30002) {
            failed++;
            failures.push({
              source: source.get(inp.id) ?? inp.id,
              id: inp.id,
              reason: `${code} ${inp.status?.description ?? ''}${inp.status?.details ? `: ${inp.status.details}` : ''}`,
            });
          } else still.push(inp.id);
        }
      }
      pending = still;
      bar.update(ok + failed, { failed });
      if (pending.length) await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    bar.stop();
  }
  return ok;
}
