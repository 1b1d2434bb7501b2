import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Harness } from '../helpers/both.js';
import { restClient } from '../helpers/clients.js';
import { textInput, waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp, newModel, sleep } from '../helpers/models.js';
import { capturedLogger, parseMetrics } from '../helpers/observe.js';
import { startTestServer, TEST_USER } from '../helpers/server.js';
import { SENTIMENT } from '../helpers/training.js';

// Issue 13 items 1-3 for background work: job and input-processing log lines carry the req_id of the
// request that queued them, and /metrics counts jobs, inputs, embedder calls and training time.

describe('job and input processing: log lines and metrics', () => {
  const h = {} as Harness;
  const captured = capturedLogger('info');
  before(async () => {
    h.server = await startTestServer({}, undefined, { log: captured.log });
    h.rest = restClient(h.server.httpPort);
    h.api = h.rest;
  });
  after(() => h.server?.close());
  const api = () => apiOf(h);
  const lines = (msg: string) => captured.lines.filter((l) => l.msg === msg);

  const waitVersion = async (uai: object, model: string, version: string, done: (code: number) => boolean): Promise<number> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const code = (await api().ok('GetModelVersion', { user_app_id: uai, model_id: model, version_id: version })).model_version.status.code as number;
      if (done(code)) return code;
      assert.ok(Date.now() < deadline, `version still ${code}`);
      await sleep(100);
    }
  };

  const postVersion = async (uai: { app_id: string }, model: string, reqId: string, concepts: string[]): Promise<string> => {
    const r = await h.rest.raw(
      'POST',
      `/v2/users/${TEST_USER}/apps/${uai.app_id}/models/${model}/versions`,
      {
        model_versions: [
          { output_info: { data: { concepts: concepts.map((id) => ({ id })) } }, train_info: { params: { template: 'modelkeep_text_logreg' } } },
        ],
      },
      { 'x-request-id': reqId },
    );
    assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
    assert.equal(r.body.status.req_id, reqId);
    return r.body.model.model_version.id as string;
  };

  it('inputs: a summary line per batch, and a line per 30002 with its reason', async () => {
    const uai = await newApp(api(), 'obs-inputs');
    const inputs = [
      ...SENTIMENT.positive.slice(0, 3).map((t, i) => textInput(`p${i}`, t, [['positive', 1]])),
      ...SENTIMENT.negative.slice(0, 3).map((t, i) => textInput(`n${i}`, t, [['negative', 1]])),
    ];
    // Port 1 on loopback refuses the connection: a 30002 whose details say so.
    const bad = { id: 'bad-url', data: { image: { url: 'http://127.0.0.1:1/none.png' }, concepts: [{ id: 'positive', value: 1 }] } };
    await api().ok('PostInputs', { user_app_id: uai, inputs: [...inputs, bad] });
    for (const i of inputs) assert.equal((await waitForInput(api(), uai, i.id, 30_000)).status.code, 30000);
    const failedInput = await waitForInput(api(), uai, 'bad-url', 30_000);
    assert.equal(failedInput.status.code, 30002);

    const failed = lines('input failed').filter((l) => l.input === 'bad-url');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.code, 30002);
    assert.equal(failed[0]!.details, failedInput.status.details);
    const batches = lines('input batch processed');
    const sum = (k: string) => batches.reduce((n, l) => n + (l[k] as number), 0);
    assert.equal(sum('processed'), 6);
    assert.equal(sum('failed'), 1);
    assert.ok(batches.every((l) => (l.lane === 'local' || l.lane === 'fetch') && l.claimed === l.processed + l.failed + l.retry));

    const m = parseMetrics(await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text());
    assert.equal(m.get('modelkeep_inputs{status="processed"}'), 6);
    assert.equal(m.get('modelkeep_inputs{status="failed"}'), 1);
    // The text embedder ran once per processed text input (one input per call in the local lane).
    assert.equal(m.get('modelkeep_embedder_calls_total{embedder="general-text-embedding",outcome="ok"}'), 6);
    assert.ok((m.get('modelkeep_embedder_seconds_total{embedder="general-text-embedding"}') ?? 0) > 0);
  });

  it('a training job: queued, claimed and succeeded lines carry the req_id of PostModelVersions; a failed one says why', async () => {
    const uai = await newApp(api(), 'obs-train');
    const inputs = [
      ...SENTIMENT.positive.slice(0, 4).map((t, i) => textInput(`p${i}`, t, [['positive', 1]])),
      ...SENTIMENT.negative.slice(0, 4).map((t, i) => textInput(`n${i}`, t, [['negative', 1]])),
    ];
    await api().ok('PostInputs', { user_app_id: uai, inputs });
    for (const i of inputs) assert.equal((await waitForInput(api(), uai, i.id, 30_000)).status.code, 30000);
    await newModel(api(), uai, { id: 'tc', model_type_id: 'text-classifier' });

    const reqId = 'train-request-1';
    const version = await postVersion(uai, 'tc', reqId, ['positive', 'negative']);
    assert.equal(await waitVersion(uai, 'tc', version, (c) => c !== 21103 && c !== 21101), 21100);
    await sleep(50); // the worker writes its success line right after the commit the poll saw

    const ofJob = captured.lines.filter((l) => l.req_id === reqId);
    const msgs = ofJob.map((l) => l.msg);
    assert.equal(ofJob.find((l) => l.msg === 'request')?.rpc, 'PostModelVersions');
    for (const m of ['job queued', 'job claimed', 'job succeeded']) assert.equal(msgs.filter((x) => x === m).length, 1, `${m} in ${JSON.stringify(msgs)}`);
    const queued = ofJob.find((l) => l.msg === 'job queued')!;
    const claimed = ofJob.find((l) => l.msg === 'job claimed')!;
    const succeeded = ofJob.find((l) => l.msg === 'job succeeded')!;
    assert.equal(queued.kind, 'train-model-version');
    assert.equal(queued.version, version);
    assert.equal(queued.model_type, 'text-classifier');
    assert.equal(claimed.job, queued.job);
    assert.equal(claimed.attempt, 1);
    assert.match(claimed.worker, /^worker-/);
    assert.equal(succeeded.job, queued.job);
    assert.equal(succeeded.inputs, 8);
    assert.equal(succeeded.concepts, 2);
    assert.equal(typeof succeeded.duration_ms, 'number');
    const steps = ofJob.filter((l) => l.msg === 'job progress').map((l) => l.percent as number);
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => a - b),
      'progress lines ascend',
    );
    assert.ok(steps.every((p) => p % 10 === 0 && p >= 10 && p <= 90));

    // No input is labelled with either concept: training fails with a code and details that say so.
    // (One unseen concept beside a labelled one trains: Clarifai counts any labelled input; issue 11 item 7.)
    const failReq = 'train-request-2';
    const failing = await postVersion(uai, 'tc', failReq, ['unseen', 'never-seen']);
    const code = await waitVersion(uai, 'tc', failing, (c) => c !== 21103 && c !== 21101);
    assert.notEqual(code, 21100);
    await sleep(50);
    const failedLine = captured.lines.find((l) => l.req_id === failReq && l.msg === 'job failed');
    assert.ok(failedLine, JSON.stringify(captured.lines.filter((l) => l.req_id === failReq)));
    assert.equal(failedLine.code, code);
    const stored = (await api().ok('GetModelVersion', { user_app_id: uai, model_id: 'tc', version_id: failing })).model_version.status;
    assert.equal(failedLine.details, stored.details);
    assert.equal(failedLine.level, 40);

    const m = parseMetrics(await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text());
    assert.equal(m.get('modelkeep_jobs{kind="train-model-version",state="succeeded"}'), 1);
    assert.equal(m.get('modelkeep_jobs{kind="train-model-version",state="failed"}'), 1);
    assert.equal(m.get('modelkeep_training_duration_seconds_count{model_type="text-classifier",outcome="succeeded"}'), 1);
    assert.equal(m.get('modelkeep_training_duration_seconds_count{model_type="text-classifier",outcome="failed"}'), 1);
    assert.equal(m.get('modelkeep_requests_total{rpc="PostModelVersions",transport="rest",code="10000"}'), 2);
  });
});
