import type { FieldSpec } from './types.js';

/**
 * What a FieldSpec path addresses inside a ModelVersion. Only these shapes are understood by
 * version-config; the registry refuses a catalog entry with any other path, so a typo in the
 * catalog fails at start-up rather than silently never validating.
 */

export const SECTIONS = ['output_info', 'input_info', 'train_info', 'import_info'] as const;
export type Section = (typeof SECTIONS)[number];

export type PathKind =
  | { kind: 'params'; section: Section; key: string }
  | { kind: 'output_config'; key: string }
  | { kind: 'concepts' }
  | { kind: 'base_embed_model' };

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function classifyPath(path: string): PathKind | undefined {
  if (path === 'output_info.data') return { kind: 'concepts' };
  if (path === 'input_info.base_embed_model') return { kind: 'base_embed_model' };
  const parts = path.split('.');
  if (parts.length !== 3 || !KEY.test(parts[2]!)) return undefined;
  const [head, middle, key] = parts as [string, string, string];
  if (head === 'output_info' && middle === 'output_config') return { kind: 'output_config', key };
  const section = SECTIONS.find((s) => s === head);
  return section && middle === 'params' ? { kind: 'params', section, key } : undefined;
}

/** Every spec of a list, including those nested under ENUM options (depth-first). */
export function flattenFields(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.flatMap((f) => [f, ...(f.enumOptions ?? []).flatMap((o) => flattenFields(o.fields ?? []))]);
}
