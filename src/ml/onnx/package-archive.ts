/**
 * Reads an uploaded model package (decision 0036): a `.zip` or a `.tar.gz` holding `model.onnx` and
 * `config.json` or `config.yaml` at its root (and, for a model that takes text, `tokenizer.json` with an
 * optional `tokenizer_config.json`). Only those files are read into memory, each bounded by
 * `maxBytes`; every other entry is skipped unread. The package stays a file on disk throughout, so a
 * 1 GiB upload is never held whole while it is checked.
 */

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type yauzl from 'yauzl';
import { type OnnxPackageConfig, PackageConfigError, parsePackageConfig } from './package-config.js';
import { TOKENIZER_CONFIG_FILE, TOKENIZER_FILE, type TokenizerFiles } from './package-tokenizer.js';

/** A package that cannot be a model version: its message says what to change, and it becomes the refusal's details. */
export class PackageArchiveError extends Error {}

export interface PackageFiles {
  config: OnnxPackageConfig;
  /** The bytes of model.onnx. */
  model: Uint8Array;
  /** tokenizer.json (and tokenizer_config.json) of a model that takes text. */
  tokenizer?: TokenizerFiles;
}

export const MODEL_FILE = 'model.onnx';
const CONFIG_FILES = ['config.json', 'config.yaml', 'config.yml'] as const;
type Wanted = typeof MODEL_FILE | (typeof CONFIG_FILES)[number] | typeof TOKENIZER_FILE | typeof TOKENIZER_CONFIG_FILE;
const WANTED: ReadonlySet<string> = new Set<string>([MODEL_FILE, ...CONFIG_FILES, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE]);

/**
 * An entry's path inside the package, without leading `./` (what `tar -C dir .` writes), or a
 * PackageArchiveError when it could leave the package: absolute, a drive letter, a backslash, a `..`
 * segment. Checked for every entry, read or not, so a package that tries is refused whole.
 */
export function entryPath(name: string): string {
  if (name.includes('\\') || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\0')) {
    throw new PackageArchiveError(`the package holds the path '${name}', which is not relative to the package; pack the files with relative paths`);
  }
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new PackageArchiveError(`the package holds the path '${name}', which leaves the package; remove it`);
  return segments.join('/');
}

/** The package's kind, from its first bytes (the file name is the client's to choose). */
export function packageKind(head: Uint8Array): 'zip' | 'tar.gz' | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  return undefined;
}

/** Collects the entries the package is made of, bounded in bytes. */
class Collector {
  readonly files = new Map<Wanted, Uint8Array>();
  readonly seen: string[] = [];
  #bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The name an entry is kept under, or undefined to skip it. Throws for a path that escapes or repeats. */
  want(name: string, isFile: boolean): Wanted | undefined {
    const p = entryPath(name);
    if (p === '' || !isFile) return undefined;
    if (this.seen.length < 20) this.seen.push(p);
    if (!WANTED.has(p)) return undefined;
    if (this.files.has(p as Wanted)) throw new PackageArchiveError(`the package holds '${p}' twice; keep one`);
    return p as Wanted;
  }

  async read(name: Wanted, stream: AsyncIterable<Buffer> & { destroy(): void }): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      this.#bytes += chunk.length;
      if (this.#bytes > this.maxBytes) {
        stream.destroy();
        throw new PackageArchiveError(
          `the package's ${name} unpacks to more than ${this.maxBytes} bytes (MODELKEEP_MAX_MODEL_BYTES); upload a smaller model or raise the limit`,
        );
      }
      chunks.push(chunk);
    }
    this.files.set(name, Buffer.concat(chunks));
  }
}

// The archive readers (yauzl, tar-stream) are imported by the first upload, not at start-up.
async function readZip(file: string, into: Collector): Promise<void> {
  const { default: yauzl } = await import('yauzl');
  let zip: yauzl.ZipFile;
  try {
    // strictFileNames: a backslash is an error, not a separator; validateEntrySizes: sizes must match what the entry says (no zip bombs).
    zip = await yauzl.openPromise(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true, decodeStrings: true });
  } catch (e) {
    throw new PackageArchiveError(`the package is not a readable .zip: ${(e as Error).message}`);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const name = into.want(entry.fileName, !entry.fileName.endsWith('/'));
      if (!name) continue;
      if (entry.uncompressedSize > Number.MAX_SAFE_INTEGER) throw new PackageArchiveError(`the package's ${name} is too large`);
      await into.read(name, await zip.openReadStreamPromise(entry));
    }
  } catch (e) {
    if (e instanceof PackageArchiveError) throw e;
    // yauzl's own checks: "invalid relative path", a corrupt entry, sizes that do not match.
    throw new PackageArchiveError(`the package is not a readable .zip: ${(e as Error).message}`);
  } finally {
    zip.close();
  }
}

async function readTarGz(file: string, into: Collector): Promise<void> {
  const tar = await import('tar-stream');
  return new Promise((resolve, reject) => {
    const source = createReadStream(file);
    const gunzip = createGunzip();
    const extract = tar.extract();
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      source.destroy();
      gunzip.destroy();
      extract.destroy();
      reject(e instanceof PackageArchiveError ? e : new PackageArchiveError(`the package is not a readable .tar.gz: ${(e as Error).message}`));
    };
    extract.on('entry', (header, stream, next) => {
      let name: Wanted | undefined;
      try {
        name = into.want(header.name, header.type === 'file' || header.type === 'contiguous-file');
      } catch (e) {
        fail(e);
        return;
      }
      if (!name) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      into.read(name, stream as unknown as AsyncIterable<Buffer> & { destroy(): void }).then(() => next(), fail);
    });
    extract.on('finish', () => {
      if (!failed) resolve();
    });
    source.on('error', fail);
    gunzip.on('error', fail);
    extract.on('error', fail);
    source.pipe(gunzip).pipe(extract);
  });
}

/** Reads and checks the package at `file`; throws a PackageArchiveError (or PackageConfigError) saying what is wrong. */
export async function readPackage(file: string, maxBytes: number): Promise<PackageFiles> {
  const fh = await open(file, 'r');
  const head = new Uint8Array(4);
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  const kind = packageKind(head);
  if (!kind) throw new PackageArchiveError('the package must be a .zip or a .tar.gz holding model.onnx and config.json (its first bytes are neither)');
  const into = new Collector(maxBytes);
  await (kind === 'zip' ? readZip(file, into) : readTarGz(file, into));
  const model = into.files.get(MODEL_FILE);
  const configs = CONFIG_FILES.filter((n) => into.files.has(n));
  if (!model) {
    const found = into.seen.length > 0 ? `; it holds ${into.seen.join(', ')}` : '; it is empty';
    throw new PackageArchiveError(`the package has no ${MODEL_FILE} at its root${found}`);
  }
  if (configs.length === 0) throw new PackageArchiveError('the package has no config.json (or config.yaml) at its root saying what the model takes and gives');
  if (configs.length > 1) throw new PackageArchiveError(`the package has ${configs.join(' and ')}; keep one`);
  const configName = configs[0]!;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const textOf = (name: Wanted): string | undefined => {
    const bytes = into.files.get(name);
    if (!bytes) return undefined;
    try {
      return utf8.decode(bytes);
    } catch {
      throw new PackageConfigError(`${name} is not UTF-8 text`);
    }
  };
  const config = parsePackageConfig(textOf(configName)!, configName);
  if (config.input.kind !== 'text') return { config, model };
  const json = textOf(TOKENIZER_FILE);
  if (json === undefined) {
    throw new PackageArchiveError(`config.input.kind is text, so the package needs the model's ${TOKENIZER_FILE} (Hugging Face format) at its root`);
  }
  const tokenizerConfig = textOf(TOKENIZER_CONFIG_FILE);
  return { config, model, tokenizer: { json, ...(tokenizerConfig === undefined ? {} : { config: tokenizerConfig }) } };
}
