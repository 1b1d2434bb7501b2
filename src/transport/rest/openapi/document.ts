import protobuf from 'protobufjs';
import type { HttpBinding, RpcInfo } from '../../../proto/load.js';
import { routePath } from '../route-paths.js';
import { type JsonSchema, ProtoSchemas } from './schemas.js';

/** Nested request messages contribute query parameters down to this depth (`pagination.page`-style names). */
const QUERY_DEPTH = 3;
const FREE_FORM = new Set(['.google.protobuf.Struct', '.google.protobuf.Value', '.google.protobuf.ListValue', '.google.protobuf.Any']);

type Parameter = { name: string; in: 'path' | 'query'; required?: boolean; schema: JsonSchema; explode?: boolean };

/** The field a dotted request path names (`user_app_id.user_id`), or undefined. */
function fieldAt(type: protobuf.Type, dotted: string): protobuf.Field | undefined {
  let t: protobuf.Type | undefined = type;
  let f: protobuf.Field | undefined;
  for (const part of dotted.split('.')) {
    f = t?.fields[part];
    if (!f) return undefined;
    t = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
  }
  return f;
}

/** Query parameters of a binding without a body: every request field the path does not carry, flattened with dots. */
function queryParameters(
  schemas: ProtoSchemas,
  type: protobuf.Type,
  inPath: Set<string>,
  prefix = '',
  depth = 0,
  seen = new Set<protobuf.Type>(),
): Parameter[] {
  const out: Parameter[] = [];
  seen.add(type);
  for (const f of type.fieldsArray) {
    const name = prefix + f.name;
    if (inPath.has(name) || f.map) continue;
    const rt = f.resolvedType;
    if (rt instanceof protobuf.Type && !schemas.isScalarLike(rt)) {
      if (FREE_FORM.has(rt.fullName) || f.repeated || depth + 1 >= QUERY_DEPTH || seen.has(rt)) continue;
      out.push(...queryParameters(schemas, rt, inPath, `${name}.`, depth + 1, new Set(seen)));
      continue;
    }
    const one = schemas.single(f);
    out.push(f.repeated ? { name, in: 'query', schema: { type: 'array', items: one }, explode: true } : { name, in: 'query', schema: one });
  }
  return out;
}

/** The resource a binding belongs to, for grouping in the UI: the path's first constant segment after the app. */
function tagOf(b: HttpBinding): string {
  const rest = b.template
    .replace(/^\/v2\/users\/\{[^}]+\}\/apps\/\{[^}]+\}/, '')
    .replace(/^\/v2\/users\/\{[^}]+\}/, '')
    .replace(/^\/v2/, '');
  return rest.split('/').find((s) => s !== '' && !s.startsWith('{')) ?? 'users';
}

export interface OpenApiOptions {
  /** `info.version`: what this server build calls itself. */
  version: string;
}

/**
 * OpenAPI 3.1 for the REST API, from the protos' `google.api.http` bindings of the given RPCs — the
 * same bindings the routes are built from (route-paths.ts), so a path is documented exactly when it is
 * routed; where two RPCs bind the same method and path the first in proto order wins, as in the router.
 * Every answer is the RPC's response message with its `status` (errors too: status.code says which;
 * the HTTP status follows it).
 */
export function openApiDocument(rpcs: Iterable<RpcInfo>, opts: OpenApiOptions): Record<string, unknown> {
  const schemas = new ProtoSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const rpc of rpcs) {
    let n = 0;
    for (const b of rpc.http) {
      const route = routePath(b);
      if (!route) continue;
      const method = b.method.toLowerCase();
      const item = (paths[b.template] ??= {});
      if (item[method]) continue;
      const inPath = new Set(route.fields);
      const parameters: Parameter[] = route.fields.map((name) => {
        const f = fieldAt(rpc.requestType, name);
        return { name, in: 'path', required: true, schema: f ? schemas.single(f) : { type: 'string' } };
      });
      if (!b.body) parameters.push(...queryParameters(schemas, rpc.requestType, inPath));
      const bodyField = b.body && b.body !== '*' ? rpc.requestType.fields[b.body] : undefined;
      const response = { content: { 'application/json': { schema: schemas.of(rpc.responseType) } } };
      item[method] = {
        operationId: n++ === 0 ? rpc.name : `${rpc.name}_${n}`,
        summary: rpc.name,
        tags: [tagOf(b)],
        parameters,
        ...(b.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: bodyField ? schemas.field(bodyField) : schemas.of(rpc.requestType) } } } }
          : {}),
        responses: {
          '200': { description: 'status.code 10000 (SUCCESS), or a mixed result (10010) for a batch', ...response },
          default: {
            description: 'Any other Clarifai status: status.code, description and details say what went wrong and what to do; the HTTP status follows the code',
            ...response,
          },
        },
        ...(rpc.authType === 'NoAuth' ? { security: [] } : {}),
      };
    }
  }
  for (const [p, s] of Object.entries(PROBES))
    paths[p] = { get: { operationId: s.id, summary: s.summary, tags: ['operations'], security: [], responses: s.responses } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'modelkeep — Clarifai v2 API',
      version: opts.version,
      description:
        "The REST half of Clarifai's v2 API as modelkeep implements it, generated from the official protos' HTTP bindings. JSON follows Clarifai's conventions: snake_case field names, enums as numbers, RFC 3339 timestamps. `user_id` `me` is the caller. Every RPC is also served over gRPC (`clarifai.api.V2`).",
    },
    servers: [{ url: '/' }],
    security: [{ ClarifaiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        ClarifaiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'The word `Key`, a space, then a personal access token or an app-specific API key: `Authorization: Key 0569fbb3…`',
        },
      },
      schemas: schemas.components,
    },
  };
}

const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });
const PROBES: Record<string, { id: string; summary: string; responses: Record<string, unknown> }> = {
  '/healthz': {
    id: 'healthz',
    summary: 'Both servers accept requests and the database is migrated (since start)',
    responses: { '200': { description: 'up', ...json({ type: 'object' }) }, '503': { description: 'starting', ...json({ type: 'object' }) } },
  },
  '/livez': { id: 'livez', summary: 'The process answers', responses: { '200': { description: 'alive', ...json({ type: 'object' }) } } },
  '/readyz': {
    id: 'readyz',
    summary: 'Send traffic now? The database answers with a current schema and, on PostgreSQL, the change listener is up',
    responses: {
      '200': { description: 'ready', ...json({ type: 'object' }) },
      '503': {
        description: 'not ready: `reason` says why',
        ...json({ type: 'object', properties: { status: { type: 'string' }, reason: { type: 'string' } } }),
      },
    },
  },
};
