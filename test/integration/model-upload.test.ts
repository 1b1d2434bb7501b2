import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import sharp from 'sharp';
import { decodeRgb } from '../../src/ml/embedders/image-decode.js';
import { HashingTextEmbedder } from '../../src/ml/embedders/text-hashing.js';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { headConfig, tarGzPackage, zipPackage } from '../helpers/model-package.js';
import { apiOf, newApp, newModel } from '../helpers/models.js';
import { linearModel } from '../helpers/onnx-graph.js';
import { uploadPackage, waitBuilt as waitUploaded } from '../helpers/upload.js';

/** A deterministic matrix rows × cols with small values (no two columns alike). */
const matrix = (rows: number, cols: number, seed: number): number[][] =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Math.sin(seed + i * 7.1 + j * 3.3) * 0.5));
const affine = (x: ArrayLike<number>, w: number[][], b: number[]): number[] => b.map((bj, j) => bj + w.reduce((s, row, i) => s + x[i]! * row[j]!, 0));
const softmax = (v: number[]): number[] => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, c) => a + c, 0);
  return e.map((x) => x / s);
};
const close = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 1e-5, `${what}: ${got} vs ${want}`);

const TEXT_DIM = 2048;
const W_TEXT = matrix(TEXT_DIM, 3, 1);
const B_TEXT = [0.1, -0.2, 0.05];
const TEXT_CONCEPTS = ['sports', 'politics', 'cooking'];

const LIMIT = 1_000_000;

/** Upload → 21107 → 21100 → predict, over both transports, with packages the tests build themselves. */
describeBoth(
  'PostModelVersionsUpload: an ONNX package becomes a version that predicts',
  (h) => {
    const api = apiOf(h);
    let uai: { user_id: string; app_id: string };
    const textHead = () => zipPackage({ 'model.onnx': linearModel(W_TEXT, B_TEXT, { softmax: false }), 'config.json': headConfig(TEXT_DIM, TEXT_CONCEPTS) });

    const waitBuilt = (modelId: string, versionId: string): Promise<ApiObject> => waitUploaded(api, uai, modelId, versionId);
    const versionCount = async (modelId: string): Promise<number> =>
      ((await api.ok('ListModelVersions', { user_app_id: uai, model_id: modelId })).model_versions ?? []).length;
    const refused = async (modelId: string, bytes: Uint8Array, code: number, details: RegExp, modelVersion?: ApiObject): Promise<void> => {
      const before = await versionCount(modelId);
      const r = await uploadPackage(h, uai, modelId, bytes, modelVersion ? { modelVersion } : {});
      assert.equal(r.last.status?.code, code, JSON.stringify(r.last.status));
      assert.match(String(r.last.status.details), details);
      if (h.api.transport === 'rest') assert.equal(r.http, 400);
      assert.equal(await versionCount(modelId), before, 'a refused upload leaves no version behind');
    };

    before(async () => {
      uai = await newApp(api, uid('upload'));
      await newModel(api, uai, { id: 'topics', model_type_id: 'text-classifier' });
      await newModel(api, uai, { id: 'pixels', model_type_id: 'visual-classifier' });
      await newModel(api, uai, { id: 'projector', model_type_id: 'text-embedder' });
    });

    it('answers 68000 with bytes_remaining and the version id, then 21107 MODEL_BUILDING; the version ends 21100', async () => {
      const bytes = await textHead();
      const r = await uploadPackage(h, uai, 'topics', bytes, { modelVersion: { id: 'uploaded-1', description: 'a head trained elsewhere' }, partBytes: 8192 });
      if (h.api.transport === 'grpc') {
        assert.ok(r.answers.length >= 3, `one answer per message, got ${r.answers.length}`);
        assert.equal(r.answers[0]!.status.code, 68000);
        assert.equal(r.answers[0]!.bytes_remaining, String(bytes.length));
        assert.equal(r.answers[0]!.model_version_id, 'uploaded-1');
        const middle = r.answers[1]!;
        assert.equal(middle.status.code, 68000);
        assert.equal(Number(middle.bytes_remaining), bytes.length - 8192);
        assert.ok(middle.status.percent_completed > 0 && middle.status.percent_completed < 100);
        const ids = new Set(r.answers.map((a) => a.status.req_id));
        assert.equal(ids.size, 1, 'one req_id for the whole stream');
      } else assert.equal(r.http, 200);
      assert.equal(r.last.status.code, 21107, JSON.stringify(r.last.status));
      assert.equal(r.last.model_version_id, 'uploaded-1');
      assert.equal(r.last.bytes_remaining ?? '0', '0', 'proto3 leaves a 0 out over gRPC');
      const v = await waitBuilt('topics', 'uploaded-1');
      assert.equal(v.status.code, 21100, JSON.stringify(v.status));
      assert.match(
        v.status.details,
        /loaded and ran a probe input: it takes the 2048 numbers of general-text-embedding and gives 3 concept scores \(softmax\)/,
      );
      assert.ok(v.completed_at);
      assert.equal(v.description, 'a head trained elsewhere');
      assert.deepEqual(
        (await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'topics', version_id: 'uploaded-1' })).model_version.output_info.data?.concepts?.map(
          (c: ApiObject) => c.id,
        ) ?? TEXT_CONCEPTS,
        TEXT_CONCEPTS,
      );
    });

    it('its check is in the "builder" log Clarifai\'s Python client polls, one url per line', async () => {
      const r = await api.ok('ListLogEntries', { user_app_id: uai, model_id: 'topics', model_version_id: 'uploaded-1', log_type: 'builder' });
      const messages = r.log_entries.map((e: ApiObject) => e.message as string);
      assert.ok(
        messages.some((m: string) => /checking the uploaded package/.test(m)),
        messages.join('\n'),
      );
      assert.ok(
        messages.some((m: string) => /loaded and ran a probe input/.test(m)),
        messages.join('\n'),
      );
      assert.equal(new Set(r.log_entries.map((e: ApiObject) => e.url)).size, r.log_entries.length);
      assert.ok(r.log_entries.every((e: ApiObject) => e.log_type === 'builder'));
      const other = await api.call('ListLogEntries', { user_app_id: uai, model_id: 'topics', model_version_id: 'uploaded-1', log_type: 'runner' });
      assert.equal(other.body.status.code, 21202);
      assert.match(other.body.status.details, /use "training" \(or "builder" for an uploaded version\)/);
    });

    it('PostModelOutputs on it gives the softmax of the head over the text embedder, to 1e-5, with the output_config rules', async () => {
      const texts = ['the match ended in a draw after extra time', 'parliament passed the budget', 'simmer the sauce for ten minutes'];
      const r = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: 'topics',
        version_id: 'uploaded-1',
        inputs: texts.map((t) => ({ data: { text: { raw: t } } })),
      });
      const vectors = await new HashingTextEmbedder().embed(texts.map((text) => ({ text })));
      r.outputs.forEach((o: ApiObject, k: number) => {
        const want = softmax(affine(vectors[k]!, W_TEXT, B_TEXT));
        const got = new Map<string, number>(o.data.concepts.map((c: ApiObject) => [c.id, c.value]));
        TEXT_CONCEPTS.forEach((id, j) => close(got.get(id)!, want[j]!, `${id} of input ${k}`));
        const values = o.data.concepts.map((c: ApiObject) => c.value);
        assert.deepEqual(
          values,
          [...values].sort((a: number, b: number) => b - a),
          'sorted by value',
        );
      });
      const top = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: 'topics',
        inputs: [{ data: { text: { raw: texts[0] } } }],
        model: { model_version: { output_info: { output_config: { max_concepts: 1 } } } },
      });
      assert.equal(top.outputs[0].data.concepts.length, 1, 'max_concepts applies; the newest TRAINED version is the upload');
    });

    it('an image model (.tar.gz, NHWC, BGR, mean / std) scores the preprocessed pixels as the test computes them', async () => {
      const W = matrix(4 * 4 * 3, 2, 5);
      const B = [0.3, -0.1];
      const mean = [0.5, 0.4, 0.3];
      const std = [0.2, 0.25, 0.3];
      const config = {
        input: { kind: 'image', name: 'x', width: 4, height: 4, layout: 'NHWC', channels: 'BGR', mean, std },
        output: { kind: 'concepts', name: 'y', concepts: ['warm', 'cold'], activation: 'sigmoid' },
      };
      // The graph sees a flat row of 48 values: a linear model over [N, 48] with the image's layout inside the row.
      const onnx = linearModel(W, B, { softmax: false });
      const pkg = await tarGzPackage({ './model.onnx': onnx, './config.json': JSON.stringify(config) });
      // The shapes differ ([N,4,4,3] fed, [N,48] declared): the probe refuses it, with the words of onnxruntime.
      const bad = await uploadPackage(h, uai, 'pixels', pkg, { modelVersion: { id: 'pix-bad' } });
      assert.equal(bad.last.status.code, 21107);
      const failed = await waitBuilt('pixels', 'pix-bad');
      assert.equal(failed.status.code, 21108, JSON.stringify(failed.status));
      assert.match(failed.status.details, /probe input of shape \[1, 4, 4, 3\] does not run/);

      const img = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 200, g: 60, b: 30 } } })
        .png()
        .toBuffer();
      const reshaped = await zipPackage({ 'model.onnx': linearModelNhwc(W, B), 'config.json': JSON.stringify(config) });
      const ok = await uploadPackage(h, uai, 'pixels', reshaped, { modelVersion: { id: 'pix' } });
      assert.equal(ok.last.status.code, 21107, JSON.stringify(ok.last.status));
      assert.equal((await waitBuilt('pixels', 'pix')).status.code, 21100);
      const r = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'pixels', inputs: [{ data: { image: { base64: img.toString('base64') } } }] });
      const rgb = await decodeRgb(img, 4, 4, 0);
      const row: number[] = [];
      for (let p = 0; p < 16; p++)
        for (const [c, src] of [
          [0, 2],
          [1, 1],
          [2, 0],
        ] as const)
          row.push((rgb[p * 3 + src]! / 255 - mean[c]!) / std[c]!);
      const want = affine(row, W, B).map((z) => 1 / (1 + Math.exp(-z)));
      const got = new Map<string, number>(r.outputs[0].data.concepts.map((c: ApiObject) => [c.id, c.value]));
      close(got.get('warm')!, want[0]!, 'warm');
      close(got.get('cold')!, want[1]!, 'cold');
    });

    it('an embedder package over the text embedder answers data.embeddings', async () => {
      const W = matrix(TEXT_DIM, 4, 9);
      const B = [0, 0.5, -0.5, 1];
      const config = { input: { kind: 'embedding', name: 'x', size: TEXT_DIM }, output: { kind: 'embedding', name: 'y', size: 4 } };
      const r = await uploadPackage(
        h,
        uai,
        'projector',
        await zipPackage({ 'model.onnx': linearModel(W, B, { softmax: false }), 'config.json': JSON.stringify(config) }),
      );
      assert.equal((await waitBuilt('projector', r.last.model_version_id)).status.code, 21100);
      const out = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'projector', inputs: [{ data: { text: { raw: 'a quiet lake at dawn' } } }] });
      const [x] = await new HashingTextEmbedder().embed([{ text: 'a quiet lake at dawn' }]);
      const want = affine(x!, W, B);
      const got = out.outputs[0].data.embeddings[0].vector as number[];
      assert.equal(got.length, 4);
      want.forEach((v, j) => close(got[j]!, v, `dimension ${j}`));
    });

    it('a package whose graph does not give what its config says ends 21108 naming both sizes', async () => {
      const pkg = await zipPackage({
        'model.onnx': linearModel(matrix(TEXT_DIM, 2, 3), [0, 0], { softmax: false }),
        'config.json': headConfig(TEXT_DIM, ['a', 'b', 'c']),
      });
      const r = await uploadPackage(h, uai, 'topics', pkg, { modelVersion: { id: 'mismatch' } });
      const v = await waitBuilt('topics', r.last.model_version_id);
      assert.equal(v.status.code, 21108);
      assert.equal(v.status.description, 'Model building failed');
      assert.match(v.status.details, /config says 3 outputs per input, the graph gives 2/);
      // A version that never became TRAINED is not what predictions run.
      const p = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'topics', inputs: [{ data: { text: { raw: 'x' } } }] });
      assert.equal(p.outputs[0].model.model_version.id, 'uploaded-1');
    });

    it("an input size that is not the base embedder's ends 21108 naming both", async () => {
      const pkg = await zipPackage({
        'model.onnx': linearModel(matrix(10, 3, 2), [0, 0, 0], { softmax: false }),
        'config.json': headConfig(10, TEXT_CONCEPTS),
      });
      const r = await uploadPackage(h, uai, 'topics', pkg);
      const v = await waitBuilt('topics', r.last.model_version_id);
      assert.equal(v.status.code, 21108);
      assert.match(v.status.details, /takes 10 numbers, but its base embedder general-text-embedding gives 2048/);
    });

    it('bad packages are refused with 21105 and leave nothing behind', async () => {
      const graph = linearModel(matrix(TEXT_DIM, 3, 1), B_TEXT, { softmax: false });
      await refused('topics', Buffer.from('just some bytes, not an archive'), 21105, /must be a \.zip or a \.tar\.gz/);
      await refused(
        'topics',
        await zipPackage({ 'config.json': headConfig(TEXT_DIM, TEXT_CONCEPTS) }),
        21105,
        /no model\.onnx at its root; it holds config\.json/,
      );
      await refused(
        'topics',
        await tarGzPackage({ 'model.onnx': graph, 'config.json': headConfig(TEXT_DIM, TEXT_CONCEPTS), '../escape.sh': 'x' }),
        21105,
        /leaves the package/,
      );
      await refused(
        'topics',
        await zipPackage({ 'model.onnx': graph, 'config.json': '{"input": {"kind": "audio", "name": "x"}}' }),
        21105,
        /input\.kind must be embedding, image or text/,
      );
      await refused(
        'topics',
        await zipPackage({
          'model.onnx': graph,
          'config.json': JSON.stringify({ input: { kind: 'embedding', name: 'x', size: TEXT_DIM }, output: { kind: 'embedding', name: 'y', size: 3 } }),
        }),
        21105,
        /gives an embedding \(output\.kind embedding\), which a text-classifier model does not/,
      );
      await refused(
        'topics',
        await textHead(),
        21105,
        /output_info\.data\.concepts \(sports, weather\) are not the concepts of its config \(sports, politics, cooking\)/,
        {
          output_info: { data: { concepts: [{ id: 'sports' }, { id: 'weather' }] } },
        },
      );
      await refused('topics', Buffer.alloc(LIMIT + 1), 21105, /at most 1000000 bytes \(MODELKEEP_MAX_MODEL_BYTES\)/);
    });

    it('a version id the model has is 40010 before any byte is kept', async () => {
      const r = await uploadPackage(h, uai, 'topics', await textHead(), { modelVersion: { id: 'uploaded-1' } });
      assert.equal(r.last.status.code, 40010, JSON.stringify(r.last.status));
      if (h.api.transport === 'rest') assert.equal(r.http, 409);
    });

    it('only classifier and embedder models take uploads; uploaded versions are not evaluated', async () => {
      await newModel(api, uai, { id: 'threshold', model_type_id: 'concept-thresholder' });
      const r = await uploadPackage(h, uai, 'threshold', await textHead());
      assert.equal(r.last.status.code, 21202);
      assert.match(
        r.last.status.details,
        /a concept-thresholder, which cannot take an uploaded package; upload to a model of type embedding-classifier, text-classifier/,
      );
      const ev = await api.call('PostModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: 'uploaded-1' });
      assert.equal(ev.body.status.code, 21202);
      assert.match(ev.body.status.details, /was uploaded \(an ONNX package\); modelkeep evaluates only the versions it trains/);
    });
  },
  // Uploaded models run on an inference thread here (the production default), in-process in the other suites.
  { MODELKEEP_MAX_MODEL_BYTES: String(LIMIT), MODELKEEP_INFERENCE_THREADS: '1' },
);

/** y = x · W + b over an image tensor [N, 4, 4, 3]: flattened first, so the row order is the NHWC layout. */
function linearModelNhwc(w: number[][], b: number[]): Uint8Array {
  return linearModel(w, b, { softmax: false, reshapeFrom: [4, 4, 3] });
}
