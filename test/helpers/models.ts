import assert from 'node:assert/strict';
import type { Harness } from './both.js';
import type { ApiObject, CallResult } from './clients.js';
import { assertConforms } from './conformance.js';
import { TEST_USER } from './server.js';

/**
 * Small helpers shared by the model / version integration suites. `call` checks every REST answer
 * against the response message of its RPC (assertConforms), error bodies included, so a mapper
 * that drifts from the protos fails whichever test happens to touch it.
 */
export function apiOf(h: Harness) {
  const call = async (rpc: string, req: ApiObject = {}, token?: string | null): Promise<CallResult> => {
    const r = await h.api.call(rpc, req, token);
    if (h.api.transport === 'rest') assertConforms(rpc, r.body);
    return r;
  };

  /** Calls and asserts SUCCESS (HTTP 200 on REST). */
  const ok = async (rpc: string, req: ApiObject = {}): Promise<ApiObject> => {
    const r = await call(rpc, req);
    assert.equal(r.body.status?.code, 10000, `${rpc}: ${JSON.stringify(r.body.status)}`);
    if (h.api.transport === 'rest') assert.equal(r.http, 200);
    return r.body;
  };

  /** Calls and asserts the given error code (and HTTP status on REST); returns the status. */
  const fails = async (
    rpc: string,
    req: ApiObject,
    code: number,
    http: number,
  ): Promise<{ code: number; description: string; details?: string; req_id: string }> => {
    const r = await call(rpc, req);
    assert.equal(r.body.status?.code, code, `${rpc}: expected ${code}, got ${JSON.stringify(r.body.status)}`);
    assert.match(String(r.body.status.req_id), /^[0-9a-f]{32}$/);
    if (h.api.transport === 'rest') assert.equal(r.http, http, `${rpc}: HTTP status`);
    return r.body.status;
  };

  return { call, ok, fails, transport: () => h.api.transport };
}

export type Api = ReturnType<typeof apiOf>;

/** Creates an app owned by the test user and returns its `user_app_id` ("me" alias). */
export async function newApp(api: Api, appId: string): Promise<{ user_id: string; app_id: string }> {
  const body = await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: appId }] });
  assert.equal(body.apps[0].id, appId);
  return { user_id: 'me', app_id: appId };
}

export async function newModel(api: Api, uai: ApiObject, model: ApiObject): Promise<ApiObject> {
  const body = await api.ok('PostModels', { user_app_id: uai, models: [model] });
  return body.model;
}

export async function newVersion(api: Api, uai: ApiObject, modelId: string, version: ApiObject = {}): Promise<ApiObject> {
  const body = await api.ok('PostModelVersions', { user_app_id: uai, model_id: modelId, model_versions: [version] });
  return body.model.model_version;
}

export async function versionIds(api: Api, uai: ApiObject, modelId: string, extra: ApiObject = {}): Promise<string[]> {
  const body = await api.ok('ListModelVersions', { user_app_id: uai, model_id: modelId, ...extra });
  // gRPC has no wire form for an empty list (it decodes as absent); REST always prints it (assertConforms checks).
  return (body.model_versions ?? []).map((v: ApiObject) => v.id);
}

export const concepts = (...ids: string[]): ApiObject => ({ data: { concepts: ids.map((id) => ({ id, value: 1 })) } });

/** The store rows behind an API model / version (for checks the API cannot make, e.g. jobs). */
export async function storedVersion(h: Harness, appId: string, modelId: string, versionId: string) {
  const model = await h.server.store.models.get(TEST_USER, appId, modelId);
  assert.ok(model, `model ${modelId} is stored`);
  const version = await h.server.store.versions.get(model.pk, versionId);
  return { model, version };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const ids = (list: ApiObject[] | undefined): string[] => (list ?? []).map((x) => x.id);
