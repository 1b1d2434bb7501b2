// PostInputsSearches / PostSearches requests -> a search plan (decision 0032). Pure: every accepted
// and refused shape is table-tested. What modelkeep cannot answer exactly (geo, predicted concepts,
// several ranks, negated ranks) is refused by name with 40002, never silently dropped.
import { ApiError } from './errors.js';
import type { InputKind } from './inputs.js';
import { isJsonObject, type JsonObject } from './json.js';
import { checkCount, checkLength, MAX_SEARCH_QUERY_TEXT_CHARS } from './limits.js';
import { Code } from './status-codes.js';

/** One concept condition: the input carries a label of this concept (by id or name) with this value. */
export interface ConceptCondition {
  id?: string;
  name?: string;
  /** true: labelled positive (value 1); false: labelled negative (value 0). */
  positive: boolean;
}

/** One Filter: every condition set must hold; `negate` flips the whole filter. */
export interface InputFilter {
  negate: boolean;
  concepts: ConceptCondition[];
  /** Sub-object match; the top-level keys are OR-ed, as Clarifai documents for data.metadata.fields. */
  metadata?: JsonObject;
  kind?: InputKind;
  /** The input belongs to any of these datasets. */
  datasetIds?: string[];
  inputIds?: string[];
  statusCode?: number;
  geo?: GeoCondition;
}

/** `data.geo` of a filter: within a distance of a point, or inside a box of two corners. */
export type GeoCondition =
  | { within: 'radius'; longitude: number; latitude: number; radians: number }
  | { within: 'box'; minLon: number; maxLon: number; minLat: number; maxLat: number };

/** GeoLimit.type -> radians per unit (Earth radius 6,371 km, as great-circle distances). */
const GEO_UNITS: Record<string, number> = { withinMiles: 1.609344 / 6371, withinKilometers: 1 / 6371, withinRadians: 1, withinDegrees: Math.PI / 180 };

export type RankTarget =
  | { by: 'text'; text: string }
  | { by: 'image-bytes'; base64: string }
  | { by: 'image-url'; url: string }
  | { by: 'input'; inputId: string };

export interface SearchPlan {
  filters: InputFilter[];
  rank?: RankTarget;
  /** Hits scoring below this are left out (Search.min_value). */
  minValue: number;
  /** Search.algorithm 'brute_force': the exact scan, whatever MODELKEEP_SEARCH_INDEX says (decision 0042). */
  bruteForce?: boolean;
}

type Raw = Record<string, unknown>;

const bad = (details: string): ApiError => new ApiError(Code.SEARCH_INVALID_REQUEST, details);

/** A field counts as sent unless it is proto3's default (absent, '', 0, false, []); {} is sent (type filters use it). */
const sent = (v: unknown): boolean => v !== undefined && v !== null && v !== '' && v !== 0 && v !== false && !(Array.isArray(v) && v.length === 0);

function only(o: Raw, allowed: readonly string[], path: string, hint: string): void {
  for (const [k, v] of Object.entries(o)) {
    if (!allowed.includes(k) && sent(v)) throw bad(`${path}.${k} is not supported by modelkeep search; ${hint}`);
  }
}

const asRaw = (v: unknown, path: string): Raw => {
  if (!isJsonObject(v)) throw bad(`${path} must be an object.`);
  return v as Raw;
};

const FILTER_DATA_HINT = 'filter on data.concepts, data.metadata, data.geo, data.image {} or data.text {} (input type).';

function geoPoint(raw: unknown, path: string): { longitude: number; latitude: number } {
  const p = asRaw(raw ?? {}, path);
  only(p, ['longitude', 'latitude'], path, 'a geo point has longitude and latitude in degrees.');
  const coord = (k: 'longitude' | 'latitude', max: number): number => {
    const v = p[k] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > max) throw bad(`${path}.${k} must be a number of degrees from -${max} to ${max}.`);
    return v;
  };
  return { longitude: coord('longitude', 180), latitude: coord('latitude', 90) };
}

/** `data.geo`: geo_point with geo_limit {type, value}, or geo_box of two geo_points (any two opposite corners). */
function geoCondition(raw: unknown, path: string): GeoCondition {
  const g = asRaw(raw, path);
  only(g, ['geo_point', 'geo_limit', 'geo_box'], path, 'filter by geo_point with geo_limit, or by geo_box.');
  if (sent(g.geo_box)) {
    if (sent(g.geo_point) || sent(g.geo_limit)) throw bad(`${path} has geo_box and geo_point / geo_limit; send one of them.`);
    const box = Array.isArray(g.geo_box) ? g.geo_box : [];
    if (box.length !== 2) throw bad(`${path}.geo_box has ${box.length} points; a box is two opposite corners.`);
    const [a, b] = box.map((c, i) => geoPoint(asRaw(c, `${path}.geo_box[${i}]`).geo_point, `${path}.geo_box[${i}].geo_point`));
    return {
      within: 'box',
      minLon: Math.min(a!.longitude, b!.longitude),
      maxLon: Math.max(a!.longitude, b!.longitude),
      minLat: Math.min(a!.latitude, b!.latitude),
      maxLat: Math.max(a!.latitude, b!.latitude),
    };
  }
  const center = geoPoint(g.geo_point, `${path}.geo_point`);
  const limit = asRaw(g.geo_limit ?? {}, `${path}.geo_limit`);
  only(limit, ['type', 'value'], `${path}.geo_limit`, 'a geo limit has type and value.');
  const unit = GEO_UNITS[String(limit.type ?? '')];
  if (unit === undefined) throw bad(`${path}.geo_limit.type must be one of ${Object.keys(GEO_UNITS).join(', ')}.`);
  const value = limit.value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw bad(`${path}.geo_limit.value must be a positive distance.`);
  return { within: 'radius', ...center, radians: value * unit };
}

function conceptConditions(raw: unknown, path: string): ConceptCondition[] {
  if (!sent(raw)) return [];
  if (!Array.isArray(raw)) throw bad(`${path} must be a list of concepts.`);
  checkCount(raw.length, 'A search filter', 'concepts', Code.SEARCH_INVALID_REQUEST);
  return raw.map((c, i) => {
    const o = asRaw(c, `${path}[${i}]`);
    only(o, ['id', 'name', 'value'], `${path}[${i}]`, 'a concept condition has id or name, and value 1 (labelled positive) or 0 (labelled negative).');
    const id = sent(o.id) ? String(o.id) : undefined;
    const name = sent(o.name) ? String(o.name) : undefined;
    if (!id && !name) throw bad(`${path}[${i}] has neither id nor name; name the concept to filter on.`);
    // A missing value is 0, as in PostInputs: over REST the codec fills Clarifai's default of 1, gRPC cannot send 0.
    const value = o.value ?? 0;
    if (value !== 0 && value !== 1) throw bad(`${path}[${i}].value is ${String(value)}; use 1 (labelled positive) or 0 (labelled negative).`);
    return { ...(id ? { id } : {}), ...(name ? { name } : {}), positive: value === 1 };
  });
}

/** `data` of a filter (Annotation.data or Input.data): concepts, metadata, input type. */
function dataConditions(data: Raw, path: string, f: InputFilter): void {
  only(data, ['concepts', 'metadata', 'image', 'text', 'geo'], path, FILTER_DATA_HINT);
  f.concepts.push(...conceptConditions(data.concepts, `${path}.concepts`));
  if (sent(data.geo)) f.geo = geoCondition(data.geo, `${path}.geo`);
  if (sent(data.metadata)) {
    const m = asRaw(data.metadata, `${path}.metadata`);
    if (Object.keys(m).length > 0) f.metadata = m as JsonObject;
  }
  const kinds: InputKind[] = [];
  for (const kind of ['image', 'text'] as const) {
    if (!sent(data[kind])) continue;
    const o = asRaw(data[kind], `${path}.${kind}`);
    if (Object.values(o).some(sent))
      throw bad(`${path}.${kind} must be empty ({}) in a filter: it selects ${kind} inputs. To rank by similarity, send it in ranks.`);
    kinds.push(kind);
  }
  if (kinds.length > 1) throw bad(`${path} has both image and text; an input is one or the other. Send two searches or no type filter.`);
  if (kinds[0]) f.kind = kinds[0];
}

function idList(raw: unknown, path: string): string[] {
  if (!Array.isArray(raw)) throw bad(`${path} must be a list of ids.`);
  checkCount(raw.length, 'A search filter', path.split('.').pop() ?? 'ids', Code.SEARCH_INVALID_REQUEST);
  return raw.map(String);
}

function parseFilter(raw: unknown, path: string): InputFilter {
  const o = asRaw(raw, path);
  only(o, ['negate', 'annotation', 'input'], path, 'a filter has annotation or input (last_updated_time_range is not served).');
  const f: InputFilter = { negate: o.negate === true, concepts: [] };
  if (sent(o.annotation)) {
    const a = asRaw(o.annotation, `${path}.annotation`);
    only(a, ['data', 'input_id'], `${path}.annotation`, `an annotation filter has data or input_id; ${FILTER_DATA_HINT}`);
    if (sent(a.data)) dataConditions(asRaw(a.data, `${path}.annotation.data`), `${path}.annotation.data`, f);
    if (sent(a.input_id)) f.inputIds = [String(a.input_id)];
  }
  if (sent(o.input)) {
    const i = asRaw(o.input, `${path}.input`);
    only(i, ['id', 'data', 'dataset_ids', 'status'], `${path}.input`, 'an input filter has id, data, dataset_ids or status.code.');
    if (sent(i.data)) dataConditions(asRaw(i.data, `${path}.input.data`), `${path}.input.data`, f);
    if (sent(i.id)) f.inputIds = [...(f.inputIds ?? []), String(i.id)];
    if (sent(i.dataset_ids)) f.datasetIds = idList(i.dataset_ids, `${path}.input.dataset_ids`);
    if (sent(i.status)) {
      const s = asRaw(i.status, `${path}.input.status`);
      only(s, ['code'], `${path}.input.status`, 'filter on status.code, e.g. {"code": 30000} for processed inputs.');
      if (sent(s.code)) f.statusCode = Number(s.code);
    }
  }
  return f;
}

function parseRankData(data: Raw, path: string): RankTarget {
  if (sent(data.concepts))
    throw bad(
      `${path}.concepts: ranking by predicted concepts is not supported by modelkeep (it stores no predictions per input); to find inputs labelled with a concept, send it in filters.`,
    );
  only(data, ['image', 'text'], path, 'rank by data.text.raw, data.image.url, data.image.base64 or input_id.');
  const image = sent(data.image) ? asRaw(data.image, `${path}.image`) : undefined;
  const text = sent(data.text) ? asRaw(data.text, `${path}.text`) : undefined;
  if (image) only(image, ['url', 'base64'], `${path}.image`, 'rank by data.image.url or data.image.base64.');
  if (text) only(text, ['raw'], `${path}.text`, 'rank by data.text.raw.');
  const targets: RankTarget[] = [];
  if (text && sent(text.raw)) {
    const t = String(text.raw);
    checkLength(t, `${path}.text.raw`, MAX_SEARCH_QUERY_TEXT_CHARS, Code.SEARCH_INVALID_REQUEST);
    targets.push({ by: 'text', text: t });
  }
  if (image && sent(image.url)) targets.push({ by: 'image-url', url: String(image.url) });
  if (image && sent(image.base64)) targets.push({ by: 'image-bytes', base64: String(image.base64) });
  if (targets.length !== 1) throw bad(`${path} must carry exactly one of text.raw, image.url and image.base64 (got ${targets.length}).`);
  return targets[0]!;
}

function parseRank(raw: unknown, path: string): RankTarget {
  const o = asRaw(raw, path);
  if (o.negate === true) throw bad(`${path}.negate: negated ranks are not supported by modelkeep; rank by what you want, and filter out what you do not.`);
  only(o, ['annotation'], path, 'a rank has annotation.');
  const a = asRaw(o.annotation ?? {}, `${path}.annotation`);
  only(a, ['data', 'input_id'], `${path}.annotation`, 'rank by annotation.data (text.raw, image.url, image.base64) or annotation.input_id.');
  if (sent(a.input_id)) {
    if (sent(a.data)) throw bad(`${path}.annotation has both input_id and data; rank by one of them.`);
    return { by: 'input', inputId: String(a.input_id) };
  }
  if (!sent(a.data)) throw bad(`${path}.annotation is empty; rank by data.text.raw, data.image.url, data.image.base64 or input_id.`);
  return parseRankData(asRaw(a.data, `${path}.annotation.data`), `${path}.annotation.data`);
}

/** `query.filters` / `query.ranks` (and the legacy `ands`) -> plan. `path` names the query in details. */
export function parseQuery(rawQuery: unknown, path: string, minValue = 0): SearchPlan {
  const q = asRaw(rawQuery ?? {}, path);
  only(q, ['filters', 'ranks', 'ands', 'language'], path, 'a query has filters and ranks.');
  const filters = Array.isArray(q.filters) ? q.filters : [];
  const ranks = Array.isArray(q.ranks) ? q.ranks : [];
  checkCount(filters.length, 'A search', 'filters', Code.SEARCH_INVALID_REQUEST);
  const plan: SearchPlan = { filters: filters.map((f, i) => parseFilter(f, `${path}.filters[${i}]`)), minValue };
  if (ranks.length > 1) throw bad(`${path}.ranks has ${ranks.length} entries; modelkeep ranks by one similarity target per search.`);
  if (ranks[0] !== undefined) plan.rank = parseRank(ranks[0], `${path}.ranks[0]`);
  if (Array.isArray(q.ands) && q.ands.length > 0) addLegacyAnds(plan, q.ands, `${path}.ands`);
  if (!Number.isFinite(minValue) || minValue < 0 || minValue > 1) throw bad(`min_value is ${minValue}; a score threshold is from 0 to 1.`);
  return plan;
}

/**
 * The deprecated PostSearches `ands`: `input` is a filter, `output.input` a rank (Clarifai's legacy
 * visual search put the query image at ands[].output.input.data.image.url).
 */
function addLegacyAnds(plan: SearchPlan, ands: unknown[], path: string): void {
  checkCount(ands.length, 'A search', 'ands', Code.SEARCH_INVALID_REQUEST);
  ands.forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const a = asRaw(raw, p);
    only(a, ['input', 'output', 'negate'], p, 'an and has input (a filter) or output.input (a similarity rank).');
    if (sent(a.input)) plan.filters.push(parseFilter({ input: a.input, negate: a.negate }, p));
    if (sent(a.output)) {
      if (a.negate === true) throw bad(`${p}.negate: negated ranks are not supported by modelkeep.`);
      const o = asRaw(a.output, `${p}.output`);
      if (sent(o.data))
        throw bad(
          `${p}.output.data: ranking by predicted concepts is not supported by modelkeep (it stores no predictions per input); filter on input.data.concepts instead.`,
        );
      only(o, ['input'], `${p}.output`, 'rank by output.input.data.image.url, .base64, .text.raw or output.input.id.');
      const input = asRaw(o.input ?? {}, `${p}.output.input`);
      only(input, ['id', 'data'], `${p}.output.input`, 'rank by output.input.id or output.input.data.');
      const target = sent(input.id)
        ? { by: 'input' as const, inputId: String(input.id) }
        : parseRankData(asRaw(input.data ?? {}, `${p}.output.input.data`), `${p}.output.input.data`);
      if (plan.rank) throw bad(`${p}.output: the query already ranks by one target; modelkeep ranks by one similarity target per search.`);
      plan.rank = target;
    }
  });
}

/** `searches[]` of PostInputsSearches / PostSearches: exactly one search, not a saved one. */
export function parseSearches(searches: unknown[] | undefined, path = 'searches'): SearchPlan {
  if (!searches || searches.length === 0) throw bad(`${path} is empty; send one search with a query of filters and ranks.`);
  if (searches.length > 1) throw bad(`${path} has ${searches.length} entries; modelkeep runs one search per call.`);
  const s = asRaw(searches[0], `${path}[0]`);
  if (s.save === true) throw bad(`${path}[0].save: saved searches are not supported by modelkeep; run the search itself.`);
  only(s, ['query', 'min_value', 'algorithm', 'id'], `${path}[0]`, 'a search has query and min_value (saved searches are not served).');
  const algorithm = sent(s.algorithm) ? String(s.algorithm) : '';
  if (algorithm && algorithm !== 'brute_force' && algorithm !== 'nearest_neighbor') {
    throw bad(
      `${path}[0].algorithm '${algorithm.slice(0, 40)}' is not supported; send brute_force (the exact scan) or nearest_neighbor (the approximate index where MODELKEEP_SEARCH_INDEX builds one).`,
    );
  }
  const plan = parseQuery(s.query, `${path}[0].query`, Number(s.min_value ?? 0));
  return algorithm === 'brute_force' ? { ...plan, bruteForce: true } : plan;
}
