import type Table from 'cli-table3';
import { onFirstUse } from '../runtime/on-first-use.js';

/** cli-table3, required by the first table printed (`serve` never prints one), not at start-up. */
const cliTable = onFirstUse<typeof Table>('cli-table3');

/** `--json` prints the API response unchanged; `--quiet` prints ids only (one a line); else tables. */
export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
}

export type Cell = string | number | boolean | undefined | null;

export interface Streams {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Everything a command prints goes through here, so `--json` / `--quiet` mean the same in every
 * command: results on stdout, notes and progress on stderr (a pipe gets results only).
 */
export class Printer {
  constructor(
    readonly flags: OutputFlags,
    readonly streams: Streams = { out: process.stdout, err: process.stderr },
  ) {}

  get json(): boolean {
    return Boolean(this.flags.json);
  }

  get quiet(): boolean {
    return Boolean(this.flags.quiet);
  }

  /** One result: the body as JSON, its ids, or the human rendering. */
  result(body: unknown, human: () => void, ids: () => readonly string[] = () => []): void {
    if (this.json) this.line(JSON.stringify(body, null, 2));
    else if (this.quiet) for (const id of ids()) this.line(id);
    else human();
  }

  line(text = ''): void {
    this.streams.out.write(`${text}\n`);
  }

  /** A remark for people (what happened, what to do next): stderr, and not under --quiet or --json. */
  note(text: string): void {
    if (!this.quiet && !this.json) this.streams.err.write(`${text}\n`);
  }

  table(head: readonly string[], rows: readonly (readonly Cell[])[], empty = '(none)'): void {
    if (rows.length === 0) {
      this.line(empty);
      return;
    }
    this.line(renderTable(head, rows));
  }

  /** Two columns, field and value: one record. */
  record(pairs: readonly (readonly [string, Cell])[]): void {
    this.line(
      renderTable(
        [],
        pairs.filter(([, v]) => v !== undefined && v !== ''),
      ),
    );
  }
}

/**
 * Columns separated by two spaces, no borders and no colours: reads well in a terminal and survives
 * `grep`, `awk` and `cut` (what kubectl and docker print for the same reason).
 */
export function renderTable(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const t = new (cliTable())({
    ...(head.length ? { head: [...head] } : {}),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const r of rows) t.push(r.map(cell));
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

function cell(v: Cell): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(4);
  return String(v);
}

/** "2026-12-02T14:45:34.123Z" -> "2026-12-02 14:45:34" (tables); absent stays blank. */
export const shortTime = (t: string | undefined): string => (t ? t.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '');

export const statusText = (s: { code: number; description?: string } | undefined): string => (s ? `${s.code} ${s.description ?? ''}`.trim() : '');
