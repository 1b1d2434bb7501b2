import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import resources_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/resources_pb';
import { V2Client } from 'clarifai-nodejs-grpc/proto/clarifai/api/service_grpc_pb';
import service_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/service_pb';
import { removeDir, type ServerProcess, sleep, startServer, tempDir } from '../helpers/modelkeep-process.js';

/**
 * Shared by the "train, then predict" acceptance tests (text-classifier-accuracy, visual-classifier-accuracy):
 * a real `modelkeep serve` process (with its worker, so inputs are processed and versions trained)
 * driven only through the official `clarifai-nodejs-grpc` static V2Client and its google-protobuf
 * messages over an insecure channel — what a Clarifai user's code does.
 */

export const USER = 'quality-user';
export const PAT = 'acceptance-quality-pat-0123456789abcdef';

// google-protobuf's Struct, from the same module instance the generated messages use (the package has no typings).
const pkgRequire = createRequire(createRequire(import.meta.url).resolve('clarifai-nodejs-grpc'));
export const { Struct } = pkgRequire('google-protobuf/google/protobuf/struct_pb.js') as { Struct: { fromJavaScript(o: Record<string, unknown>): never } };
assert.equal(
  createRequire(import.meta.url).resolve('@grpc/grpc-js'),
  pkgRequire.resolve('@grpc/grpc-js'),
  'one @grpc/grpc-js shared with clarifai-nodejs-grpc',
);

export const pb = { ...service_pb, ...resources_pb };
type Concept = InstanceType<typeof resources_pb.Concept>;
type Output = InstanceType<typeof resources_pb.Output>;
type Input = InstanceType<typeof resources_pb.Input>;
type ModelVersion = InstanceType<typeof resources_pb.ModelVersion>;
type Status = { getCode(): number; getDescription(): string; getDetails(): string } | undefined;

type Callback<Res> = (err: grpc.ServiceError | null, res: Res) => void;

/** One unary call of the static client with `authorization: Key <PAT>` and a deadline. */
export function unary<Req, Res>(
  fn: (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: Callback<Res>) => unknown,
  req: Req,
  deadlineMs = 60_000,
): Promise<Res> {
  const md = new grpc.Metadata();
  md.set('authorization', `Key ${PAT}`);
  return new Promise((resolve, reject) => {
    fn(req, md, { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

export const describeStatus = (s: Status): string => JSON.stringify({ code: s?.getCode(), description: s?.getDescription(), details: s?.getDetails() });

/** Asserts a response's status is 10000 (SUCCESS) and returns the response. */
export function ok<R extends { getStatus(): Status }>(res: R, what: string): R {
  assert.equal(res.getStatus()?.getCode(), 10000, `${what}: ${describeStatus(res.getStatus())}`);
  return res;
}

export interface Session {
  server: ServerProcess;
  client: V2Client;
  appId: string;
  uai(): InstanceType<typeof resources_pb.UserAppIDSet>;
  close(): Promise<void>;
}

/** Starts `modelkeep serve` (worker on) in a fresh data directory, connects the static client and creates the app. */
export async function openSession(appId: string): Promise<Session> {
  const dataDir = tempDir('modelkeep-quality-');
  let server: ServerProcess | undefined;
  try {
    server = await startServer({ env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT } });
  } catch (e) {
    removeDir(dataDir);
    throw e;
  }
  const client = new V2Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
  const uai = () => new pb.UserAppIDSet().setUserId('me').setAppId(appId);
  const s: Session = {
    server,
    client,
    appId,
    uai,
    async close() {
      client.close();
      await server!.stop();
      removeDir(dataDir);
    },
  };
  try {
    ok(
      await unary(
        client.postApps.bind(client),
        new pb.PostAppsRequest().setUserAppId(new pb.UserAppIDSet().setUserId('me')).setAppsList([new pb.App().setId(appId)]),
      ),
      'PostApps',
    );
  } catch (e) {
    await s.close();
    throw e;
  }
  return s;
}

/**
 * The training params a client reads off GetModelType: the recommended option of the ENUM field
 * `train_info.params.template`, with the default value of each of that template's own fields.
 */
export async function templateParams(s: Session, modelTypeId: string): Promise<Record<string, unknown>> {
  const res = ok(
    await unary(s.client.getModelType.bind(s.client), new pb.GetModelTypeRequest().setUserAppId(s.uai()).setModelTypeId(modelTypeId)),
    'GetModelType',
  );
  const type = res.getModelType()!;
  assert.equal(type.getId(), modelTypeId);
  assert.equal(type.getTrainable(), true, `${modelTypeId} is trainable`);
  const field = type.getModelTypeFieldsList().find((f) => f.getPath() === 'train_info.params.template');
  assert.ok(field, `${modelTypeId} lists train_info.params.template`);
  const options = field.getModelTypeEnumOptionsList();
  const option = options.find((o) => o.getRecommended()) ?? options[0];
  assert.ok(option, 'the template ENUM has an option');
  const params: Record<string, unknown> = { template: option.getId() };
  for (const f of option.getModelTypeFieldsList()) {
    const key = f.getPath().replace(/^train_info\.params\./, '');
    const v = f.getDefaultValue()?.toJavaScript();
    if (key !== f.getPath() && v !== undefined && v !== null) params[key] = v;
  }
  return params;
}

/** PostInputs in batches of at most 128 (Clarifai's limit). */
export async function postInputs(s: Session, inputs: Input[]): Promise<void> {
  for (let i = 0; i < inputs.length; i += 128) {
    const res = await unary(s.client.postInputs.bind(s.client), new pb.PostInputsRequest().setUserAppId(s.uai()).setInputsList(inputs.slice(i, i + 128)));
    ok(res, 'PostInputs');
    assert.equal(res.getInputsList().length, Math.min(128, inputs.length - i));
  }
}

/** Polls GetInputCount until `expected` inputs are processed (30000); fails on any processing error. */
export async function waitForProcessed(s: Session, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = ok(await unary(s.client.getInputCount.bind(s.client), new pb.GetInputCountRequest().setUserAppId(s.uai())), 'GetInputCount').getCounts()!;
    assert.equal(counts.getErrors(), 0, 'no input failed processing');
    if (counts.getProcessed() === expected && counts.getToProcess() === 0 && counts.getProcessing() === 0) return;
    assert.ok(
      Date.now() < deadline,
      `inputs not processed in ${timeoutMs} ms: processed ${counts.getProcessed()}/${expected}, to_process ${counts.getToProcess()}, processing ${counts.getProcessing()}`,
    );
    await sleep(200);
  }
}

/** Polls GetModelVersion until it leaves 21103 / 21101; returns the final version and every status code seen. */
export async function waitForTraining(s: Session, modelId: string, versionId: string, timeoutMs: number): Promise<{ version: ModelVersion; seen: number[] }> {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  for (;;) {
    const res = ok(
      await unary(s.client.getModelVersion.bind(s.client), new pb.GetModelVersionRequest().setUserAppId(s.uai()).setModelId(modelId).setVersionId(versionId)),
      'GetModelVersion',
    );
    const v = res.getModelVersion()!;
    const code = v.getStatus()?.getCode() ?? 0;
    if (seen.at(-1) !== code) seen.push(code);
    if (code !== 21103 && code !== 21101) return { version: v, seen };
    assert.ok(Date.now() < deadline, `version still ${describeStatus(v.getStatus())} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** PostModelOutputs on the model's newest trained version, optionally with `model.model_version.output_info.output_config` overrides. */
export async function predict(s: Session, modelId: string, inputs: Input[], outputConfig?: InstanceType<typeof resources_pb.OutputConfig>): Promise<Output[]> {
  const req = new pb.PostModelOutputsRequest().setUserAppId(s.uai()).setModelId(modelId).setInputsList(inputs);
  if (outputConfig) req.setModel(new pb.Model().setModelVersion(new pb.ModelVersion().setOutputInfo(new pb.OutputInfo().setOutputConfig(outputConfig))));
  const res = ok(await unary(s.client.postModelOutputs.bind(s.client), req, 120_000), 'PostModelOutputs');
  const outputs = res.getOutputsList();
  assert.equal(outputs.length, inputs.length, 'one output per input');
  outputs.forEach((o, i) => assert.equal(o.getStatus()?.getCode(), 10000, `output ${i}: ${describeStatus(o.getStatus())}`));
  return outputs;
}

export const conceptsOf = (o: Output): Concept[] => o.getData()?.getConceptsList() ?? [];
export const idsOf = (o: Output): string[] => conceptsOf(o).map((c) => c.getId());

/** Share of outputs whose highest-valued concept is the expected one. */
export function topOneAccuracy(outputs: Output[], expected: string[]): { accuracy: number; misses: string[] } {
  const misses: string[] = [];
  outputs.forEach((o, i) => {
    const top = conceptsOf(o)[0];
    if (top?.getId() !== expected[i])
      misses.push(
        `#${i}: expected ${expected[i]}, got ${conceptsOf(o)
          .map((c) => `${c.getId()}=${c.getValue().toFixed(3)}`)
          .join(' ')}`,
      );
  });
  return { accuracy: (outputs.length - misses.length) / outputs.length, misses };
}

/**
 * The output_config overrides at `model.model_version.output_info.output_config`, checked against
 * an unrestricted prediction of the same inputs: max_concepts, min_value, select_concepts (by id
 * and by name) and a combination. `concepts` are the version's concept ids; the scores are softmax.
 */
export async function checkOverrides(s: Session, modelId: string, inputs: Input[], concepts: string[]): Promise<void> {
  const full = await predict(s, modelId, inputs);
  const value = (o: Output, id: string): number =>
    conceptsOf(o)
      .find((c) => c.getId() === id)!
      .getValue();
  for (const o of full) {
    assert.deepEqual([...idsOf(o)].sort(), [...concepts].sort(), 'every concept by default (max_concepts 20)');
    const values = conceptsOf(o).map((c) => c.getValue());
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
      'sorted by value, highest first',
    );
    assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) - 1) < 1e-3, 'mutually exclusive concepts: softmax values sum to 1');
  }

  // max_concepts: only the top one, the same as the unrestricted top.
  const top1 = await predict(s, modelId, inputs, new pb.OutputConfig().setMaxConcepts(1));
  top1.forEach((o, i) => assert.deepEqual(idsOf(o), [idsOf(full[i]!)[0]], `max_concepts 1, input ${i}`));
  const top2 = await predict(s, modelId, inputs, new pb.OutputConfig().setMaxConcepts(2));
  top2.forEach((o, i) => assert.deepEqual(idsOf(o), idsOf(full[i]!).slice(0, 2), `max_concepts 2, input ${i}`));

  // min_value: exactly the concepts valued at least that much (values compared as float32, as sent).
  const min = 0.5;
  const thresholded = await predict(s, modelId, inputs, new pb.OutputConfig().setMinValue(min));
  let dropped = 0;
  thresholded.forEach((o, i) => {
    const expected = conceptsOf(full[i]!)
      .filter((c) => Math.fround(c.getValue()) >= min)
      .map((c) => c.getId());
    assert.deepEqual(idsOf(o), expected, `min_value ${min}, input ${i}`);
    for (const c of conceptsOf(o)) assert.ok(c.getValue() >= min - 1e-6);
    dropped += concepts.length - expected.length;
  });
  assert.ok(dropped > 0, 'min_value left some concepts out');

  // select_concepts by id, then by name: only those, with their unrestricted values.
  const [a, b] = concepts as [string, string];
  const byId = await predict(s, modelId, inputs, new pb.OutputConfig().setSelectConceptsList([new pb.Concept().setId(a)]));
  byId.forEach((o, i) => {
    assert.deepEqual(idsOf(o), [a], `select_concepts [${a}], input ${i}`);
    assert.ok(Math.abs(conceptsOf(o)[0]!.getValue() - value(full[i]!, a)) < 1e-6, 'the selected concept keeps its value');
  });
  const byName = await predict(s, modelId, inputs, new pb.OutputConfig().setSelectConceptsList([new pb.Concept().setName(b)]));
  byName.forEach((o, i) => assert.deepEqual(idsOf(o), [b], `select_concepts [{name: ${b}}], input ${i}`));

  // Together: select two, keep the better one of them.
  const both = await predict(
    s,
    modelId,
    inputs,
    new pb.OutputConfig().setSelectConceptsList([new pb.Concept().setId(a), new pb.Concept().setId(b)]).setMaxConcepts(1),
  );
  both.forEach((o, i) => {
    const better = value(full[i]!, a) >= value(full[i]!, b) ? a : b;
    assert.deepEqual(idsOf(o), [better], `select_concepts [${a}, ${b}] + max_concepts 1, input ${i}`);
  });
}
