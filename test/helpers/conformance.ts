import assert from 'node:assert/strict';
import { decodeJsonBody } from '../../src/proto/json-codec.js';
import { showIfEmpty } from '../../src/proto/skeleton.js';
import { type ApiObject, testProtos } from './clients.js';

/**
 * Asserts a REST response body is a valid proto3-JSON rendering of the RPC's response message
 * (no unknown fields, right types) with Clarifai's conventions: status with description and a
 * 32-hex req_id, every always-shown list present.
 */
export function assertConforms(rpcName: string, body: ApiObject): void {
  const rpc = testProtos().rpcs.get(rpcName);
  assert.ok(rpc, `unknown rpc ${rpcName}`);
  assert.doesNotThrow(() => decodeJsonBody(rpc.responseType, body), `${rpcName} response does not match ${rpc.responseType.name}`);
  assert.equal(typeof body.status?.code, 'number');
  assert.equal(typeof body.status?.description, 'string');
  assert.match(String(body.status?.req_id), /^[0-9a-f]{32}$/);
  for (const f of rpc.responseType.fieldsArray) {
    if (f.repeated && showIfEmpty(f)) assert.ok(Array.isArray(body[f.name]), `${rpcName}: "${f.name}" must always be present`);
  }
}
