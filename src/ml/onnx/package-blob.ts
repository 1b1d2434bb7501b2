/**
 * How an uploaded package is kept: one artifact per version (decision 0036), so every API process
 * and worker can load it from the database. A header (the config as parsed, so it is checked again
 * on load, and a text model's tokenizer files) followed by the bytes of model.onnx; the upload's
 * other files are not kept. MKONNX1 (the config alone as header) is still read.
 */
import { type OnnxPackageConfig, PackageConfigError, parsePackageConfig } from './package-config.js';
import type { TokenizerFiles } from './package-tokenizer.js';

const MAGIC_V1 = Buffer.from('MKONNX1\n', 'latin1');
const MAGIC_V2 = Buffer.from('MKONNX2\n', 'latin1');

export interface StoredPackage {
  config: OnnxPackageConfig;
  model: Uint8Array;
  tokenizer?: TokenizerFiles;
}

export function encodePackage(p: StoredPackage): Uint8Array {
  const header = Buffer.from(JSON.stringify({ config: p.config, ...(p.tokenizer ? { tokenizer: p.tokenizer } : {}) }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([MAGIC_V2, length, header, p.model]);
}

function tokenizerOf(raw: unknown): TokenizerFiles | undefined {
  if (raw === undefined) return undefined;
  const t = raw as Partial<TokenizerFiles>;
  if (typeof t.json !== 'string' || (t.config !== undefined && typeof t.config !== 'string')) throw new PackageConfigError('the stored tokenizer is damaged');
  return { json: t.json, ...(t.config === undefined ? {} : { config: t.config }) };
}

export function decodePackage(bytes: Uint8Array): StoredPackage {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = b.subarray(0, MAGIC_V1.length);
  const v2 = magic.equals(MAGIC_V2);
  if (b.length < MAGIC_V1.length + 4 || !(v2 || magic.equals(MAGIC_V1))) {
    throw new PackageConfigError('the stored artifact is not an uploaded package');
  }
  const n = b.readUInt32BE(MAGIC_V1.length);
  const start = MAGIC_V1.length + 4;
  if (b.length < start + n) throw new PackageConfigError('the stored package is truncated');
  const text = b.toString('utf8', start, start + n);
  const model = b.subarray(start + n);
  if (!v2) return { config: parsePackageConfig(text), model };
  let header: { config: unknown; tokenizer?: unknown };
  try {
    header = JSON.parse(text) as typeof header;
  } catch {
    throw new PackageConfigError('the stored package header is damaged');
  }
  const tokenizer = tokenizerOf(header.tokenizer);
  return { config: parsePackageConfig(JSON.stringify(header.config)), model, ...(tokenizer ? { tokenizer } : {}) };
}

/** Bytes of a stored package that hold its config: read this many first to know them (storedConfigBytes). */
export const STORED_HEADER_BYTES = MAGIC_V1.length + 4;

/** Which format a stored package's first bytes name (both magics are as long). */
function formatOf(b: Buffer): 'v1' | 'v2' {
  const magic = b.subarray(0, MAGIC_V1.length);
  if (b.length >= STORED_HEADER_BYTES && magic.equals(MAGIC_V2)) return 'v2';
  if (b.length >= STORED_HEADER_BYTES && magic.equals(MAGIC_V1)) return 'v1';
  throw new PackageConfigError('the stored artifact is not an uploaded package');
}

/** From the first STORED_HEADER_BYTES of a stored package: how many bytes from the start hold magic, length and header. */
export function storedConfigBytes(header: Uint8Array): number {
  const b = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  formatOf(b);
  return STORED_HEADER_BYTES + b.readUInt32BE(MAGIC_V1.length);
}

/** The config of a stored package from its first storedConfigBytes bytes (the model's bytes are not needed). */
export function decodeStoredConfig(head: Uint8Array): OnnxPackageConfig {
  const end = storedConfigBytes(head);
  if (head.byteLength < end) throw new PackageConfigError('the stored package is truncated');
  return decodePackage(head.subarray(0, end)).config;
}
