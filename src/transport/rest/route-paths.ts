import type { HttpBinding } from '../../proto/load.js';

export interface RoutePath {
  /** Fastify path with positional params (`/v2/users/:p0/apps/:p1/models/:p2`). */
  url: string;
  /** Request-message field path of each positional param, e.g. ['user_app_id.user_id', …]. */
  fields: string[];
}

/**
 * Converts a `google.api.http` template to a router path. Params are named positionally so that
 * bindings of different RPCs that put different variables at the same place can share the tree.
 * Templates with sub-patterns (`{name=**}`) are not used by the model endpoints; they return undefined.
 */
export function routePath(b: HttpBinding): RoutePath | undefined {
  const fields: string[] = [];
  let bad = false;
  const url = b.template.replace(/\{([^}]+)\}/g, (_m, inner: string) => {
    if (inner.includes('=') || inner.includes('*')) bad = true;
    fields.push(inner);
    return `:p${fields.length - 1}`;
  });
  if (bad || b.template.includes('*')) return undefined;
  return { url, fields };
}
