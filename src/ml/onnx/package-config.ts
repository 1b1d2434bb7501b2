/**
 * The `config.json` (or `config.yaml`) of an uploaded ONNX package (decision 0036): what the graph takes and gives.
 * Every rule about the config lives here, so the upload path and the predict path read one shape.
 * Errors are sentences a user can act on; the caller turns them into a Clarifai status.
 */
import { JsonCodecError } from '../../proto/codec-error.js';
import { checkJson } from '../../proto/json-guard.js';
import { onFirstUse } from '../../runtime/on-first-use.js';

/** Which embedder's vectors a package that takes an embedding was made for (as input_info.base_embed_model names one). */
export interface BaseEmbedModelRef {
  user_id: string;
  app_id: string;
  id: string;
}

export type OnnxInputConfig =
  | { kind: 'embedding'; name: string; size: number; base_embed_model?: BaseEmbedModelRef }
  | {
      /** Token ids from the package's tokenizer.json ([N, L] int64), with the mask and type ids where the graph takes them. */
      kind: 'text';
      name: string;
      // snake_case as in the config file: the parsed config is what is stored, and parsed again on load.
      attention_mask?: string;
      token_type_ids?: string;
      /** Longest token sequence fed (longer texts are cut to their first max_length tokens). */
      max_length: number;
      /** `longest`: a batch is padded to its longest text; `max_length`: always to max_length (graphs with a fixed length). */
      padding: 'longest' | 'max_length';
      pad_id: number;
    }
  | {
      kind: 'image';
      name: string;
      width: number;
      height: number;
      layout: 'NCHW' | 'NHWC';
      channels: 'RGB' | 'BGR';
      mean: [number, number, number];
      std: [number, number, number];
    };

export type OnnxOutputConfig =
  | { kind: 'concepts'; name: string; concepts: string[]; activation: 'softmax' | 'sigmoid' | 'raw' }
  | { kind: 'embedding'; name: string; size: number };

export interface OnnxPackageConfig {
  input: OnnxInputConfig;
  output: OnnxOutputConfig;
}

export class PackageConfigError extends Error {}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw new PackageConfigError(`${where}.${key} must be a non-empty string`);
  return v;
}

function positiveInt(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new PackageConfigError(`${where}.${key} must be a positive integer`);
  return v;
}

function oneOf<T extends string>(o: Json, key: string, where: string, allowed: readonly T[], fallback: T): T {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new PackageConfigError(`${where}.${key} must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function optionalStr(o: Json, key: string, where: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, where);
}

function nonNegativeInt(o: Json, key: string, where: string, fallback: number): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new PackageConfigError(`${where}.${key} must be a whole number ≥ 0`);
  return v;
}

/** Longest max_length taken: a transformer's usual limits are 512–8192 tokens. */
export const MAX_TOKENS = 8192;

function triple(o: Json, key: string, where: string, fallback: [number, number, number]): [number, number, number] {
  const v = o[key];
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new PackageConfigError(`${where}.${key} must be three finite numbers`);
  }
  return [v[0], v[1], v[2]];
}

/** `input.base_embed_model`: the embedder whose vectors the graph takes (an exported version names the one it was trained on). */
function parseBaseRef(raw: unknown): BaseEmbedModelRef {
  const where = 'input.base_embed_model';
  if (!isObject(raw)) throw new PackageConfigError(`${where} must be an object with user_id, app_id and id (the embedder's)`);
  return { user_id: str(raw, 'user_id', where), app_id: str(raw, 'app_id', where), id: str(raw, 'id', where) };
}

function parseInput(raw: unknown): OnnxInputConfig {
  if (!isObject(raw)) throw new PackageConfigError('input must be an object with a kind (embedding, image or text)');
  const kind = raw.kind;
  if (kind === 'embedding') {
    const base = raw.base_embed_model === undefined ? undefined : parseBaseRef(raw.base_embed_model);
    return { kind, name: str(raw, 'name', 'input'), size: positiveInt(raw, 'size', 'input'), ...(base ? { base_embed_model: base } : {}) };
  }
  if (kind === 'image') {
    const std = triple(raw, 'std', 'input', [1, 1, 1]);
    if (std.some((s) => s === 0)) throw new PackageConfigError('input.std must not contain 0');
    return {
      kind,
      name: str(raw, 'name', 'input'),
      width: positiveInt(raw, 'width', 'input'),
      height: positiveInt(raw, 'height', 'input'),
      layout: oneOf(raw, 'layout', 'input', ['NCHW', 'NHWC'] as const, 'NCHW'),
      channels: oneOf(raw, 'channels', 'input', ['RGB', 'BGR'] as const, 'RGB'),
      mean: triple(raw, 'mean', 'input', [0, 0, 0]),
      std,
    };
  }
  if (kind === 'text') {
    const max_length = raw.max_length === undefined ? 128 : positiveInt(raw, 'max_length', 'input');
    if (max_length > MAX_TOKENS) throw new PackageConfigError(`input.max_length must be at most ${MAX_TOKENS}`);
    const attention_mask = optionalStr(raw, 'attention_mask', 'input');
    const token_type_ids = optionalStr(raw, 'token_type_ids', 'input');
    return {
      kind,
      name: str(raw, 'name', 'input'),
      ...(attention_mask ? { attention_mask } : {}),
      ...(token_type_ids ? { token_type_ids } : {}),
      max_length,
      padding: oneOf(raw, 'padding', 'input', ['longest', 'max_length'] as const, 'longest'),
      pad_id: nonNegativeInt(raw, 'pad_id', 'input', 0),
    };
  }
  throw new PackageConfigError('input.kind must be embedding, image or text');
}

function parseOutput(raw: unknown): OnnxOutputConfig {
  if (!isObject(raw)) throw new PackageConfigError('output must be an object with a kind (concepts or embedding)');
  const kind = raw.kind;
  if (kind === 'embedding') return { kind, name: str(raw, 'name', 'output'), size: positiveInt(raw, 'size', 'output') };
  if (kind === 'concepts') {
    const concepts = raw.concepts;
    if (!Array.isArray(concepts) || concepts.length === 0 || !concepts.every((c) => typeof c === 'string' && c.length > 0)) {
      throw new PackageConfigError('output.concepts must be a non-empty list of concept ids, in the order of the graph output');
    }
    if (new Set(concepts).size !== concepts.length) throw new PackageConfigError('output.concepts must not repeat a concept id');
    return {
      kind,
      name: str(raw, 'name', 'output'),
      concepts: concepts as string[],
      activation: oneOf(raw, 'activation', 'output', ['softmax', 'sigmoid', 'raw'] as const, 'raw'),
    };
  }
  throw new PackageConfigError('output.kind must be concepts or embedding');
}

/** The YAML parser, required by the first config.yaml (stored packages keep JSON), not at start-up. */
const yamlParser = onFirstUse<typeof import('yaml')>('yaml');

/** Parses the text of `config.json` or `config.yaml` (by `fileName`). */
export function parsePackageConfig(text: string, fileName = 'config.json'): OnnxPackageConfig {
  const yaml = fileName.endsWith('.yaml') || fileName.endsWith('.yml');
  let raw: unknown;
  try {
    // YAML: one document, no custom tags; aliases are capped by the library (no "billion laughs").
    raw = yaml ? yamlParser().parse(text, { maxAliasCount: 100, uniqueKeys: true }) : JSON.parse(text);
  } catch (e) {
    throw new PackageConfigError(`${fileName} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(raw)) throw new PackageConfigError(`${fileName} must be ${yaml ? 'a YAML mapping' : 'a JSON object'} with input and output`);
  try {
    checkJson(raw, fileName);
  } catch (e) {
    if (e instanceof JsonCodecError) throw new PackageConfigError(e.message);
    throw e;
  }
  return { input: parseInput(raw.input), output: parseOutput(raw.output) };
}

/** How many numbers the graph's output must give per input, per the config. */
export function declaredOutputSize(out: OnnxOutputConfig): number {
  return out.kind === 'concepts' ? out.concepts.length : out.size;
}
