/**
 * The tokenizer of an uploaded text model (decision 0036): the package's Hugging Face `tokenizer.json`
 * (and `tokenizer_config.json` when present), read by @huggingface/tokenizers — the same files the
 * model was exported with, so the ids are those it was trained on. Texts longer than
 * `input.max_length` tokens keep their first max_length tokens.
 */
import type { Tokenizer } from '@huggingface/tokenizers';
import { JsonCodecError } from '../../proto/codec-error.js';
import { checkJson } from '../../proto/json-guard.js';
import { PackageConfigError } from './package-config.js';

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

/** The tokenizer files as kept with the version. */
export interface TokenizerFiles {
  json: string;
  config?: string;
}

export interface TextTokenizer {
  /** The text's token ids (special tokens included), at most `maxLength` of them. */
  ids(text: string): Int32Array;
}

function parseFile(text: string, name: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PackageConfigError(`${name} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PackageConfigError(`${name} must be a JSON object`);
  try {
    checkJson(raw, name);
  } catch (e) {
    if (e instanceof JsonCodecError) throw new PackageConfigError(e.message);
    throw e;
  }
  return raw as Record<string, unknown>;
}

/**
 * Builds the tokenizer and encodes a probe text, so a tokenizer that cannot work fails the check, not a
 * prediction. @huggingface/tokenizers is imported by the first text package, not at start-up.
 */
export async function loadTokenizer(files: TokenizerFiles, maxLength: number): Promise<TextTokenizer> {
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const json = parseFile(files.json, TOKENIZER_FILE);
  const config = files.config === undefined ? {} : parseFile(files.config, TOKENIZER_CONFIG_FILE);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
    tokenizer.encode('probe');
  } catch (e) {
    throw new PackageConfigError(`${TOKENIZER_FILE} cannot be used: ${(e as Error).message.split('\n')[0]}`);
  }
  return {
    ids(text: string): Int32Array {
      const ids = tokenizer.encode(text).ids;
      return Int32Array.from(ids.length > maxLength ? ids.slice(0, maxLength) : ids);
    },
  };
}
