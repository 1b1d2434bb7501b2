import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { fileServer } from '../helpers/inputs.js';
import { apiOf, newApp, newModel, newVersion } from '../helpers/models.js';

const SYSTEM = { user_id: 'clarifai', app_id: 'main' };
const text = (raw: string): ApiObject => ({ data: { text: { raw } } });
const conceptsIn = (...cs: [string, number][]): ApiObject => ({ data: { concepts: cs.map(([id, value]) => ({ id, value })) } });
const ids = (out: ApiObject): string[] => (out.data?.concepts ?? []).map((c: ApiObject) => c.id);

describeBoth(
  'PostModelOutputs: built-in embedders, operators, request rules',
  (h) => {
    const api = apiOf(h);
    let uai: { user_id: string; app_id: string };
    let files: Awaited<ReturnType<typeof fileServer>>;
    before(async () => {
      uai = await newApp(api, uid('predict'));
      files = await fileServer({});
    });
    after(() => files?.close());

    it('clarifai/main is readable by every user and holds the two embedders, each with one TRAINED version', async () => {
      const list = await api.ok('ListModels', { user_app_id: SYSTEM });
      const byId = Object.fromEntries(list.models.map((m: ApiObject) => [m.id, m]));
      assert.equal(byId['general-image-embedding']?.model_type_id, 'visual-embedder');
      assert.equal(byId['general-text-embedding']?.model_type_id, 'text-embedder');
      const versions = await api.ok('ListModelVersions', { user_app_id: SYSTEM, model_id: 'general-text-embedding' });
      assert.equal(versions.model_versions.length, 1);
      assert.equal(versions.model_versions[0].status.code, 21100);
      await api.fails('PostModels', { user_app_id: SYSTEM, models: [{ id: 'mine' }] }, 11007, 403);
    });

    it('general-text-embedding returns data.embeddings; a text model given an image fails that output with 30002', async () => {
      const r = await api.call('PostModelOutputs', {
        user_app_id: SYSTEM,
        model_id: 'general-text-embedding',
        inputs: [{ id: 'in1', ...text('a cat on a mat') }, { data: { image: { base64: Buffer.from('not an image').toString('base64') } } }],
      });
      assert.equal(r.body.status.code, 10010, JSON.stringify(r.body.status));
      const [ok, bad] = r.body.outputs;
      assert.equal(ok.status.code, 10000);
      assert.equal(ok.input.id, 'in1');
      assert.equal(ok.input.data.text.raw, 'a cat on a mat');
      assert.equal(ok.model.id, 'general-text-embedding');
      assert.equal(ok.model.model_version.status.code, 21100);
      assert.equal(ok.data.embeddings[0].num_dimensions, 2048);
      assert.equal(ok.data.embeddings[0].vector.length, 2048);
      const norm = Math.sqrt(ok.data.embeddings[0].vector.reduce((s: number, x: number) => s + x * x, 0));
      assert.ok(Math.abs(norm - 1) < 1e-3, `unit vector (${norm})`);
      assert.equal(bad.status.code, 30002);
      assert.match(bad.status.details, /takes text \(data.text.raw or data.text.url\); this input has data.image/);
      assert.equal(bad.input.data.image.base64, 'dHJ1ZQ==', 'base64 bytes are not echoed');
      assert.equal(bad.data, undefined);
      assert.match(bad.input.id, /^[0-9a-f]{32}$/);
    });

    it('every input failing is 10020 "Failure": an unreachable URL and undecodable bytes on the image embedder', async () => {
      const r = await api.call('PostModelOutputs', {
        user_app_id: SYSTEM,
        model_id: 'general-image-embedding',
        inputs: [{ data: { image: { url: files.url('/missing.png') } } }, { data: { image: { base64: Buffer.from('hello').toString('base64') } } }],
      });
      assert.equal(r.body.status.code, 10020);
      assert.equal(r.body.status.description, 'Failure');
      if (h.api.transport === 'rest') assert.equal(r.http, 400);
      assert.deepEqual(
        r.body.outputs.map((o: ApiObject) => o.status.code),
        [30002, 30002],
      );
      assert.match(r.body.outputs[0].status.details, /HTTP 404/);
      assert.match(r.body.outputs[1].status.details, /could not be decoded/);
    });

    it('request limits: no inputs or more than 128 is 40001; an empty legacy output_config is fine', async () => {
      const m = { user_app_id: SYSTEM, model_id: 'general-text-embedding' };
      let s = await api.fails('PostModelOutputs', { ...m, inputs: [] }, 40001, 400);
      assert.match(s.details!, /at least one input/);
      s = await api.fails('PostModelOutputs', { ...m, inputs: Array.from({ length: 129 }, () => text('x')) }, 40001, 400);
      assert.match(s.details!, /at most 128 inputs per call; got 129/);
      await api.ok('PostModelOutputs', {
        ...m,
        inputs: [text('x')],
        model: { id: 'general-text-embedding', output_info: { output_config: { max_concepts: 0 } } },
      });
      await api.fails('PostModelOutputs', { ...m, model_id: 'nope', inputs: [text('x')] }, 21200, 404);
    });

    it('no TRAINED version (row 3): 21102 when nothing is training, 21103 while one is queued; details list the versions', async () => {
      await newModel(api, uai, { id: 'untrained', model_type_id: 'text-classifier' });
      let s = await api.fails('PostModelOutputs', { user_app_id: uai, model_id: 'untrained', inputs: [text('x')] }, 21102, 400);
      assert.match(s.details!, /no version to predict with/);
      // This suite's server runs no worker (NO_WORKER), so the version stays queued.
      const v = await newVersion(api, uai, 'untrained', {
        output_info: { data: { concepts: [{ id: 'a' }, { id: 'b' }] } },
        train_info: { params: { template: 'modelkeep_text_logreg' } },
      });
      s = await api.fails('PostModelOutputs', { user_app_id: uai, model_id: 'untrained', inputs: [text('x')] }, 21103, 400);
      assert.match(s.details!, new RegExp(`Versions, newest first: ${v.id} \\(21103`));
      assert.match(s.details!, /poll GetModelVersion/);
      s = await api.fails('PostModelOutputs', { user_app_id: uai, model_id: 'untrained', version_id: v.id, inputs: [text('x')] }, 21103, 400);
      await api.fails('PostModelOutputs', { user_app_id: uai, model_id: 'untrained', version_id: 'nope', inputs: [text('x')] }, 21200, 404);
    });

    it('concept-thresholder: TRAINED at once; filters per-concept thresholds; comparator overridable per request', async () => {
      await newModel(api, uai, { id: 'thr', model_type_id: 'concept-thresholder' });
      const v = await newVersion(api, uai, 'thr', {
        output_info: {
          data: {
            concepts: [
              { id: 'cat', value: 0.5 },
              { id: 'dog', value: 0.8 },
            ],
          },
        },
      });
      assert.equal(v.status.code, 21100);
      const inputs = [conceptsIn(['cat', 0.6], ['dog', 0.7], ['bird', 0.1]), conceptsIn(['cat', 0.4])];
      const r = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'thr', inputs });
      assert.deepEqual(r.outputs.map(ids), [['cat', 'bird'], []]);
      const lt = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: 'thr',
        inputs,
        model: { model_version: { output_info: { params: { concept_threshold_type: 'LESS_THAN' } } } },
      });
      assert.deepEqual(lt.outputs.map(ids), [['dog', 'bird'], ['cat']]);
      const top1 = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: 'thr',
        inputs,
        model: { model_version: { output_info: { output_config: { max_concepts: 1 } } } },
      });
      assert.deepEqual(top1.outputs.map(ids), [['cat'], []]);
      assert.equal(r.outputs[0].data.concepts[0].app_id, uai.app_id);
      const textIn = await api.call('PostModelOutputs', { user_app_id: uai, model_id: 'thr', inputs: [text('hi')] });
      assert.equal(textIn.body.status.code, 10020);
      assert.match(textIn.body.outputs[0].status.details, /takes concepts/);
    });

    it('the legacy model.output_info.output_config is honoured (row 9); the new place wins field by field', async () => {
      const inputs = [conceptsIn(['cat', 0.6], ['dog', 0.7], ['bird', 0.1]), conceptsIn(['cat', 0.4])];
      const predict = (model: ApiObject) => api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'thr', inputs, model });
      const legacy = (oc: ApiObject) => ({ output_info: { output_config: oc } });
      assert.deepEqual((await predict(legacy({ max_concepts: 1 }))).outputs.map(ids), [['cat'], []]);
      assert.deepEqual((await predict(legacy({ select_concepts: [{ id: 'cat' }] }))).outputs.map(ids), [['cat'], []]);
      assert.deepEqual((await predict(legacy({ min_value: 0.2 }))).outputs.map(ids), [['cat'], []]);
      // Both places: max_concepts from the new place, min_value from the legacy one.
      const both = (oc: ApiObject, old: ApiObject) => ({ ...legacy(old), model_version: { output_info: { output_config: oc } } });
      assert.deepEqual((await predict(both({ max_concepts: 2 }, { max_concepts: 1, min_value: 0.05 }))).outputs.map(ids), [['cat', 'bird'], []]);
      assert.deepEqual((await predict(both({ max_concepts: 2 }, { min_value: 0.2 }))).outputs.map(ids), [['cat'], []]);
      const s = await api.fails('PostModelOutputs', { user_app_id: uai, model_id: 'thr', inputs, model: legacy({ max_concepts: 500 }) }, 21202, 400);
      assert.match(s.details!, /max_concepts 500/);
    });

    it('random-sample: keep_fraction 1 passes every input through, 0 none (outputs still there, without data)', async () => {
      await newModel(api, uai, { id: 'sample', model_type_id: 'random-sample' });
      const v1 = await newVersion(api, uai, 'sample', { output_info: { params: { keep_fraction: 1 } } });
      const inputs = [text('one'), text('two')];
      const all = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'sample', inputs });
      assert.deepEqual(
        all.outputs.map((o: ApiObject) => o.data?.text?.raw),
        ['one', 'two'],
      );
      const none = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: 'sample',
        version_id: v1.id,
        inputs,
        model: { model_version: { output_info: { params: { keep_fraction: 0 } } } },
      });
      assert.deepEqual(
        none.outputs.map((o: ApiObject) => o.data?.text?.raw),
        [undefined, undefined],
      );
      assert.deepEqual(
        none.outputs.map((o: ApiObject) => o.status.code),
        [10000, 10000],
      );
    });
  },
  NO_WORKER,
);

describeBoth(
  'PostModelOutputs with MODELKEEP_STRICT_2023: the legacy override location is refused (row 9)',
  (h) => {
    const api = apiOf(h);
    it('model.output_info.output_config with content answers 21202 naming the new place; empty echoes and the new place still work', async () => {
      const m = { user_app_id: SYSTEM, model_id: 'general-text-embedding', inputs: [text('x')] };
      for (const oc of [{ max_concepts: 3 }, { min_value: 0.5 }, { select_concepts: [{ id: 'a' }] }]) {
        const s = await api.fails('PostModelOutputs', { ...m, model: { output_info: { output_config: oc } } }, 21202, 400);
        assert.match(s.details!, /model\.model_version\.output_info\.output_config/);
        assert.match(s.details!, /MODELKEEP_STRICT_2023/);
      }
      await api.ok('PostModelOutputs', { ...m, model: { id: 'general-text-embedding', output_info: { output_config: { max_concepts: 0 } } } });
    });
  },
  { MODELKEEP_STRICT_2023: 'true' },
);
