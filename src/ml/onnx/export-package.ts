/**
 * An exported version as a package our upload takes (decision 0041): a zip with `model.onnx` and a
 * `config.json` in the format of decision 0036, so the same file can be uploaded to another modelkeep
 * or opened by any onnxruntime.
 */
import { zipFiles } from '../../runtime/zip.js';
import type { OnnxPackageConfig } from './package-config.js';
import { TOKENIZER_CONFIG_FILE, TOKENIZER_FILE, type TokenizerFiles } from './package-tokenizer.js';

export const EXPORT_MODEL_FILE = 'model.onnx';
export const EXPORT_CONFIG_FILE = 'config.json';

/** With `tokenizer` (a model that takes text), its tokenizer.json and tokenizer_config.json go along. */
export function zipPackage(model: Uint8Array, config: OnnxPackageConfig, tokenizer?: TokenizerFiles): Promise<Buffer> {
  const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
  return zipFiles([
    { name: EXPORT_CONFIG_FILE, bytes: utf8(JSON.stringify(config, null, 2)) },
    { name: EXPORT_MODEL_FILE, bytes: model },
    ...(tokenizer ? [{ name: TOKENIZER_FILE, bytes: utf8(tokenizer.json) }] : []),
    ...(tokenizer?.config !== undefined ? [{ name: TOKENIZER_CONFIG_FILE, bytes: utf8(tokenizer.config) }] : []),
  ]);
}
