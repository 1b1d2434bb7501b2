import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MAX_ITEMS_PER_CALL } from '../../domain/limits.js';
import type { Output } from '../client/messages.js';
import { clientCommand, list, positiveInt, unitFloat } from '../command-kit.js';
import { UsageError } from '../errors.js';
import type { Cell } from '../output.js';

interface PredictFlags {
  maxConcepts?: number;
  minValue?: number;
  select?: string[];
  version?: string;
  text?: boolean;
}

/** An argument of `predict`: a URL is an image URL, an existing file is sent as bytes, anything else is text. */
export function predictInput(arg: string, forceText: boolean): { data: Record<string, unknown>; label: string } {
  if (forceText) return { data: { text: { raw: arg } }, label: arg };
  if (/^https?:\/\//i.test(arg)) return { data: { image: { url: arg } }, label: arg };
  if (existsSync(arg) && statSync(arg).isFile()) {
    const bytes = readFileSync(arg);
    if (['.txt', '.md'].includes(path.extname(arg).toLowerCase())) return { data: { text: { raw: bytes.toString('utf8') } }, label: arg };
    return { data: { image: { base64: bytes.toString('base64') } }, label: arg };
  }
  return { data: { text: { raw: arg } }, label: arg };
}

/** The override of the version's prediction settings, where the 2023-01-20 API puts it. */
export function outputConfig(o: PredictFlags): Record<string, unknown> | undefined {
  const oc: Record<string, unknown> = {};
  if (o.maxConcepts !== undefined) oc.max_concepts = o.maxConcepts;
  if (o.minValue !== undefined) oc.min_value = o.minValue;
  if (o.select?.length) oc.select_concepts = o.select.map((id) => ({ id }));
  return Object.keys(oc).length ? { model_version: { output_info: { output_config: oc } } } : undefined;
}

const clip = (s: string, n = 40): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** `predict <model> <inputs...>`: a table of concepts and values per input. */
export function registerPredict(program: Command): void {
  clientCommand<PredictFlags>(
    program,
    'predict <model> <inputs...>',
    'predict with a model: text, image files or image URLs; a table of concepts per input',
    async ({ api, out }, [model, ...args], o) => {
      if (args.length > MAX_ITEMS_PER_CALL) throw new UsageError(`at most ${MAX_ITEMS_PER_CALL} inputs a call (got ${args.length})`);
      const inputs = args.map((a) => predictInput(a, Boolean(o.text)));
      const where = `/models/${encodeURIComponent(model!)}${o.version ? `/versions/${encodeURIComponent(o.version)}` : ''}/outputs`;
      const oc = outputConfig(o);
      const r = await api.post<{ outputs: Output[] }>(
        api.appPath(where),
        { inputs: inputs.map((i) => ({ data: i.data })), ...(oc ? { model: oc } : {}) },
        `predicting with ${model}`,
      );
      out.result(
        r,
        () => {
          const rows: Cell[][] = [];
          r.outputs.forEach((output, n) => {
            const label = clip(inputs[n]?.label ?? output.input?.id ?? '');
            const first = (cells: Cell[]) => rows.push([rows.length && rows[rows.length - 1]?.[0] === label ? '' : label, ...cells]);
            if (output.status.code !== 10000) first(['(failed)', `${output.status.code} ${output.status.details ?? output.status.description ?? ''}`]);
            else if (output.data?.concepts) for (const c of output.data.concepts) first([c.name ?? c.id, (c.value ?? 0).toFixed(4)]);
            else if (output.data?.embeddings)
              for (const e of output.data.embeddings) first(['(embedding)', `${e.num_dimensions ?? e.vector?.length ?? 0} dimensions`]);
            else if (output.data?.clusters) for (const c of output.data.clusters) first(['(cluster)', c.id]);
            if (output.status.code === 10000 && !output.data?.concepts?.length && !output.data?.embeddings && !output.data?.clusters)
              first(['(no concepts above --min-value)', '']);
          });
          out.table(['INPUT', 'CONCEPT', 'VALUE'], rows);
        },
        () => r.outputs.map((x) => x.data?.concepts?.[0]?.id ?? ''),
      );
    },
  )
    .option('--max-concepts <n>', 'at most this many concepts an input', positiveInt)
    .option('--min-value <x>', 'only concepts with a value at least this (0-1)', unitFloat)
    .option('--select <ids>', 'only these concepts (comma-separated ids or names)', list)
    .option('--version <id>', 'this version instead of the newest trained one')
    .option('--text', 'read every input as text, even one that looks like a file or URL')
    .addHelpText(
      'after',
      '\nExamples:\n  modelkeep predict sentiment "really great" "awful"\n  modelkeep predict pets ./cat.jpg https://example.com/dog.jpg --max-concepts 1\n\n--quiet prints the top concept of each input, one a line.',
    );
}
