/**
 * An exported version as a package our upload takes (decision 0041): a zip with `model.onnx` and a
 * `config.json` in the format of decision 0036, so the same file can be uploaded to another modelkeep
 * or opened by any onnxruntime.
 */
import { zipFiles } from '../../runtime/zip.js';
import type { OnnxPackageConfig } from './package-config.js';

export const EXPORT_MODEL_FILE = 'model.onnx';
export const EXPORT_CONFIG_FILE = 'config.json';

export function zipPackage(model: Uint8Array, config: OnnxPackageConfig): Promise<Buffer> {
  return zipFiles([
    { name: EXPORT_CONFIG_FILE, bytes: Buffer.from(JSON.stringify(config, null, 2), 'utf8') },
    { name: EXPORT_MODEL_FILE, bytes: model },
  ]);
}
