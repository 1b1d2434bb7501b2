import { createRequire } from 'node:module';

// find-my-way is Fastify's router (a dependency of fastify, already loaded by it): the routes matched
// here are matched by the same code, with the same options, as the ones Fastify registers.
type FindMyWay = typeof import('find-my-way');
export type RouterConfig = Parameters<FindMyWay>[0];
const require = createRequire(import.meta.url);

/** One route: a method and a find-my-way path whose segments are either static or a whole `:param`. */
export interface RouteSpec<T> {
  method: string;
  url: string;
  value: T;
}

export interface Match<T> {
  value: T;
  params: Record<string, string>;
}

const segmentsOf = (url: string): string[] => url.split('/');
const isParam = (segment: string): boolean => segment.startsWith(':');

/**
 * Whether one request path could match both routes (same method assumed): same number of segments, and
 * at each position equal static text or a param on either side. Exact for our routes, whose params are
 * whole segments, once the router has normalised the path (duplicate and trailing slashes removed, so no
 * param matches an empty segment).
 */
export function couldShareRequest(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && !isParam(x) && !isParam(y)) return false;
  }
  return true;
}

/**
 * Splits `routes` (in registration order) into the ones to register with the server's router now and
 * the ones that can wait in an on-demand router for the server's not-found handler, such that every
 * request is answered by the same route as if all were registered in order.
 *
 * `eager` starts as the routes `needed` picks and grows to a fixed point by every route that could
 * match a request some eager route matches (the router might prefer it, e.g. a static `/models/searches`
 * over `/models/:id`). So a request that matches no eager route matches only deferred routes, and a
 * request that matches an eager route has every route it matches eager too: the server's router picks
 * among the same candidates as a router holding all routes would. Duplicates (same method and path)
 * always share a request, so they stay together and in order: the first registered keeps the path.
 * HEAD requests are matched against GET routes (a router that exposes HEAD routes for GET ones).
 */
export function splitRoutes<T>(routes: readonly RouteSpec<T>[], needed: (r: RouteSpec<T>) => boolean): { eager: RouteSpec<T>[]; deferred: RouteSpec<T>[] } {
  const segments = routes.map((r) => segmentsOf(r.url));
  const groups = new Map<string, number[]>();
  routes.forEach((r, i) => {
    const key = `${r.method === 'HEAD' ? 'GET' : r.method} ${segments[i]!.length}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const eager = routes.map((r) => needed(r));
  const todo = eager.flatMap((e, i) => (e ? [i] : []));
  for (let i = todo.pop(); i !== undefined; i = todo.pop()) {
    const r = routes[i]!;
    for (const j of groups.get(`${r.method === 'HEAD' ? 'GET' : r.method} ${segments[i]!.length}`)!) {
      if (!eager[j] && couldShareRequest(segments[i]!, segments[j]!)) {
        eager[j] = true;
        todo.push(j);
      }
    }
  }
  return { eager: routes.filter((_r, i) => eager[i]), deferred: routes.filter((_r, i) => !eager[i]) };
}

/**
 * Routes matched on demand: the router is built on the first lookup, so a server that registers only
 * the routes it serves often starts without paying for the others (nor for HEAD routes).
 */
export class OnDemandRoutes<T> {
  readonly #routes: readonly RouteSpec<T>[];
  readonly #config: RouterConfig;
  readonly #headFor: readonly RouteSpec<T>[];
  #router: ReturnType<FindMyWay> | undefined;

  /**
   * `config`: the server router's own options. `headFor`: GET routes that also answer HEAD here, in
   * registration order (what Fastify's exposeHeadRoutes adds for each GET route it registers).
   */
  constructor(routes: readonly RouteSpec<T>[], config: RouterConfig, headFor: readonly RouteSpec<T>[] = []) {
    this.#routes = routes;
    this.#config = config;
    this.#headFor = headFor;
  }

  get size(): number {
    return this.#routes.length + this.#headFor.length;
  }

  /**
   * The route a request's method and URL select, or — when none does and the path has a segment over
   * `maxParamLength` where some route has a param — `paramTooLong` with the normalised path, for which
   * Fastify's router calls frameworkErrors with FST_ERR_MAX_PARAM_LENGTH (the server answers both alike).
   */
  find(method: string, url: string): Match<T> | { paramTooLong: string } | undefined {
    const router = (this.#router ??= this.#build());
    let found;
    try {
      found = router.find(method as Parameters<typeof router.find>[0], url);
    } catch {
      return undefined; // a URL the router cannot decode: no route
    }
    if (!found) return undefined;
    // Only the router's own answers (max param length; bad URLs are refused before a miss) have no store.
    if (found.store === null) return { paramTooLong: (found.handler as unknown as () => string)() };
    return { value: (found.store as { value: T }).value, params: found.params as Record<string, string> };
  }

  #build(): ReturnType<FindMyWay> {
    const router = (require('find-my-way') as FindMyWay)({ ...this.#config, onMaxParamLength: (path: string) => path } as RouterConfig);
    const noop = () => undefined;
    const add = (method: string, r: RouteSpec<T>) => {
      try {
        router.on(method as Parameters<typeof router.on>[0], r.url, noop, { value: r.value });
      } catch {
        // Same method and path as an earlier route: the first keeps it, as in the server's router.
      }
    };
    for (const r of this.#routes) add(r.method, r);
    for (const r of this.#headFor) add('HEAD', r);
    return router;
  }
}
