// `data.geo` on inputs (issue 11 item 5): one geo point per input, stored and patched like metadata.
// geo_limit / geo_box belong to search filters (PostInputsSearches, decision 0032); on an input they
// mean nothing, so they are refused rather than dropped.
import { ApiError } from './errors.js';
import type { GeoPoint } from './inputs.js';
import { isJsonObject } from './json.js';
import { Code } from './status-codes.js';

const bad = (details: string): ApiError => new ApiError(Code.INPUT_INVALID_ARGUMENT, details);

const RANGES = { longitude: 180, latitude: 90 } as const;

/**
 * `data.geo` -> a point, or null when absent or empty ({} is what a remove leaves). A coordinate
 * left out is 0: gRPC (proto3) cannot send a 0 at all, so absent can only mean 0 there, and REST
 * follows the same rule.
 */
export function parseGeo(raw: unknown, path: string): GeoPoint | null {
  if (raw === undefined || raw === null) return null;
  if (!isJsonObject(raw)) throw bad(`${path} must be an object like {"geo_point": {"longitude": -122.4, "latitude": 37.8}}.`);
  for (const k of Object.keys(raw)) {
    if (k === 'geo_point') continue;
    if (raw[k] === undefined || raw[k] === null) continue;
    if (k === 'geo_limit' || k === 'geo_box')
      throw bad(`${path}.${k} is not supported: ${k} belongs to geo search filters (PostInputsSearches); an input carries data.geo.geo_point only.`);
    throw bad(`${path}.${k} is not a field of Geo; an input carries data.geo.geo_point {longitude, latitude}.`);
  }
  const p = raw.geo_point;
  if (p === undefined || p === null) return null;
  if (!isJsonObject(p)) throw bad(`${path}.geo_point must be an object with longitude and latitude in degrees.`);
  for (const k of Object.keys(p)) if (!(k in RANGES)) throw bad(`${path}.geo_point.${k} is not a field of GeoPoint; send longitude and latitude in degrees.`);
  const coord = (k: keyof typeof RANGES): number => {
    const v = p[k] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${path}.geo_point.${k} must be a number of degrees; got ${JSON.stringify(v).slice(0, 40)}.`);
    if (Math.abs(v) > RANGES[k]) throw bad(`${path}.geo_point.${k} is ${v}; a ${k} is from -${RANGES[k]} to ${RANGES[k]} degrees.`);
    return v;
  };
  return { longitude: coord('longitude'), latitude: coord('latitude') };
}

/** A point as API JSON (both coordinates always printed: cl_show_if_empty). */
export const geoToApi = (g: GeoPoint): { geo_point: { longitude: number; latitude: number } } => ({
  geo_point: { longitude: g.longitude, latitude: g.latitude },
});
