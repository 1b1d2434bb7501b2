import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { onFirstUse } from '../../runtime/on-first-use.js';
import { UsageError } from '../errors.js';

/** csv-parse, required by the first CSV manifest read, not at start-up. */
const csvParser = onFirstUse<typeof import('csv-parse/sync')>('csv-parse/sync');

/**
 * What `inputs upload` sends, read from its arguments: image and text files, folders (a file in a
 * sub-folder is labelled with that folder's name, as Clarifai's and Keras' directory datasets do),
 * CSV / JSON Lines manifests, and lines of text on stdin. Pure reading: nothing is sent from here.
 */
export interface UploadItem {
  /** Where it came from, for the summary ("photos/cat/1.jpg", "list.csv:3", "stdin:2"). */
  source: string;
  id?: string;
  text?: string;
  imageBase64?: string;
  url?: string;
  concepts: string[];
  metadata?: Record<string, unknown>;
  /** Bytes it adds to a request body (batches are kept under a size as well as a count). */
  size: number;
}

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp', '.tif', '.tiff', '.avif']);
const TEXT_EXT = new Set(['.txt', '.md']);
const MANIFEST_EXT = new Set(['.csv', '.jsonl', '.ndjson']);

export function readSources(args: readonly string[], stdinText: () => string, baseConcepts: readonly string[]): UploadItem[] {
  const items: UploadItem[] = [];
  for (const arg of args) {
    if (arg === '-') {
      stdinText()
        .split(/\r?\n/)
        .forEach((line, i) => {
          if (line.trim()) items.push(textItem(line, `stdin:${i + 1}`, []));
        });
      continue;
    }
    let st;
    try {
      st = statSync(arg);
    } catch {
      throw new UsageError(`${arg}: no such file or folder`);
    }
    if (st.isDirectory()) items.push(...readFolder(arg));
    else items.push(...readFile(arg, []));
  }
  for (const it of items) it.concepts = [...new Set([...baseConcepts, ...it.concepts])];
  return items;
}

function readFolder(root: string): UploadItem[] {
  const out: UploadItem[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const rel = path.relative(root, p);
        const parent = path.dirname(rel);
        // The immediate folder names the concept; files at the top of the folder are unlabelled.
        const concept = parent === '.' ? [] : [path.basename(parent)];
        const ext = path.extname(name).toLowerCase();
        if (IMAGE_EXT.has(ext) || TEXT_EXT.has(ext)) out.push(...readFile(p, concept));
      }
    }
  };
  walk(root);
  return out;
}

function readFile(file: string, concepts: string[]): UploadItem[] {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return readCsv(file);
  if (ext === '.jsonl' || ext === '.ndjson') return readJsonLines(file);
  if (IMAGE_EXT.has(ext)) return [imageItem(readFileSync(file), file, concepts)];
  if (TEXT_EXT.has(ext)) return [textItem(readFileSync(file, 'utf8'), file, concepts)];
  throw new UsageError(
    `${file}: not an image (${[...IMAGE_EXT].join(' ')}), a text file (${[...TEXT_EXT].join(' ')}) or a manifest (${[...MANIFEST_EXT].join(' ')})`,
  );
}

const textItem = (text: string, source: string, concepts: string[]): UploadItem => ({ source, text, concepts, size: Buffer.byteLength(text) + 64 });

function imageItem(bytes: Buffer, source: string, concepts: string[]): UploadItem {
  const b64 = bytes.toString('base64');
  return { source, imageBase64: b64, concepts, size: b64.length + 64 };
}

/** One manifest row: text, url or path (relative to the manifest), optional id, concepts, metadata. */
interface Row {
  id?: unknown;
  text?: unknown;
  url?: unknown;
  path?: unknown;
  concepts?: unknown;
  metadata?: unknown;
}

function fromRow(row: Row, source: string, dir: string): UploadItem {
  const bad = (why: string) => new UsageError(`${source}: ${why}`);
  const concepts = Array.isArray(row.concepts)
    ? row.concepts.map(String)
    : typeof row.concepts === 'string'
      ? row.concepts
          .split(/[;|]/)
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  let metadata: Record<string, unknown> | undefined;
  if (typeof row.metadata === 'string' && row.metadata.trim()) {
    try {
      metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    } catch {
      throw bad('metadata is not JSON');
    }
  } else if (row.metadata && typeof row.metadata === 'object') metadata = row.metadata as Record<string, unknown>;
  if (metadata !== undefined && (typeof metadata !== 'object' || Array.isArray(metadata) || metadata === null)) throw bad('metadata must be a JSON object');
  const given = [row.text, row.url, row.path].filter((v) => typeof v === 'string' && v !== '').length;
  if (given !== 1) throw bad('give exactly one of text, url or path');
  let item: UploadItem;
  if (typeof row.text === 'string' && row.text) item = textItem(row.text, source, concepts);
  else if (typeof row.url === 'string' && row.url) {
    if (!/^https?:\/\//.test(row.url)) throw bad(`url must be http(s) (got ${JSON.stringify(row.url)})`);
    item = { source, url: row.url, concepts, size: row.url.length + 64 };
  } else {
    const p = path.resolve(dir, String(row.path));
    let bytes: Buffer;
    try {
      bytes = readFileSync(p);
    } catch {
      throw bad(`cannot read ${p}`);
    }
    item = TEXT_EXT.has(path.extname(p).toLowerCase()) ? textItem(bytes.toString('utf8'), source, concepts) : imageItem(bytes, source, concepts);
  }
  if (typeof row.id === 'string' && row.id) item.id = row.id;
  if (metadata) item.metadata = metadata;
  return item;
}

function readCsv(file: string): UploadItem[] {
  let rows: Row[];
  try {
    rows = csvParser().parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Row[];
  } catch (e) {
    throw new UsageError(`${file}: not a CSV with a header row (${(e as Error).message})`);
  }
  return rows.map((r, i) => fromRow(r, `${file}:${i + 2}`, path.dirname(file)));
}

function readJsonLines(file: string): UploadItem[] {
  const out: UploadItem[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new UsageError(`${file}:${i + 1}: not JSON`);
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new UsageError(`${file}:${i + 1}: each line must be a JSON object`);
      out.push(fromRow(row as Row, `${file}:${i + 1}`, path.dirname(file)));
    });
  return out;
}

/** A stable id from the content and labels: the same file uploaded again gets the same id (--skip-existing). */
export function contentId(it: UploadItem): string {
  const h = createHash('sha256');
  h.update(it.text ?? it.imageBase64 ?? it.url ?? '');
  h.update('\0');
  h.update(it.concepts.join(','));
  return h.digest('hex').slice(0, 32);
}

/** Splits into request batches of at most `max` inputs and about `maxBytes` of body. */
export function batches<T extends { size: number }>(items: readonly T[], max: number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const it of items) {
    if (cur.length > 0 && (cur.length >= max || bytes + it.size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += it.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The PostInputs JSON of one item (concepts as positives). */
export function toApiInput(it: UploadItem): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (it.text !== undefined) data.text = { raw: it.text };
  else if (it.imageBase64 !== undefined) data.image = { base64: it.imageBase64 };
  else if (it.url !== undefined) data.image = { url: it.url };
  if (it.concepts.length) data.concepts = it.concepts.map((id) => ({ id, value: 1 }));
  if (it.metadata) data.metadata = it.metadata;
  return { ...(it.id ? { id: it.id } : {}), data };
}
