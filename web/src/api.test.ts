import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureOf, hostedImagePath, query } from './api.js';

describe('failureOf', () => {
  it('success and mixed success are not failures', () => {
    assert.equal(failureOf(200, { status: { code: 10000, description: 'Ok' } }), undefined);
    assert.equal(failureOf(200, { status: { code: 10010, description: 'Mixed Success' } }), undefined);
  });
  it('keeps the Clarifai code, description and details', () => {
    const f = failureOf(404, { status: { code: 21200, description: 'Model does not exist', details: "Model 'x' does not exist", req_id: 'r1' } })!;
    assert.equal(f.code, 21200);
    assert.equal(f.description, 'Model does not exist');
    assert.equal(f.details, "Model 'x' does not exist");
    assert.equal(f.reqId, 'r1');
    assert.equal(f.signsOut, false);
    assert.match(f.message, /^21200 Model does not exist: Model 'x'/);
  });
  it('a revoked or unknown key signs out; a permission error does not', () => {
    assert.equal(failureOf(401, { status: { code: 11102, description: 'Invalid API key' } })!.signsOut, true);
    assert.equal(failureOf(401, { status: { code: 11009, description: 'API key not found' } })!.signsOut, true);
    assert.equal(failureOf(403, { status: { code: 11007, description: 'Insufficient scopes' } })!.signsOut, false);
  });
  it('a body without a status is a failure that says so, never a success', () => {
    assert.equal(failureOf(502, null)!.description, 'HTTP 502');
    assert.equal(failureOf(200, { apps: [] })!.description, 'Not a Clarifai response');
  });
});

describe('query', () => {
  it('leaves out unset values and encodes the rest', () => {
    assert.equal(
      query({ page: 2, per_page: 20, name: '', sort_by_name: true, sort_ascending: false, model_type_id: undefined }),
      '?page=2&per_page=20&sort_by_name=true',
    );
    assert.equal(query({ name: 'a b&c' }), '?name=a+b%26c');
    assert.equal(query({}), '');
  });
});

describe('hostedImagePath', () => {
  it('joins prefix, size and suffix into a same-origin path', () => {
    assert.equal(
      hostedImagePath({ prefix: 'http://10.0.0.5:8080/hosted', suffix: 'users/u/apps/a/inputs/i1', sizes: ['orig'] }),
      '/hosted/orig/users/u/apps/a/inputs/i1',
    );
    assert.equal(hostedImagePath({ prefix: '/hosted/', suffix: '/users/u/apps/a/inputs/i1' }), '/hosted/orig/users/u/apps/a/inputs/i1');
    assert.equal(hostedImagePath({ prefix: 'http://h/hosted' }), undefined);
    assert.equal(hostedImagePath(undefined), undefined);
  });
});
