import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiObject, restClient } from '../helpers/clients.js';
import { sleep } from '../helpers/models.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The README's examples, run as written (REST, as the README's curl commands are). */

/** The 1×1 PNG the README's upload example sends inline. */
const README_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
/** The scopes of the README's app-key example. */
const README_SCOPES = ['Apps_Get', 'Concepts_Get', 'Models_Get', 'Predict'];

describe('README examples', () => {
  let server: TestServer;
  let rest: ReturnType<typeof restClient>;
  before(async () => {
    server = await startTestServer();
    rest = restClient(server.httpPort);
    assert.equal((await rest.raw('POST', '/v2/users/me/apps', { apps: [{ id: 'pets-app' }] })).body.status.code, 10000);
  });
  after(async () => server?.close());

  const until = async (what: string, get: () => Promise<ApiObject>, done: (x: ApiObject) => boolean): Promise<ApiObject> => {
    for (let deadline = Date.now() + 60_000; ; await sleep(100)) {
      const x = await get();
      if (done(x)) return x;
      assert.ok(Date.now() < deadline, `${what}: ${JSON.stringify(x)}`);
    }
  };

  it("the first flow's version, queued with no inputs in the app, ends in 21110 saying to upload labelled inputs", async () => {
    await rest.raw('POST', '/v2/users/me/apps/pets-app/models', { model: { id: 'pets', notes: 'cats and dogs' } });
    const v = await rest.raw('POST', '/v2/users/me/apps/pets-app/models/pets/versions', {
      model_versions: [{ output_info: { data: { concepts: [{ id: 'cat' }, { id: 'dog' }] }, output_config: { concepts_mutually_exclusive: true } } }],
    });
    assert.equal(v.body.model.model_version.status.code, 21103);
    const status = await until(
      'training ends',
      async () => (await rest.raw('GET', `/v2/users/me/apps/pets-app/models/pets/versions/${v.body.model.model_version.id}`)).body.model_version.status,
      (s) => ![21103, 21101].includes(s.code),
    );
    assert.equal(status.code, 21110, JSON.stringify(status));
    assert.match(status.details, /input/i);
  });

  it('the inline image of the upload example is processed (30000)', async () => {
    const r = await rest.raw('POST', '/v2/users/me/apps/pets-app/inputs', {
      inputs: [{ id: 'png1', data: { image: { base64: README_PNG }, concepts: [{ id: 'cat', value: 1 }], metadata: { source: 'phone' } } }],
    });
    assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
    const input = await until(
      'processing ends',
      async () => (await rest.raw('GET', '/v2/users/me/apps/pets-app/inputs/png1')).body.input,
      (i) => ![30001, 30003].includes(i.status.code),
    );
    assert.equal(input.status.code, 30000, JSON.stringify(input.status));
  });

  it('the app key of the example can list and get models and reach predict, and nothing it lacks', async () => {
    const created = await rest.raw('POST', '/v2/users/me/keys', { keys: [{ description: 'ci', scopes: README_SCOPES, apps: [{ id: 'pets-app' }] }] });
    assert.equal(created.body.status.code, 10000, JSON.stringify(created.body.status));
    const key = { authorization: `Key ${created.body.keys[0].id as string}` };
    const list = await rest.raw('GET', '/v2/models', undefined, key);
    assert.equal(list.body.status.code, 10000, JSON.stringify(list.body.status));
    assert.ok((list.body.models as ApiObject[]).some((m) => m.id === 'pets'));
    assert.equal((await rest.raw('GET', '/v2/models/pets', undefined, key)).body.status.code, 10000);
    // Predict passes the scope check (this model has no trained version, so it answers that instead).
    const predicted = await rest.raw('POST', '/v2/models/pets/outputs', { inputs: [{ data: { text: { raw: 'a cat' } } }] }, key);
    assert.notEqual(predicted.body.status.code, 11007);
    assert.doesNotMatch(String(predicted.body.status.details), /lacks the scopes/);
    const denied = await rest.raw('POST', '/v2/models', { model: { id: 'not-allowed' } }, key);
    assert.match(String(denied.body.status.details), /lacks the scopes PostModels needs/);
  });
});
