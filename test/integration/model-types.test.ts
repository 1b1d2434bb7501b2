import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import { apiOf, ids, newApp } from '../helpers/models.js';

/** The catalog the issue requires, with each type's trainable / creatable flags. */
const REQUIRED: Record<string, { trainable: boolean; creatable: boolean }> = {
  'embedding-classifier': { trainable: true, creatable: true },
  'text-classifier': { trainable: true, creatable: true },
  'visual-classifier': { trainable: true, creatable: true },
  // Creatable since uploads (decision 0036): their versions are uploaded ONNX models.
  'visual-embedder': { trainable: false, creatable: true },
  'text-embedder': { trainable: false, creatable: true },
  clusterer: { trainable: true, creatable: true },
  'concept-thresholder': { trainable: false, creatable: true },
  'random-sample': { trainable: false, creatable: true },
  'knn-concept': { trainable: false, creatable: true },
};

const FIELD_TYPE_ENUM = 8;

describeBoth('ListModelTypes / GetModelType', (h) => {
  const api = apiOf(h);
  const appId = uid('app');
  let uai: { user_id: string; app_id: string };
  before(async () => {
    uai = await newApp(api, appId);
  });

  it('lists at least the required types with trainable, creatable, input/output fields and model_type_fields', async () => {
    const body = await api.ok('ListModelTypes', { user_app_id: uai });
    const byId = new Map<string, Record<string, any>>(body.model_types.map((t: { id: string }) => [t.id, t]));
    for (const [id, flags] of Object.entries(REQUIRED)) {
      const t = byId.get(id);
      assert.ok(t, `${id} is listed`);
      assert.equal(Boolean(t.trainable), flags.trainable, `${id}.trainable`);
      assert.equal(Boolean(t.creatable), flags.creatable, `${id}.creatable`);
      assert.ok(t.input_fields.length > 0, `${id} has input_fields`);
      assert.ok(t.output_fields.length > 0, `${id} has output_fields`);
      assert.ok(typeof t.title === 'string' && t.title.length > 0, `${id} has a title`);
    }
    assert.deepEqual(byId.get('text-classifier')!.input_fields, ['text']);
    assert.deepEqual(byId.get('clusterer')!.output_fields, ['clusters']);
    // Concept-producing types describe their params with paths, types, defaults and ranges.
    const ec = byId.get('embedding-classifier')!;
    const maxConcepts = ec.model_type_fields.find((f: { path: string }) => f.path === 'output_info.params.max_concepts');
    assert.ok(maxConcepts, 'embedding-classifier describes output_info.params.max_concepts');
    assert.equal(maxConcepts.default_value, 20);
    assert.deepEqual(maxConcepts.model_type_range_info, { min: 1, max: 200, step: 1 });
    const concepts = ec.model_type_fields.find((f: { path: string }) => f.path === 'output_info.data');
    assert.ok(concepts?.required, 'concepts are required for embedding-classifier');
    const thresholder = byId.get('concept-thresholder')!;
    assert.ok(
      thresholder.model_type_fields.some(
        (f: { path: string; field_type: number }) => f.path === 'output_info.params.concept_threshold_type' && f.field_type === FIELD_TYPE_ENUM,
      ),
    );
  });

  it('pages the catalog', async () => {
    const all = ids((await api.ok('ListModelTypes', { user_app_id: uai })).model_types);
    const p1 = ids((await api.ok('ListModelTypes', { user_app_id: uai, per_page: 2 })).model_types);
    const p2 = ids((await api.ok('ListModelTypes', { user_app_id: uai, per_page: 2, page: 2 })).model_types);
    assert.deepEqual(p1, all.slice(0, 2));
    assert.deepEqual(p2, all.slice(2, 4));
  });

  it('GetModelType returns one type with its fields', async () => {
    const body = await api.ok('GetModelType', { user_app_id: uai, model_type_id: 'knn-concept' });
    assert.equal(body.model_type.id, 'knn-concept');
    assert.ok(body.model_type.creatable);
    assert.ok(!body.model_type.trainable);
    assert.ok(body.model_type.model_type_fields.some((f: { path: string }) => f.path === 'output_info.params.k'));
  });

  it('text-classifier exposes an ENUM field at train_info.params.template with its options and their hyper-parameters', async () => {
    const body = await api.ok('GetModelType', { user_app_id: uai, model_type_id: 'text-classifier' });
    const tpl = body.model_type.model_type_fields.find((f: { path: string }) => f.path === 'train_info.params.template');
    assert.ok(tpl, 'template field present');
    assert.equal(tpl.field_type, FIELD_TYPE_ENUM);
    assert.ok(tpl.required);
    assert.ok(tpl.model_type_enum_options.length >= 1);
    const opt = tpl.model_type_enum_options[0];
    assert.equal(opt.id, 'modelkeep_text_logreg');
    assert.ok(
      opt.model_type_fields.some((f: { path: string }) => f.path === 'train_info.params.num_epochs'),
      'the option carries its hyper-parameters',
    );
  });

  it('GetModelType of an unknown type is a clear error (HTTP 404) naming it and the known types', async () => {
    const st = await api.fails('GetModelType', { user_app_id: uai, model_type_id: 'no-such-type' }, 11101, 404);
    assert.match(st.details ?? '', /no-such-type/);
    assert.match(st.details ?? '', /embedding-classifier/);
  });

  it('[REST] /models/types is not taken for a model id', async (t) => {
    if (api.transport() !== 'rest') return t.skip('REST routing');
    const r = await h.rest.raw('GET', `/v2/users/me/apps/${appId}/models/types`);
    assert.equal(r.http, 200);
    assert.ok(r.body.model_types.length >= Object.keys(REQUIRED).length);
  });
});

describeBoth('RPCs modelkeep does not implement', (h) => {
  const api = apiOf(h);
  const appId = uid('app');
  let uai: { user_id: string; app_id: string };
  before(async () => {
    uai = await newApp(api, appId);
  });

  for (const [rpc, req] of [
    ['PostModules', { modules: [{ id: 'mod' }] }],
    ['ListModules', {}],
  ] as const) {
    it(`${rpc} answers 10040 NOT_IMPLEMENTED (HTTP 501) with a normal response body`, async () => {
      const r = await api.call(rpc, { user_app_id: uai, ...req });
      assert.equal(r.body.status.code, 10040, JSON.stringify(r.body.status));
      assert.equal(r.body.status.description, 'Not Implemented');
      assert.match(r.body.status.details, new RegExp(rpc));
      assert.match(r.body.status.req_id, /^[0-9a-f]{32}$/);
      if (api.transport() === 'rest') {
        assert.equal(r.http, 501);
        assert.deepEqual(r.body.modules, [], 'list fields present in the error body');
      }
    });
  }
});
