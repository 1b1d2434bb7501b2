import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { RpcInfo } from '../../src/proto/load.js';
import { addUserWithPat, expectApi } from '../helpers/access.js';
import { describeBoth, uid } from '../helpers/both.js';
import { type ApiObject, testProtos } from '../helpers/clients.js';
import { TEST_USER } from '../helpers/server.js';

/**
 * The access class of every implemented RPC (src/service/core/context.ts `Access`). The list of implemented
 * RPCs is read from the server (every unary method that does not answer 10040), so a new RPC without a
 * row here fails the first test: decide its access, add the row, and the matrix below checks it.
 */
const MATRIX: Record<string, 'app-read' | 'app-write' | 'user' | 'user-or-app-read'> = {
  PostApps: 'user',
  PatchApps: 'user',
  ListApps: 'user',
  GetApp: 'app-read',
  DeleteApp: 'app-write',
  PostKeys: 'user',
  ListKeys: 'user',
  DeleteKey: 'user',
  ListModelTypes: 'app-read',
  GetModelType: 'app-read',
  PostModels: 'app-write',
  GetModel: 'app-read',
  GetModelOutputInfo: 'app-read',
  ListModelConcepts: 'app-read',
  ListModels: 'user-or-app-read',
  PostModelsSearches: 'app-read',
  PatchModels: 'app-write',
  PatchModelIds: 'app-write',
  DeleteModel: 'app-write',
  DeleteModels: 'app-write',
  PostModelVersions: 'app-write',
  GetModelVersion: 'app-read',
  ListModelVersions: 'app-read',
  PatchModelVersions: 'app-write',
  DeleteModelVersion: 'app-write',
  PostModelVersionMetrics: 'app-write',
  GetModelVersionMetrics: 'app-read',
  PostModelVersionEvaluations: 'app-write',
  ListModelVersionEvaluations: 'app-read',
  GetModelVersionEvaluation: 'app-read',
  PutModelVersionExports: 'app-write',
  GetModelVersionExport: 'app-read',
  PostModelOutputs: 'app-read',
  ListLogEntries: 'app-read',
  PostWorkflows: 'app-write',
  GetWorkflow: 'app-read',
  ListWorkflows: 'app-read',
  PatchWorkflows: 'app-write',
  DeleteWorkflow: 'app-write',
  DeleteWorkflows: 'app-write',
  PostWorkflowResults: 'app-read',
  PostInputs: 'app-write',
  GetInput: 'app-read',
  ListInputs: 'app-read',
  PatchInputs: 'app-write',
  DeleteInput: 'app-write',
  DeleteInputs: 'app-write',
  GetInputCount: 'app-read',
  PostConcepts: 'app-write',
  GetConcept: 'app-read',
  ListConcepts: 'app-read',
  PostDatasets: 'app-write',
  GetDataset: 'app-read',
  ListDatasets: 'app-read',
  PostDatasetInputs: 'app-write',
  ListDatasetInputs: 'app-read',
  PostDatasetVersions: 'app-write',
  ListDatasetVersions: 'app-read',
  GetDatasetVersion: 'app-read',
  PatchConcepts: 'app-write',
  PatchDatasets: 'app-write',
  DeleteDatasets: 'app-write',
  GetDatasetInput: 'app-read',
  DeleteDatasetInputs: 'app-write',
  PatchDatasetVersions: 'app-write',
  DeleteDatasetVersions: 'app-write',
  PutDatasetVersionExports: 'app-write',
  ListModelInputs: 'app-read',
  PostAnnotations: 'app-write',
  ListAnnotations: 'app-read',
  GetAnnotation: 'app-read',
  PatchAnnotations: 'app-write',
  DeleteAnnotation: 'app-write',
  DeleteAnnotations: 'app-write',
  PostEvaluations: 'app-write',
  ListEvaluations: 'app-read',
  GetEvaluation: 'app-read',
  PostInputsSearches: 'app-read',
  PostSearches: 'app-read',
  PostAnnotationsSearches: 'app-read',
};

const AUTH_ERRORS = new Set([11102, 11008, 11007]);
/** A scope no implemented RPC depends on: an app key holding only it lacks every RPC's scopes. */
const UNRELATED_SCOPE = 'Collaborators_Get';

/** A request naming `user` / `app` with a placeholder for every other path variable, so each REST binding can be filled. */
function minimalRequest(rpc: RpcInfo, user: string, app: string): ApiObject {
  const req: ApiObject = rpc.requestType.fields.user_app_id ? { user_app_id: { user_id: user, app_id: app } } : {};
  for (const b of rpc.http) {
    for (const [, v] of b.template.matchAll(/\{([^}=]+)\}/g)) {
      if (v!.startsWith('user_app_id.')) continue;
      const parts = v!.split('.');
      let o = req;
      for (const k of parts.slice(0, -1)) o = o[k] ??= {};
      o[parts[parts.length - 1]!] ??= 'absent';
    }
  }
  return req;
}

describeBoth('auth matrix: every implemented RPC refuses what its access class refuses', (h) => {
  const api = expectApi(h);
  const app = uid('matrix');
  const publicApp = uid('matrix-public');
  let implemented: RpcInfo[] = [];
  let otherPat = '';
  const keys = new Map<string, string>();

  const appKey = async (scopes: string[]): Promise<string> => {
    const k = scopes.join(',');
    if (!keys.has(k))
      keys.set(k, (await api.ok('PostKeys', { user_app_id: { user_id: 'me' }, keys: [{ description: 'matrix', scopes, apps: [{ id: app }] }] })).keys[0].id);
    return keys.get(k)!;
  };
  const code = async (rpc: RpcInfo, req: ApiObject, token: string | null): Promise<{ code: number; details: string; http: number }> => {
    const r = await api.call(rpc.name, structuredClone(req), token);
    return { code: r.body.status?.code, details: String(r.body.status?.details ?? ''), http: r.http };
  };

  before(async () => {
    await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: app }, { id: publicApp, visibility: { gettable: 50 } }] });
    otherPat = await addUserWithPat(h.server, uid('other'));
    const service = testProtos().root.lookupService('clarifai.api.V2');
    for (const rpc of testProtos().rpcs.values()) {
      const m = service.methods[rpc.name]!;
      if (m.requestStream || m.responseStream || rpc.http.length === 0) continue;
      const probe = await code(rpc, minimalRequest(rpc, 'me', `${app}-absent`), undefined as unknown as string);
      if (probe.code !== 10040) implemented.push(rpc);
    }
    implemented = implemented.sort((a, b) => (MATRIX[a.name] === 'app-write' ? 1 : 0) - (MATRIX[b.name] === 'app-write' ? 1 : 0));
  });

  it('every implemented RPC has a row, and every row is implemented', () => {
    const names = implemented.map((r) => r.name).sort();
    assert.deepEqual(
      names.filter((n) => !MATRIX[n]),
      [],
      'implemented RPCs without a MATRIX row',
    );
    assert.deepEqual(
      Object.keys(MATRIX)
        .filter((n) => !names.includes(n))
        .sort(),
      [],
      'MATRIX rows of RPCs that answer 10040',
    );
  });

  it('no key -> 11102, a malformed key -> 11008, on every RPC', async () => {
    for (const rpc of implemented) {
      const req = minimalRequest(rpc, 'me', app);
      const none = await code(rpc, req, null);
      assert.equal(none.code, 11102, `${rpc.name} without a key: ${none.details}`);
      if (h.api.transport === 'rest') assert.equal(none.http, 401, rpc.name);
      const bad = await code(rpc, req, 'wrong');
      assert.equal(bad.code, 11008, `${rpc.name} with a malformed key: ${bad.details}`);
    }
  });

  it("another user reaching this user's private app -> 11101, as if it did not exist", async () => {
    for (const rpc of implemented) {
      if (MATRIX[rpc.name] === 'user' && !rpc.requestType.fields.user_app_id) continue;
      const r = await code(rpc, minimalRequest(rpc, TEST_USER, app), otherPat);
      assert.equal(r.code, 11101, `${rpc.name} by another user: ${r.code} ${r.details}`);
    }
  });

  it('another user on a PUBLIC app: reads pass the checks, writes -> 11007 (HTTP 403)', async () => {
    for (const rpc of implemented) {
      const access = MATRIX[rpc.name];
      if (access === 'user' || !rpc.requestType.fields.user_app_id) continue;
      const r = await code(rpc, minimalRequest(rpc, TEST_USER, publicApp), otherPat);
      if (access === 'app-write') {
        assert.equal(r.code, 11007, `${rpc.name} (a write) by another user on a public app: ${r.code} ${r.details}`);
        if (h.api.transport === 'rest') assert.equal(r.http, 403, rpc.name);
      } else assert.ok(!AUTH_ERRORS.has(r.code) && !/^App '/.test(r.details), `${rpc.name} (a read) by another user on a public app: ${r.code} ${r.details}`);
    }
  });

  it("an app key lacking the RPC's scopes -> 11007 naming exactly them; PAT-only RPCs -> 11007 for any app key", async () => {
    const key = await appKey([UNRELATED_SCOPE]);
    for (const rpc of implemented) {
      assert.ok(!rpc.scopes.includes(UNRELATED_SCOPE), `${rpc.name} depends on ${UNRELATED_SCOPE}: pick another unrelated scope`);
      const patOnly = MATRIX[rpc.name] === 'user' || rpc.authType === 'PATAuth';
      if (!patOnly && rpc.scopes.length === 0) continue;
      const r = await code(rpc, minimalRequest(rpc, 'me', app), key);
      assert.equal(r.code, 11007, `${rpc.name} with an app key lacking ${rpc.scopes.join(', ')}: ${r.code} ${r.details}`);
      if (h.api.transport === 'rest') assert.equal(r.http, 403, rpc.name);
      if (!patOnly) {
        const named = /needs: ([A-Za-z_:, ]+)\./
          .exec(r.details)?.[1]
          ?.split(',')
          .map((s) => s.trim())
          .sort();
        assert.deepEqual(named, [...rpc.scopes].sort(), `${rpc.name}: ${r.details}`);
      }
    }
  });

  it("an app key holding the RPC's scopes passes the checks (PAT-only RPCs still refuse it); the owner's PAT passes", async () => {
    for (const rpc of implemented) {
      const patOnly = MATRIX[rpc.name] === 'user' || rpc.authType === 'PATAuth';
      const withScopes = await code(rpc, minimalRequest(rpc, 'me', app), await appKey(rpc.scopes.length > 0 ? rpc.scopes : [UNRELATED_SCOPE]));
      if (patOnly) assert.equal(withScopes.code, 11007, `${rpc.name} (PAT only) with an app key: ${withScopes.details}`);
      else assert.ok(!AUTH_ERRORS.has(withScopes.code), `${rpc.name} with its scopes: ${withScopes.code} ${withScopes.details}`);
    }
    // Writes last, DeleteApp among them: what they delete no later case needs.
    for (const rpc of implemented) {
      const owner = await code(rpc, minimalRequest(rpc, 'me', app), undefined as unknown as string);
      assert.ok(!AUTH_ERRORS.has(owner.code), `${rpc.name} with the owner's PAT: ${owner.code} ${owner.details}`);
    }
  });
});
