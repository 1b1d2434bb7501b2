// What a search plan selects and how it scores (decision 0032). Pure, so the brute-force reference
// in the tests and the service run the same rule.
import type { Input } from './inputs.js';
import { isJsonObject, type JsonValue } from './json.js';
import type { ConceptCondition, InputFilter } from './search-query.js';

/** `want` is contained in `have`: objects key by key (recursively), everything else equal as JSON. */
export function containsJson(have: JsonValue | undefined, want: JsonValue): boolean {
  if (isJsonObject(want)) {
    if (!isJsonObject(have)) return false;
    return Object.entries(want).every(([k, v]) => containsJson(have[k], v));
  }
  return JSON.stringify(have) === JSON.stringify(want);
}

function hasConcept(input: Input, c: ConceptCondition): boolean {
  return input.concepts.some((l) => (c.id === undefined || l.id === c.id) && (c.name === undefined || l.name === c.name) && (l.value > 0) === c.positive);
}

/** Every condition the filter sets holds; negate flips the whole filter. */
export function matchesFilter(input: Input, f: InputFilter): boolean {
  const holds =
    f.concepts.every((c) => hasConcept(input, c)) &&
    // Clarifai: "metadata key&value fields are OR-ed" — any one top-level key matching is enough.
    (f.metadata === undefined || Object.entries(f.metadata).some(([k, v]) => containsJson(input.metadata[k], v))) &&
    (f.kind === undefined || input.kind === f.kind) &&
    (f.datasetIds === undefined || f.datasetIds.some((d) => input.datasetIds.includes(d))) &&
    (f.inputIds === undefined || f.inputIds.includes(input.id)) &&
    (f.statusCode === undefined || input.status.code === f.statusCode);
  return f.negate ? !holds : holds;
}

export const matchesAll = (input: Input, filters: readonly InputFilter[]): boolean => filters.every((f) => matchesFilter(input, f));

/**
 * Hit score from the cosine of two L2-normalised vectors: (1 + cos) / 2, in [0, 1]. Clarifai's Hit.score
 * is "between 0.0 and 1.0" with 0.5 meaning "not correlated" — exactly cosine 0 here; identical is 1.
 */
export const scoreOfCosine = (cos: number): number => Math.min(1, Math.max(0, (1 + cos) / 2));

/** Dot product of `q` with row `row` of a row-major matrix of `q.length` columns. */
export function dotRow(matrix: Float32Array, row: number, q: Float32Array): number {
  const dim = q.length;
  const base = row * dim;
  let s = 0;
  for (let j = 0; j < dim; j++) s += matrix[base + j]! * q[j]!;
  return s;
}

export interface Scored {
  index: number;
  score: number;
}

/**
 * Exact ranking: the score of each listed row of `matrix` (rows are L2-normalised vectors of
 * `q.length` columns) against `q`, best first, ties by `tieKey` ascending so pages are stable. Rows
 * scoring under `minValue` are dropped. `index` in the result is the row's position in `rows`.
 */
export function rankRows(matrix: Float32Array, rows: readonly number[], q: Float32Array, tieKey: (i: number) => string, minValue = 0): Scored[] {
  const out: Scored[] = [];
  for (let i = 0; i < rows.length; i++) {
    const score = scoreOfCosine(dotRow(matrix, rows[i]!, q));
    if (score >= minValue) out.push({ index: i, score });
  }
  return out.sort((a, b) => b.score - a.score || (tieKey(a.index) < tieKey(b.index) ? -1 : tieKey(a.index) > tieKey(b.index) ? 1 : 0));
}
