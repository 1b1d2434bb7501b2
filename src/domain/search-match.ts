// What a search plan selects and how it scores (decision 0032). Pure, so the brute-force reference
// in the tests and the service run the same rule.
import type { GeoPoint, Input, NamedLabel } from './inputs.js';
import { isJsonObject, type JsonValue } from './json.js';
import type { ConceptCondition, GeoCondition, InputFilter } from './search-query.js';

/** `want` is contained in `have`: objects key by key (recursively), everything else equal as JSON. */
export function containsJson(have: JsonValue | undefined, want: JsonValue): boolean {
  if (isJsonObject(want)) {
    if (!isJsonObject(have)) return false;
    return Object.entries(want).every(([k, v]) => containsJson(have[k], v));
  }
  return JSON.stringify(have) === JSON.stringify(want);
}

function hasConcept(labels: readonly NamedLabel[], c: ConceptCondition): boolean {
  return labels.some((l) => (c.id === undefined || l.id === c.id) && (c.name === undefined || l.name === c.name) && l.value > 0 === c.positive);
}

const RAD = Math.PI / 180;

/** Great-circle angle between two points in degrees (haversine), in radians. */
export function angleBetween(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.latitude - a.latitude) * RAD;
  const dLon = (b.longitude - a.longitude) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * RAD) * Math.cos(b.latitude * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** An input without a geo point is never within a geo condition. */
function withinGeo(p: GeoPoint | null, g: GeoCondition): boolean {
  if (!p) return false;
  if (g.within === 'box') return p.longitude >= g.minLon && p.longitude <= g.maxLon && p.latitude >= g.minLat && p.latitude <= g.maxLat;
  return angleBetween(p, g) <= g.radians;
}

/**
 * Every condition the filter sets holds; negate flips the whole filter. Concept conditions look at
 * `labels`: all of the input's (input search), or one annotation's (annotation search, where every
 * filter must hold for the same annotation).
 */
export function matchesFilter(input: Input, f: InputFilter, labels: readonly NamedLabel[] = input.concepts): boolean {
  const holds =
    f.concepts.every((c) => hasConcept(labels, c)) &&
    // Clarifai: "metadata key&value fields are OR-ed" — any one top-level key matching is enough.
    (f.metadata === undefined || Object.entries(f.metadata).some(([k, v]) => containsJson(input.metadata[k], v))) &&
    (f.kind === undefined || input.kind === f.kind) &&
    (f.datasetIds === undefined || f.datasetIds.some((d) => input.datasetIds.includes(d))) &&
    (f.inputIds === undefined || f.inputIds.includes(input.id)) &&
    (f.statusCode === undefined || input.status.code === f.statusCode) &&
    (f.geo === undefined || withinGeo(input.geo, f.geo));
  return f.negate ? !holds : holds;
}

export const matchesAll = (input: Input, filters: readonly InputFilter[], labels: readonly NamedLabel[] = input.concepts): boolean =>
  filters.every((f) => matchesFilter(input, f, labels));

export { dotRow, type Ranked, rankRows, rankTop, type Scored, scoreOfCosine } from './search-rank.js';
