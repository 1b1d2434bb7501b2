import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createRng } from '../../src/ml/classifier/rng.js';
import { MobileNetImageEmbedder } from '../../src/ml/embedders/image-mobilenet.js';
import { BUILT_CLI, REPO_ROOT, removeDir, rest, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';
import { drawImage } from './pattern-images.js';

// Issue 17 / decision 0039: the inference threads' entry file is image-worker.ts under tsx (the
// integration tests) and image-worker.js in the build `npm start` runs. This runs the build.

/** The build is there and not older than the pool's sources. */
const built =
  existsSync(BUILT_CLI) &&
  ['image-worker', 'pooled-embedder'].every((f) => {
    const js = path.join(REPO_ROOT, 'dist', 'ml', 'embedders', `${f}.js`);
    return existsSync(js) && statSync(js).mtimeMs >= statSync(path.join(REPO_ROOT, 'src', 'ml', 'embedders', `${f}.ts`)).mtimeMs;
  });
const PAT = 'pat-built-inference-0123456789abcdef';

describe('the built server (node dist/cli/main.js) runs image inference on its worker threads', {
  skip: built ? false : 'no current build: run `npm run build` first',
}, () => {
  let server: ServerProcess | undefined;
  const dir = tempDir();
  after(async () => {
    await server?.stop();
    removeDir(dir);
  });

  it('PostModelOutputs gives the in-process vectors, and SIGTERM ends the threads (exit 0)', async () => {
    server = await startServer({
      cli: BUILT_CLI,
      env: { MODELKEEP_DATA_DIR: dir, MODELKEEP_INFERENCE_THREADS: '1', MODELKEEP_BOOTSTRAP_USER: 'built', MODELKEEP_BOOTSTRAP_PAT: PAT },
      args: ['--no-worker'],
    });
    const rng = createRng(3);
    const images = await Promise.all([drawImage('stripes', rng), drawImage('dots', rng)]);
    const res = await rest(server.restBase, 'POST', '/v2/users/clarifai/apps/main/models/general-image-embedding/outputs', PAT, {
      inputs: images.map((b) => ({ data: { image: { base64: b.toString('base64') } } })),
    });
    assert.equal(res.http, 200, JSON.stringify(res.body.status));
    const want = await new MobileNetImageEmbedder().embed(images.map((imageBytes) => ({ imageBytes })));
    res.body.outputs.forEach((o: { data: { embeddings: { vector: number[] }[] } }, i: number) => {
      const got = o.data.embeddings[0]!.vector;
      assert.equal(got.length, 1280);
      const worst = got.reduce((m, x, j) => Math.max(m, Math.abs(x - want[i]![j]!)), 0);
      assert.ok(worst < 1e-5, `image ${i}: max difference ${worst}`);
    });
    const exit = await server.stop(15_000);
    assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
  });
});
