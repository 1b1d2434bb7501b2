import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { defaultModelTypes, ModelTypeRegistry } from '../../src/domain/model-types/catalog.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import type { Store } from '../../src/ports/store.js';
import type { AppResolver } from '../../src/service/access/app-resolver.js';
import type { Authenticator } from '../../src/service/access/auth.service.js';
import { rpcTable } from '../../src/service/core/rpc-table.js';
import { routePath } from '../../src/transport/rest/route-paths.js';
import { NO_WORKER } from '../helpers/both.js';
import { type ApiObject, restClient, testProtos } from '../helpers/clients.js';
import { textInput } from '../helpers/inputs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The RPCs modelkeep implements, from the same table the server uses. */
const implemented = [
  ...rpcTable({
    store: {} as Store,
    types: new ModelTypeRegistry(defaultModelTypes()),
    auth: {} as Authenticator,
    apps: {} as AppResolver,
    validScopes: new Set(),
    plugins: new PluginRegistry([]),
    strict2023: false,
    fetchUrl: () => Promise.reject(new Error('not used')),
  }).keys(),
];

type Operation = { operationId: string; summary: string; responses: Record<string, { content: { 'application/json': { schema: { $ref: string } } } }> };
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, ApiObject> };
  security: unknown[];
};

describe('OpenAPI document and Swagger UI', () => {
  let server: TestServer;
  let doc: Doc;
  let ajv: Ajv2020;
  const rest = () => restClient(server.httpPort);

  before(async () => {
    server = await startTestServer(NO_WORKER);
    const r = await fetch(`http://127.0.0.1:${server.httpPort}/openapi.json`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    doc = (await r.json()) as Doc;
    ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    ajv.addSchema({ $id: 'openapi.json', components: doc.components });
  });
  after(async () => server?.close());

  it('is OpenAPI 3.1 with the Authorization: Key scheme required by default', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.components.securitySchemes.ClarifaiKey, {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description: doc.components.securitySchemes.ClarifaiKey!.description,
    });
    assert.deepEqual(doc.security, [{ ClarifaiKey: [] }]);
  });

  it('has every routed binding of every implemented RPC, and nothing of the unimplemented ones', () => {
    const protos = testProtos();
    const missing: string[] = [];
    for (const name of implemented) {
      for (const b of protos.rpcs.get(name)!.http) {
        if (!routePath(b)) continue;
        if (!doc.paths[b.template]?.[b.method.toLowerCase()]) missing.push(`${name}: ${b.method} ${b.template}`);
      }
      assert.ok(
        Object.values(doc.paths).some((item) => Object.values(item).some((op) => op.summary === name)),
        `${name} has no operation`,
      );
    }
    assert.deepEqual(missing, []);
    const documented = new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.summary)));
    const allowed = new Set([
      ...implemented,
      ...Object.values(doc.paths)
        .flatMap((item) => Object.values(item))
        .filter((op) => (op as { tags?: string[] }).tags?.includes('operations'))
        .map((op) => op.summary),
    ]);
    assert.deepEqual(
      [...documented].filter((s) => !allowed.has(s)),
      [],
    );
  });

  it('describes messages in Clarifai JSON: snake_case fields, enums as numbers, 64-bit integers as numbers or strings', () => {
    const model = doc.components.schemas['clarifai.api.Model'] as { properties: Record<string, ApiObject>; additionalProperties: boolean };
    assert.ok(model.properties.model_type_id, 'snake_case field names');
    assert.equal(model.properties.modelTypeId, undefined);
    assert.equal(model.additionalProperties, false);
    assert.deepEqual(model.properties.created_at, { type: 'string', format: 'date-time' });
    const code = doc.components.schemas['clarifai.api.status.StatusCode'] as { type: string; enum: number[] };
    assert.equal(code.type, 'integer');
    assert.ok(code.enum.includes(10000) && code.enum.includes(21103));
    const list = doc.paths['/v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/models']!.get as unknown as { parameters: ApiObject[] };
    assert.ok(list.parameters.some((p) => p.name === 'per_page' && p.in === 'query' && p.schema.type === 'integer'));
    assert.ok(list.parameters.some((p) => p.name === 'user_app_id.app_id' && p.in === 'path' && p.required === true));
    // The schemas have teeth: a status code by name, a camelCase field or a numeric id is refused.
    const single = ajv.compile({ $ref: 'openapi.json#/components/schemas/clarifai.api.SingleModelResponse' });
    assert.ok(
      single({ status: { code: 10000, description: 'Ok' }, model: { id: 'm', created_at: '2026-12-02T14:45:34.123Z', metadata: { any: ['thing'] } } }),
      ajv.errorsText(single.errors),
    );
    assert.equal(single({ status: { code: 'SUCCESS' } }), false);
    assert.equal(single({ status: { code: 10000 }, model: { modelTypeId: 'x' } }), false);
    assert.equal(single({ status: { code: 10000 }, model: { id: 7 } }), false);
  });

  /** Validates a real REST answer against the documented response of the operation its method and path hit. */
  async function validated(method: string, path: string, body?: ApiObject, headers?: Record<string, string>): Promise<{ http: number; body: ApiObject }> {
    const r = await rest().raw(method, path, body, headers);
    const bare = path.split('?')[0]!;
    const matches = Object.keys(doc.paths)
      .filter((t) => doc.paths[t]![method.toLowerCase()] && new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare))
      .sort((a, b) => b.replace(/\{[^}]+\}/g, '').length - a.replace(/\{[^}]+\}/g, '').length);
    assert.ok(matches[0], `no documented operation for ${method} ${bare}`);
    const op = doc.paths[matches[0]]![method.toLowerCase()]!;
    const response = op.responses[r.http === 200 ? '200' : 'default']!;
    const validate = ajv.compile({ $ref: `openapi.json${response.content['application/json'].schema.$ref}` });
    assert.ok(
      validate(r.body),
      `${method} ${path} (${op.summary}) answered outside its schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(r.body).slice(0, 600)}`,
    );
    return r;
  }

  it('real answers of a models flow validate against it (successes and errors)', async () => {
    const app = '/v2/users/me/apps/oa-app';
    assert.equal((await validated('POST', '/v2/users/me/apps', { apps: [{ id: 'oa-app', description: 'openapi' }] })).http, 200);
    await validated('GET', '/v2/users/me/apps/oa-app');
    await validated('GET', '/v2/users/me/apps?per_page=5');
    await validated('POST', `${app}/models`, { model: { id: 'pets', notes: 'cats and dogs', metadata: { k: [1, 'two', { three: true }] } } });
    await validated('POST', `${app}/models`, { model: { id: 'sentiment', model_type_id: 'text-classifier' } });
    const v = await validated('POST', `${app}/models/sentiment/versions`, {
      model_versions: [
        {
          output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] }, output_config: { concepts_mutually_exclusive: true } },
          train_info: { params: { template: 'modelkeep_text_logreg', seed: 1 } },
        },
      ],
    });
    assert.equal(v.body.model.model_version.status.code, 21103);
    const versionId: string = v.body.model.model_version.id;
    await validated('GET', `${app}/models/sentiment/versions/${versionId}`);
    await validated('GET', `${app}/models/sentiment/versions`);
    await validated('GET', `${app}/models/sentiment/output_info`);
    await validated('GET', `${app}/models/pets`);
    await validated('GET', `${app}/models?per_page=10&sort_by_name=true`);
    await validated('PATCH', `${app}/models`, { action: 'merge', models: [{ id: 'pets', description: 'Cats vs dogs' }] });
    await validated('GET', '/v2/models/types');
    // errors answer the same message with their status
    assert.equal((await validated('GET', `${app}/models/nope`)).http, 404);
    assert.equal((await validated('POST', `${app}/models`, { model: { id: 'old', train_info: { params: {} } } })).http, 400);
    assert.equal((await validated('GET', `${app}/models/pets`, undefined, { authorization: 'Key wrong' })).http, 401);
  });

  it('real answers of an inputs flow validate against it', async () => {
    const app = '/v2/users/me/apps/oa-inputs';
    await validated('POST', '/v2/users/me/apps', { apps: [{ id: 'oa-inputs' }] });
    await validated('POST', `${app}/inputs`, {
      inputs: [
        textInput(
          't1',
          'a cat asleep on the sofa',
          [
            ['cat', 1],
            ['dog', 0],
          ],
          { metadata: { source: 'phone' } },
        ),
      ],
    });
    await validated('GET', `${app}/inputs/t1`);
    await validated('GET', `${app}/inputs`);
    await validated('GET', `${app}/inputs/status`);
    await validated('PATCH', `${app}/inputs`, { action: 'merge', inputs: [{ id: 't1', data: { concepts: [{ id: 'sleepy', value: 1 }] } }] });
    await validated('GET', `${app}/concepts`);
    await validated('POST', `${app}/datasets`, { datasets: [{ id: 'pets' }] });
    await validated('POST', `${app}/datasets/pets/inputs`, { dataset_inputs: [{ input: { id: 't1' } }] });
    await validated('GET', `${app}/datasets/pets`);
  });

  it('serves Swagger UI at /docs from the package (no asset from the network), over the same document', async () => {
    const base = `http://127.0.0.1:${server.httpPort}`;
    for (const path of ['/docs', '/docs/']) {
      const page = await fetch(base + path);
      assert.equal(page.status, 200, path);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      const html = await page.text();
      assert.match(html, /swagger-ui/);
      assert.deepEqual(
        [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => /^(https?:)?\/\//.test(u)),
        [],
        'every asset is served locally',
      );
    }
    const bundle = await fetch(`${base}/docs/static/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await bundle.arrayBuffer()).byteLength > 100_000);
    const json = (await (await fetch(`${base}/docs/json`)).json()) as Doc;
    assert.deepEqual(Object.keys(json.paths), Object.keys(doc.paths));
  });
});
