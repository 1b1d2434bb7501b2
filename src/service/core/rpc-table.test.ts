import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { defaultModelTypes, ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import { PluginRegistry } from '../../plugins/registry.js';
import type { Store } from '../../ports/store.js';
import { loadClarifaiProtos } from '../../proto/load.js';
import { routePath } from '../../transport/rest/route-paths.js';
import type { AppResolver } from '../access/app-resolver.js';
import type { Authenticator } from '../access/auth.service.js';
import { rpcTable, type ServiceDeps } from './rpc-table.js';

const protos = loadClarifaiProtos();
const impls = rpcTable({
  store: {} as Store,
  types: new ModelTypeRegistry(defaultModelTypes()),
  auth: {} as Authenticator,
  apps: {} as AppResolver,
  validScopes: new Set(),
  plugins: new PluginRegistry([]),
  strict2023: false,
  fetchUrl: () => Promise.reject(new Error('not used here')),
} satisfies ServiceDeps);

it('every implemented RPC exists in clarifai.api.V2 and has a usable REST binding', () => {
  for (const name of impls.keys()) {
    const rpc = protos.rpcs.get(name);
    assert.ok(rpc, `${name} is not a method of clarifai.api.V2`);
    assert.ok(
      rpc.http.some((b) => routePath(b) !== undefined),
      `${name} has no REST route`,
    );
  }
});

it('implements the foundation RPCs of the models issue', () => {
  const required = [
    'PostApps',
    'GetApp',
    'ListApps',
    'DeleteApp',
    'PostKeys',
    'ListKeys',
    'DeleteKey',
    'PostModels',
    'GetModel',
    'GetModelOutputInfo',
    'ListModels',
    'PostModelsSearches',
    'PatchModels',
    'PatchModelIds',
    'DeleteModel',
    'DeleteModels',
    'ListModelTypes',
    'GetModelType',
    'PostModelVersions',
    'GetModelVersion',
    'ListModelVersions',
    'PatchModelVersions',
    'DeleteModelVersion',
    'ListModelConcepts',
  ];
  for (const r of required) assert.ok(impls.has(r), `${r} missing`);
});

it('docs/api-coverage.md lists every implemented RPC', () => {
  const doc = readFileSync(new URL('../../../docs/api-coverage.md', import.meta.url), 'utf8');
  for (const name of impls.keys()) assert.match(doc, new RegExp(`\\| ${name} \\|`), `${name} missing from docs/api-coverage.md`);
});
