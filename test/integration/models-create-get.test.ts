import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { assertConforms } from '../helpers/conformance.js';
import { apiOf, concepts, newApp, newModel, newVersion, sleep, versionIds } from '../helpers/models.js';
import { TEST_USER } from '../helpers/server.js';

const HEX32 = /^[0-9a-f]{32}$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describeBoth(
  'PostModels (2023-01-20: a model, never a version)',
  (h) => {
    const api = apiOf(h);
    const appId = uid('app');
    let uai: { user_id: string; app_id: string };
    before(async () => {
      uai = await newApp(api, appId);
    });

    it('creates the model only: no model_version in the response and none listed', async () => {
      const body = await api.ok('PostModels', { user_app_id: uai, models: [{ id: 'pets', notes: 'my pets', description: 'Pets' }] });
      const m = body.model;
      assert.equal(m.id, 'pets');
      assert.equal(m.app_id, appId);
      assert.equal(m.user_id, TEST_USER);
      assert.equal(m.notes, 'my pets');
      assert.equal(m.description, 'Pets');
      assert.equal(m.name, 'pets', 'name falls back to the id');
      assert.equal(m.model_version, undefined);
      assert.match(m.created_at, RFC3339);
      assert.match(body.status.req_id, HEX32);
      assert.equal(body.status.description, 'Ok');
      assert.deepEqual(await versionIds(api, uai, 'pets'), []);
      const got = await api.ok('GetModel', { user_app_id: uai, model_id: 'pets' });
      assert.equal(got.model.model_version, undefined, 'GetModel of a model without versions has no model_version');
    });

    it('accepts the deprecated singular `model`', async () => {
      const body = await api.ok('PostModels', { user_app_id: uai, model: { id: 'singular', description: 'old style' } });
      assert.equal(body.model.id, 'singular');
      assert.equal(body.model.description, 'old style');
      assert.equal(body.model.model_version, undefined);
      const got = await api.ok('GetModel', { user_app_id: uai, model_id: 'singular' });
      assert.equal(got.model.description, 'old style');
    });

    it('accepts `models` with one entry and refuses more than one', async () => {
      const body = await api.ok('PostModels', { user_app_id: uai, models: [{ id: 'plural' }] });
      assert.equal(body.model.id, 'plural');
      const st = await api.fails('PostModels', { user_app_id: uai, models: [{ id: 'two-a' }, { id: 'two-b' }] }, 21203, 400);
      assert.match(st.details ?? '', /one model/);
      await api.fails('GetModel', { user_app_id: uai, model_id: 'two-a' }, 21200, 404);
    });

    it('defaults model_type_id to embedding-classifier', async () => {
      const m = await newModel(api, uai, { id: 'typeless' });
      assert.equal(m.model_type_id, 'embedding-classifier');
      const got = await api.ok('GetModel', { user_app_id: uai, model_id: 'typeless' });
      assert.equal(got.model.model_type_id, 'embedding-classifier');
    });

    it('keeps an explicit creatable model_type_id', async () => {
      const m = await newModel(api, uai, { id: 'texty', model_type_id: 'text-classifier' });
      assert.equal(m.model_type_id, 'text-classifier');
    });

    it('refuses an unknown model_type_id with 21202 listing the creatable types', async () => {
      const st = await api.fails('PostModels', { user_app_id: uai, models: [{ id: 'bad-type', model_type_id: 'no-such-type' }] }, 21202, 400);
      assert.equal(st.description, 'Invalid model argument');
      assert.match(st.details ?? '', /no-such-type/);
      for (const t of ['embedding-classifier', 'text-classifier', 'concept-thresholder']) assert.match(st.details ?? '', new RegExp(t));
      await api.fails('GetModel', { user_app_id: uai, model_id: 'bad-type' }, 21200, 404);
    });

    it('refuses a type that exists but is not creatable (visual-detector) with 21202 listing the creatable types', async () => {
      const st = await api.fails('PostModels', { user_app_id: uai, models: [{ id: 'detector', model_type_id: 'visual-detector' }] }, 21202, 400);
      assert.match(st.details ?? '', /visual-detector/);
      assert.match(st.details ?? '', /embedding-classifier/);
      await api.fails('GetModel', { user_app_id: uai, model_id: 'detector' }, 21200, 404);
    });

    it('an embedder model is created for uploads, and PostModelVersions on it points to the upload', async () => {
      await newModel(api, uai, { id: 'my-embedder', model_type_id: 'visual-embedder' });
      const st = await api.fails('PostModelVersions', { user_app_id: uai, model_id: 'my-embedder', model_versions: [{}] }, 21202, 400);
      assert.match(st.details ?? '', /its versions are ONNX models you upload \(PostModelVersionsUpload/);
    });

    it('refuses a duplicate id with 40010 (HTTP 409) naming the id, and keeps the first model', async () => {
      await newModel(api, uai, { id: 'dup', description: 'first' });
      const st = await api.fails('PostModels', { user_app_id: uai, models: [{ id: 'dup', description: 'second' }] }, 40010, 409);
      assert.match(st.details ?? '', /'dup'/);
      const got = await api.ok('GetModel', { user_app_id: uai, model_id: 'dup' });
      assert.equal(got.model.description, 'first');
    });

    it('refuses output_info with content (API-DECISIONS row 7) with 21202 naming PostModelVersions', async () => {
      const st = await api.fails('PostModels', { user_app_id: uai, models: [{ id: 'old-style', output_info: concepts('cat', 'dog') }] }, 21202, 400);
      assert.match(st.details ?? '', /PostModelVersions/);
      assert.match(st.details ?? '', /output_info/);
      await api.fails('GetModel', { user_app_id: uai, model_id: 'old-style' }, 21200, 404);
    });

    it('refuses output_info.output_config on the model too (also version config)', async () => {
      const st = await api.fails(
        'PostModels',
        { user_app_id: uai, model: { id: 'old-style-2', output_info: { output_config: { concepts_mutually_exclusive: true } } } },
        21202,
        400,
      );
      assert.match(st.details ?? '', /PostModelVersions/);
    });

    it('refuses malformed ids with 21202', async () => {
      const st = await api.fails('PostModels', { user_app_id: uai, models: [{ id: 'bad id!' }] }, 21202, 400);
      assert.match(st.details ?? '', /bad id!/);
      await api.fails('PostModels', { user_app_id: uai, models: [{ id: 'x'.repeat(129) }] }, 21202, 400);
    });

    it('[REST] input_info / train_info / import_info on the model answer 21202 naming PostModelVersions, not 11100', async (t) => {
      if (api.transport() !== 'rest') return t.skip('these fields are not in the protos: gRPC drops them as unknown field numbers (decision 0004)');
      const path = `/v2/users/me/apps/${appId}/models`;
      for (const field of ['input_info', 'train_info', 'import_info']) {
        for (const body of [
          { model: { id: `legacy-${field}`, [field]: { params: { a: 1 } } } },
          { models: [{ id: `legacy-${field}`, [field]: { params: { a: 1 } } }] },
        ]) {
          const r = await h.rest.raw('POST', path, body);
          assert.equal(r.http, 400, `${field}: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.status.code, 21202, `${field}: ${JSON.stringify(r.body.status)}`);
          assert.match(r.body.status.details, /PostModelVersions/);
          assert.match(r.body.status.details, new RegExp(field));
          assertConforms('PostModels', r.body);
        }
        await api.fails('GetModel', { user_app_id: uai, model_id: `legacy-${field}` }, 21200, 404);
      }
    });

    it('[REST] a genuinely unknown field on the model is still 11100 with the field path', async (t) => {
      if (api.transport() !== 'rest') return t.skip('REST-only');
      const r = await h.rest.raw('POST', `/v2/users/me/apps/${appId}/models`, { model: { id: 'unknown-field', colour: 'red' } });
      assert.equal(r.http, 400);
      assert.equal(r.body.status.code, 11100);
      assert.match(r.body.status.details, /colour/);
    });
  },
  NO_WORKER,
);

describeBoth(
  'GetModel / GetModelOutputInfo',
  (h) => {
    const api = apiOf(h);
    const appId = uid('app');
    let uai: { user_id: string; app_id: string };
    let older: string;
    let newer: string;
    before(async () => {
      uai = await newApp(api, appId);
      await newModel(api, uai, { id: 'gm' });
      // Ids chosen so that id order and creation order disagree: "latest" must follow created_at.
      older = (await newVersion(api, uai, 'gm', { id: 'zz-first', output_info: concepts('cat', 'dog') })).id;
      await sleep(15);
      newer = (await newVersion(api, uai, 'gm', { id: 'aa-second', output_info: concepts('cat', 'dog', 'bird') })).id;
    });

    it('returns the latest version (newest created_at, not highest id) in model_version', async () => {
      const body = await api.ok('GetModel', { user_app_id: uai, model_id: 'gm' });
      assert.equal(body.model.id, 'gm');
      assert.equal(body.model.model_version.id, newer);
      assert.equal(body.model.model_version.active_concept_count, 3);
      assert.equal(body.model.model_version.status.code, 21103);
    });

    it('returns the named version with version_id', async () => {
      const body = await api.ok('GetModel', { user_app_id: uai, model_id: 'gm', version_id: older });
      assert.equal(body.model.model_version.id, older);
      assert.equal(body.model.model_version.active_concept_count, 2);
    });

    it('answers an unknown model with 21200 "Model does not exist" (HTTP 404)', async () => {
      const st = await api.fails('GetModel', { user_app_id: uai, model_id: 'nope' }, 21200, 404);
      assert.equal(st.description, 'Model does not exist');
      assert.match(st.details ?? '', /nope/);
    });

    it('answers an unknown version with 21200 whose details name the version', async () => {
      const st = await api.fails('GetModel', { user_app_id: uai, model_id: 'gm', version_id: 'no-such-version' }, 21200, 404);
      assert.equal(st.description, 'Model does not exist');
      assert.match(st.details ?? '', /no-such-version/);
      const st2 = await api.fails('GetModelOutputInfo', { user_app_id: uai, model_id: 'gm', version_id: 'no-such-version' }, 21200, 404);
      assert.match(st2.details ?? '', /no-such-version/);
    });

    it('GetModel shows the output_info placeholder message and no concepts', async () => {
      const body = await api.ok('GetModel', { user_app_id: uai, model_id: 'gm' });
      const oi = body.model.model_version.output_info;
      assert.equal(oi.message, 'Show output_info with: GET /models/{model_id}/output_info');
      assert.equal(oi.data?.concepts?.length ?? 0, 0);
    });

    it('GetModelOutputInfo has the concepts of the latest version', async () => {
      const body = await api.ok('GetModelOutputInfo', { user_app_id: uai, model_id: 'gm' });
      const v = body.model.model_version;
      assert.equal(v.id, newer);
      assert.deepEqual(
        v.output_info.data.concepts.map((c: { id: string }) => c.id),
        ['cat', 'dog', 'bird'],
      );
      for (const c of v.output_info.data.concepts) {
        assert.equal(c.name, c.id);
        assert.equal(c.value, 1);
        assert.equal(c.app_id, appId);
      }
      assert.ok(!v.output_info.message, 'no placeholder when concepts are shown');
    });

    it("GetModelOutputInfo with version_id has that version's concepts", async () => {
      const body = await api.ok('GetModelOutputInfo', { user_app_id: uai, model_id: 'gm', version_id: older });
      assert.equal(body.model.model_version.id, older);
      assert.deepEqual(
        body.model.model_version.output_info.data.concepts.map((c: { id: string }) => c.id),
        ['cat', 'dog'],
      );
    });

    it('GetModelOutputInfo of an unknown model is 21200', async () => {
      await api.fails('GetModelOutputInfo', { user_app_id: uai, model_id: 'nope' }, 21200, 404);
    });
  },
  NO_WORKER,
);
