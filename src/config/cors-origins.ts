/** `*` (any origin) or the exact origins listed; what @fastify/cors takes as `origin`. */
export type CorsOrigins = '*' | string[];

/**
 * MODELKEEP_CORS_ORIGINS: `*`, or a comma list of origins as browsers send them
 * (scheme://host[:port], no path). A path or a missing scheme would never match an Origin header,
 * so it is refused at start rather than silently denying every browser.
 */
export function parseCorsOrigins(raw: string): CorsOrigins {
  if (raw.trim() === '*') return '*';
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new Error('empty: give * or a comma list of origins such as https://app.example.com');
  for (const o of list) {
    let u: URL | undefined;
    try {
      u = new URL(o);
    } catch {
      /* reported below */
    }
    if (!u || !/^https?:$/.test(u.protocol) || u.origin !== o.replace(/\/$/, '')) {
      throw new Error(`"${o}" is not an origin: write scheme://host[:port] with no path, e.g. https://app.example.com or http://localhost:5173`);
    }
  }
  return list.map((o) => o.replace(/\/$/, ''));
}
