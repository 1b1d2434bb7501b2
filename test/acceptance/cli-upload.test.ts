import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runClient } from '../helpers/cli-client.js';
import { headConfig, zipPackage } from '../helpers/model-package.js';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';
import { linearModel } from '../helpers/onnx-graph.js';

/** `modelkeep versions upload` as a user runs it: a package file, a progress bar, --wait until the check ends. */
const PAT = 'cli-upload-pat-0123456789abcdef';
const USER = 'uploader';
let server: ServerProcess;
let dir: string;
let env: Record<string, string>;

const mk = (args: string[], opts: Parameters<typeof runClient>[2] = {}) =>
  runClient([...args, '--url', server.restBase, '--pat', PAT, '--app', `${USER}/own`], env, opts);
const ok = async (args: string[], opts: Parameters<typeof runClient>[2] = {}) => {
  const r = await mk(args, opts);
  assert.equal(r.code, 0, `modelkeep ${args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
};

before(async () => {
  dir = tempDir('modelkeep-cli-upload-');
  server = await startServer({ env: { MODELKEEP_DATA_DIR: path.join(dir, 'data'), MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT } });
  env = { MODELKEEP_CONFIG: path.join(dir, 'cfg.json') };
  await ok(['apps', 'create', 'own']);
  await ok(['models', 'create', 'topics', '--type', 'text-classifier']);
});
after(async () => {
  await server?.stop();
  removeDir(dir);
});

describe('modelkeep versions upload', () => {
  const w = Array.from({ length: 2048 }, (_, i) => [Math.sin(i), Math.cos(i)]);

  it('uploads with a bar on a terminal, waits for the check, and the version predicts', async () => {
    const file = path.join(dir, 'head.zip');
    writeFileSync(file, await zipPackage({ 'model.onnx': linearModel(w, [0, 0], { softmax: false }), 'config.json': headConfig(2048, ['yes', 'no']) }));
    const tty = await ok(['versions', 'upload', 'topics', file, '--id', 'v-up', '--description', 'from elsewhere', '--wait'], { tty: true });
    assert.match(tty.stdout, /uploading \[[█░]+\] 100%/, tty.stdout);
    assert.match(tty.stdout, /trained/i);
    const got = JSON.parse((await ok(['versions', 'get', 'topics', 'v-up', '--json'])).stdout);
    assert.equal(got.model_version.status.code, 21100);
    assert.equal(got.model_version.description, 'from elsewhere');
    const p = JSON.parse((await ok(['predict', 'topics', '--text', 'hello there', '--json'])).stdout);
    assert.deepEqual(p.outputs[0].data.concepts.map((c: { id: string }) => c.id).sort(), ['no', 'yes']);
  });

  it('on a pipe: plain lines; a package the server refuses exits 1 with the reason', async () => {
    const bad = path.join(dir, 'bad.zip');
    writeFileSync(bad, await zipPackage({ 'config.json': headConfig(2048, ['yes', 'no']) }));
    const r = await mk(['versions', 'upload', 'topics', bad]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /21105 Model uploading failed\n {2}The package was refused: the package has no model\.onnx at its root/);
    assert.doesNotMatch(r.stderr, /\x1b\[/, 'no escape codes on a pipe');
    const missing = await mk(['versions', 'upload', 'topics', path.join(dir, 'nope.zip')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.zip/);
  });

  it('a check that fails ends --wait with the 21108 details', async () => {
    const file = path.join(dir, 'mismatch.zip');
    writeFileSync(file, await zipPackage({ 'model.onnx': linearModel(w, [0, 0], { softmax: false }), 'config.json': headConfig(2048, ['a', 'b', 'c']) }));
    const r = await mk(['versions', 'upload', 'topics', file, '--wait']);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /config says 3 outputs per input, the graph gives 2/);
  });
});
