import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  checkOverrides,
  ok,
  openSession,
  pb,
  postInputs,
  predict,
  type Session,
  Struct,
  templateParams,
  topOneAccuracy,
  unary,
  waitForProcessed,
  waitForTraining,
} from './grpc-training.js';
import { CONCEPTS, heldOutSentences, trainingSentences } from './text-topics.js';

/**
 * Real accuracy of a text-classifier, end to end through the official gRPC client: the test writes
 * 3 topics × 20 short labelled sentences (each topic has its own vocabulary, mixed with shared
 * filler words), uploads them with PostInputs, waits until they are processed, trains a version with
 * the parameters GetModelType advertises, and predicts held-out sentences written separately (never
 * uploaded; they reuse some topic words in new combinations, plus words never seen in training).
 */

const MODEL_ID = 'topics';
const textInput = (raw: string, id?: string) => {
  const input = new pb.Input().setData(new pb.Data().setText(new pb.Text().setRaw(raw)));
  return id ? input.setId(id) : input;
};

describe('text-classifier: train on labelled sentences, predict held-out ones (official gRPC client)', { timeout: 600_000 }, () => {
  let s: Session;
  let versionId = '';
  const training = trainingSentences(20, 2024);
  const heldOut = heldOutSentences();

  before(async () => {
    s = await openSession('text-quality');
  });
  after(async () => {
    await s?.close();
  });

  it('the held-out sentences are not in the training set', () => {
    assert.equal(training.length, 60);
    assert.ok(heldOut.length >= 9);
    const train = new Set(training.map((t) => t.text));
    for (const h of heldOut) assert.ok(!train.has(h.text), h.text);
  });

  it('PostInputs with concepts, then every input is processed', async () => {
    const inputs = training.map((t, i) => {
      const input = textInput(t.text, `t${String(i).padStart(3, '0')}`);
      input.getData()!.setConceptsList([new pb.Concept().setId(t.concept).setValue(1)]);
      return input;
    });
    await postInputs(s, inputs);
    await waitForProcessed(s, inputs.length, 120_000);
  });

  it('PostModels, PostModelVersions with the template from GetModelType, trained (21100)', async () => {
    const params = await templateParams(s, 'text-classifier');
    assert.equal(params.template, 'modelkeep_text_logreg');
    params.seed = 7; // reproducible (the template's default -1 picks a seed at random)

    ok(
      await unary(
        s.client.postModels.bind(s.client),
        new pb.PostModelsRequest().setUserAppId(s.uai()).setModel(new pb.Model().setId(MODEL_ID).setModelTypeId('text-classifier')),
      ),
      'PostModels',
    );
    const version = new pb.ModelVersion()
      .setOutputInfo(
        new pb.OutputInfo()
          .setData(new pb.Data().setConceptsList(CONCEPTS.map((c) => new pb.Concept().setId(c))))
          .setOutputConfig(new pb.OutputConfig().setConceptsMutuallyExclusive(true)),
      )
      .setTrainInfo(new pb.TrainInfo().setParams(Struct.fromJavaScript(params)));
    const res = ok(
      await unary(
        s.client.postModelVersions.bind(s.client),
        new pb.PostModelVersionsRequest().setUserAppId(s.uai()).setModelId(MODEL_ID).setModelVersionsList([version]),
      ),
      'PostModelVersions',
    );
    const created = res.getModel()!.getModelVersion()!;
    versionId = created.getId();
    assert.ok([21103, 21101, 21100].includes(created.getStatus()!.getCode()), `queued: ${created.getStatus()?.getCode()}`);
    const stored = created.getTrainInfo()?.getParams()?.toJavaScript() ?? {};
    for (const [k, v] of Object.entries(params)) assert.deepEqual(stored[k], v, `train_info.params.${k} kept`);

    const { version: trained, seen } = await waitForTraining(s, MODEL_ID, versionId, 180_000);
    assert.equal(trained.getStatus()?.getCode(), 21100, `trained: ${JSON.stringify(trained.getStatus()?.toObject())} (seen ${seen.join(' → ')})`);
    assert.equal(trained.getTotalInputCount(), 60);
    assert.ok(trained.hasCompletedAt());
  });

  it('predicts held-out sentences with ≥ 80% top-1 accuracy', async () => {
    const outputs = await predict(
      s,
      MODEL_ID,
      heldOut.map((h) => textInput(h.text)),
    );
    outputs.forEach((o) => assert.equal(o.getModel()?.getModelVersion()?.getId(), versionId, 'the trained version answered'));
    const { accuracy, misses } = topOneAccuracy(
      outputs,
      heldOut.map((h) => h.concept),
    );
    console.log(
      `text-classifier held-out top-1 accuracy: ${(accuracy * 100).toFixed(1)}% of ${heldOut.length}${misses.length ? `; misses: ${misses.join('; ')}` : ''}`,
    );
    assert.ok(accuracy >= 0.8, `accuracy ${accuracy}; misses:\n${misses.join('\n')}`);
  });

  it('overrides at model.model_version.output_info.output_config take effect (max_concepts, min_value, select_concepts)', async () => {
    await checkOverrides(
      s,
      MODEL_ID,
      heldOut.map((h) => textInput(h.text)),
      CONCEPTS,
    );
  });
});
