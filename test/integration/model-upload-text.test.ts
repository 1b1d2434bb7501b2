import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { wordPieceTokenizer, zipPackage } from '../helpers/model-package.js';
import { apiOf, newApp, newModel } from '../helpers/models.js';
import { tokenMeanModel } from '../helpers/onnx-graph.js';
import { uploadPackage, waitBuilt } from '../helpers/upload.js';

// Ids of the test tokenizer: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, then these words from 4.
const WORDS = ['great', 'film', '##s', 'awful', 'plot', 'loved'];
const TABLE = Array.from({ length: 4 + WORDS.length }, (_, i) => [Math.sin(i * 1.7), Math.cos(i * 0.9), i / 10]);
const W = [
  [1.5, -1],
  [-0.5, 2],
  [0.25, 0.25],
];
const B = [0.1, -0.1];
const softmax = (v: number[]): number[] => {
  const e = v.map((x) => Math.exp(x - Math.max(...v)));
  return e.map((x) => x / e.reduce((a, c) => a + c, 0));
};
/** The graph's scores for these token ids, computed here: softmax(mean of the table rows · W + B). */
const expected = (ids: number[]): number[] => {
  const mean = [0, 1, 2].map((d) => ids.reduce((s, id) => s + TABLE[id]![d]!, 0) / ids.length);
  return softmax(B.map((b, j) => b + mean.reduce((s, m, d) => s + m * W[d]![j]!, 0)));
};

/** An uploaded model that takes text through its own tokenizer.json (input.kind text), over both transports. */
describeBoth(
  'PostModelVersionsUpload: a text model with its tokenizer',
  (h) => {
    const api = apiOf(h);
    let uai: { user_id: string; app_id: string };
    const config = (extra: ApiObject = {}) =>
      JSON.stringify({
        input: { kind: 'text', name: 'input_ids', attention_mask: 'attention_mask', max_length: 16, ...extra },
        output: { kind: 'concepts', name: 'y', concepts: ['pos', 'neg'], activation: 'softmax' },
      });

    before(async () => {
      uai = await newApp(api, uid('upload-text'));
      await newModel(api, uai, { id: 'reviews', model_type_id: 'text-classifier' });
      await newModel(api, uai, { id: 'photos', model_type_id: 'visual-classifier' });
    });

    it('scores the ids its tokenizer gives (sub-words, unknown words, [CLS] … [SEP]), a batch padded and masked, to 1e-5', async () => {
      const pkg = await zipPackage({ 'model.onnx': tokenMeanModel(TABLE, W, B), 'config.json': config(), 'tokenizer.json': wordPieceTokenizer(WORDS) });
      const up = await uploadPackage(h, uai, 'reviews', pkg, { modelVersion: { id: 'tok-1' } });
      assert.equal(up.last.status.code, 21107, JSON.stringify(up.last.status));
      const v = await waitBuilt(api, uai, 'reviews', 'tok-1');
      assert.equal(v.status.code, 21100, JSON.stringify(v.status));
      assert.match(v.status.details, /takes text as the token ids of its tokenizer\.json \(at most 16, padded to the longest of a batch\)/);
      const cases: [string, number[]][] = [
        ['Great films', [2, 4, 5, 6, 3]],
        ['an awful plot', [2, 1, 7, 8, 3]],
        ['LOVED', [2, 9, 3]],
      ];
      const r = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: 'reviews',
        version_id: 'tok-1',
        inputs: cases.map(([t]) => ({ data: { text: { raw: t } } })),
      });
      cases.forEach(([text, ids], k) => {
        const want = expected(ids);
        const got = new Map<string, number>(r.outputs[k].data.concepts.map((c: ApiObject) => [c.id, c.value]));
        ['pos', 'neg'].forEach((id, j) => assert.ok(Math.abs(got.get(id)! - want[j]!) < 1e-5, `${text} ${id}: ${got.get(id)} vs ${want[j]}`));
      });
    });

    it('a text package without its tokenizer.json, or on a model of images, is refused 21105 and leaves no version', async () => {
      const noTokenizer = await uploadPackage(h, uai, 'reviews', await zipPackage({ 'model.onnx': tokenMeanModel(TABLE, W, B), 'config.json': config() }), {
        modelVersion: { id: 'tok-none' },
      });
      assert.equal(noTokenizer.last.status.code, 21105, JSON.stringify(noTokenizer.last.status));
      assert.match(noTokenizer.last.status.details, /needs the model's tokenizer\.json/);
      const images = await uploadPackage(
        h,
        uai,
        'photos',
        await zipPackage({ 'model.onnx': tokenMeanModel(TABLE, W, B), 'config.json': config(), 'tokenizer.json': wordPieceTokenizer(WORDS) }),
      );
      assert.equal(images.last.status.code, 21105, JSON.stringify(images.last.status));
      assert.match(images.last.status.details, /takes text \(input\.kind text\), but a visual-classifier model's inputs are images/);
      const listed = await api.ok('ListModelVersions', { user_app_id: uai, model_id: 'photos' });
      assert.equal((listed.model_versions ?? []).length, 0);
    });

    it('a graph input the config leaves unfed ends the check 21108 naming it and the setting', async () => {
      const pkg = await zipPackage({
        'model.onnx': tokenMeanModel(TABLE, W, B),
        'config.json': JSON.stringify({
          input: { kind: 'text', name: 'input_ids' },
          output: { kind: 'concepts', name: 'y', concepts: ['pos', 'neg'] },
        }),
        'tokenizer.json': wordPieceTokenizer(WORDS),
      });
      const up = await uploadPackage(h, uai, 'reviews', pkg, { modelVersion: { id: 'tok-unfed' } });
      const v = await waitBuilt(api, uai, 'reviews', up.last.model_version_id);
      assert.equal(v.status.code, 21108, JSON.stringify(v.status));
      assert.match(v.status.details, /the graph also takes 'attention_mask', which the config does not feed \(input\.attention_mask/);
    });
  },
  { MODELKEEP_INFERENCE_THREADS: '1' },
);
