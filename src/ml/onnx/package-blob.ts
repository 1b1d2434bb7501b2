/**
 * How an uploaded package is kept: one artifact per version (decision 0036), so every API process
 * and worker can load it from the database. The config (as parsed, so it is checked again on load)
 * followed by the bytes of model.onnx; the upload's other files are not kept.
 */
import { type OnnxPackageConfig, PackageConfigError, parsePackageConfig } from './package-config.js';

const MAGIC = Buffer.from('MKONNX1\n', 'latin1');

export interface StoredPackage {
  config: OnnxPackageConfig;
  model: Uint8Array;
}

export function encodePackage(p: StoredPackage): Uint8Array {
  const config = Buffer.from(JSON.stringify(p.config), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(config.length);
  return Buffer.concat([MAGIC, length, config, p.model]);
}

export function decodePackage(bytes: Uint8Array): StoredPackage {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < MAGIC.length + 4 || !b.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new PackageConfigError('the stored artifact is not an uploaded package');
  }
  const n = b.readUInt32BE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (b.length < start + n) throw new PackageConfigError('the stored package is truncated');
  return { config: parsePackageConfig(b.toString('utf8', start, start + n)), model: b.subarray(start + n) };
}

/** Bytes of a stored package that hold its config: read this many first to know them (storedConfigBytes). */
export const STORED_HEADER_BYTES = MAGIC.length + 4;

/** From the first STORED_HEADER_BYTES of a stored package: how many bytes from the start hold magic, length and config. */
export function storedConfigBytes(header: Uint8Array): number {
  const b = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  if (b.length < STORED_HEADER_BYTES || !b.subarray(0, MAGIC.length).equals(MAGIC))
    throw new PackageConfigError('the stored artifact is not an uploaded package');
  return STORED_HEADER_BYTES + b.readUInt32BE(MAGIC.length);
}

/** The config of a stored package from its first storedConfigBytes bytes (the model's bytes are not needed). */
export function decodeStoredConfig(head: Uint8Array): OnnxPackageConfig {
  const end = storedConfigBytes(head);
  if (head.byteLength < end) throw new PackageConfigError('the stored package is truncated');
  return parsePackageConfig(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8', STORED_HEADER_BYTES, end));
}
