/**
 * An exported version as a package our upload takes (decision 0041): a zip with `model.onnx` and a
 * `config.json` in the format of decision 0036, so the same file can be uploaded to another modelkeep
 * or opened by any onnxruntime.
 */
import yazl from 'yazl';
import type { OnnxPackageConfig } from './package-config.js';

export const EXPORT_MODEL_FILE = 'model.onnx';
export const EXPORT_CONFIG_FILE = 'config.json';

/** A fixed time for every entry, so one version always exports to the same bytes. */
const ENTRY_TIME = new Date(Date.UTC(2000, 0, 1));

export function zipPackage(model: Uint8Array, config: OnnxPackageConfig): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(config, null, 2), 'utf8'), EXPORT_CONFIG_FILE, { mtime: ENTRY_TIME });
  zip.addBuffer(Buffer.from(model.buffer, model.byteOffset, model.byteLength), EXPORT_MODEL_FILE, { mtime: ENTRY_TIME });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
