import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import { registerWellKnownTypeWrappers } from './wkt-wrappers.js';

const require = createRequire(import.meta.url);

/** HTTP binding of an RPC, from its `google.api.http` option (primary rule or an additional binding). */
export interface HttpBinding {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** proto path template, e.g. /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/models/{model_id} */
  template: string;
  /** `*` = whole body is the request; undefined = no body (fields come from path and query). */
  body: string | undefined;
}

export type AuthType = 'KeyAuth' | 'PATAuth' | 'NoAuth' | 'SessionTokenAuth' | 'AdminAuth' | 'undef';

/** Everything the transports need to know about one RPC of clarifai.api.V2. */
export interface RpcInfo {
  name: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  http: HttpBinding[];
  authType: AuthType;
  /** Scopes an app key must hold (the proto's `cl_depending_scopes`). */
  scopes: string[];
}

export interface ClarifaiProtos {
  root: protobuf.Root;
  rpcs: Map<string, RpcInfo>;
  type(name: string): protobuf.Type;
}

const PROTO_FILES = ['status/status_code.proto', 'status/status.proto', 'resources.proto', 'service_processed.proto', 'utils/matrix.proto'];

/** Root of the pinned clarifai-nodejs-grpc package (its `exports` hide package.json). */
export function clarifaiPackageRoot(): string {
  return path.join(path.dirname(require.resolve('clarifai-nodejs-grpc')), '..');
}

const HTTP_VERBS = ['get', 'post', 'patch', 'put', 'delete'] as const;

function bindingsOf(rule: Record<string, unknown> | undefined): HttpBinding[] {
  if (!rule) return [];
  const out: HttpBinding[] = [];
  for (const verb of HTTP_VERBS) {
    const template = rule[verb];
    if (typeof template === 'string') {
      out.push({
        method: verb.toUpperCase() as HttpBinding['method'],
        template,
        body: typeof rule.body === 'string' && rule.body !== '' ? rule.body : undefined,
      });
    }
  }
  for (const [k, v] of Object.entries(rule)) {
    if (k.startsWith('additional_bindings') && v && typeof v === 'object') out.push(...bindingsOf(v as Record<string, unknown>));
  }
  return out;
}

function rpcInfo(method: protobuf.Method): RpcInfo {
  const opts = (method.parsedOptions ?? []) as Record<string, unknown>[];
  let http: HttpBinding[] = [];
  let authType: AuthType = 'undef';
  const scopes: string[] = [];
  for (const o of opts) {
    if (o['(google.api.http)']) http = bindingsOf(o['(google.api.http)'] as Record<string, unknown>);
    if (typeof o['(clarifai.auth.util.cl_auth_type)'] === 'string') authType = o['(clarifai.auth.util.cl_auth_type)'] as AuthType;
    const s = o['(clarifai.auth.util.cl_depending_scopes)'];
    if (typeof s === 'string') scopes.push(s);
  }
  return {
    name: method.name,
    requestType: method.resolvedRequestType!,
    responseType: method.resolvedResponseType!,
    http,
    authType,
    scopes,
  };
}

/**
 * Loads the official protos once. ~0.3 s; call it at boot, never per request. `comments` keeps the
 * protos' `//` comments on the reflection objects: only the type generator (scripts/gen-api.ts) wants them.
 */
export function loadClarifaiProtos(opts: { comments?: boolean } = {}): ClarifaiProtos {
  registerWellKnownTypeWrappers();
  const pkgRoot = clarifaiPackageRoot();
  const pbRoot = path.dirname(require.resolve('protobufjs/package.json'));
  const root = new protobuf.Root();
  // The package's imports are root-relative ("proto/clarifai/...") and google/api/*.proto ships with protobufjs.
  root.resolvePath = (origin, target) => {
    for (const dir of [pkgRoot, pbRoot]) {
      const p = path.join(dir, target);
      if (existsSync(p)) return p;
    }
    return path.resolve(path.dirname(origin), target);
  };
  root.loadSync(
    PROTO_FILES.map((f) => path.join(pkgRoot, 'proto/clarifai/api', f)),
    { keepCase: true, alternateCommentMode: opts.comments === true },
  );
  root.resolveAll();
  const service = root.lookupService('clarifai.api.V2');
  const rpcs = new Map<string, RpcInfo>();
  for (const m of Object.values(service.methods)) rpcs.set(m.name, rpcInfo(m));
  return { root, rpcs, type: (name) => root.lookupType(name.includes('.') ? name : `clarifai.api.${name}`) };
}
