/** Model packages for tests (decision 0036): a .zip (yazl) or a .tar.gz (tar-stream) of given files. */
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import yazl from 'yazl';

export type PackageEntries = Record<string, Uint8Array | string>;

const bytesOf = (v: Uint8Array | string): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v));

export function zipPackage(entries: PackageEntries): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) zip.addBuffer(bytesOf(data), name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** Entries may be given any name, `../escape` included: tar-stream writes what it is told. */
export function tarGzPackage(entries: PackageEntries, extra: Partial<tar.Header>[] = []): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, data] of Object.entries(entries)) pack.entry({ name }, bytesOf(data));
  for (const h of extra) pack.entry(h as tar.Header);
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(gzipSync(Buffer.concat(chunks))));
    pack.on('error', reject);
  });
}

export async function writePackage(path: string, bytes: Uint8Array): Promise<string> {
  await writeFile(path, bytes);
  return path;
}

/** The config.json of a linear head: `size` numbers in, concept scores out. */
export function headConfig(size: number, concepts: string[], activation: 'softmax' | 'sigmoid' | 'raw' = 'softmax'): string {
  return JSON.stringify({ input: { kind: 'embedding', name: 'x', size }, output: { kind: 'concepts', name: 'y', concepts, activation } });
}

/**
 * A BERT-style WordPiece tokenizer.json (lower-casing, [CLS] … [SEP]) over the given words, written
 * here so tests need no downloaded files. Ids: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, then `words` in order.
 */
export function wordPieceTokenizer(words: string[]): string {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
  const vocab = Object.fromEntries([...specials, ...words].map((w, i) => [w, i]));
  const added = specials.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  });
}
