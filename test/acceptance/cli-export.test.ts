import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runClient } from '../helpers/cli-client.js';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';
import { TOPICS } from '../helpers/training.js';

/** `modelkeep versions export` as a user runs it: train, export to a file, upload the file as a version of another model, same scores. */
const PAT = 'cli-export-pat-0123456789abcdef';
const USER = 'exporter';
let server: ServerProcess;
let dir: string;
let env: Record<string, string>;
let trained = '';

const mk = (args: string[]) => runClient([...args, '--url', server.restBase, '--pat', PAT, '--app', `${USER}/own`], env);
const ok = async (args: string[]) => {
  const r = await mk(args);
  assert.equal(r.code, 0, `modelkeep ${args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
};
const PROBE = 'the players scored a goal';
const scoresOf = async (model: string, version: string): Promise<Record<string, number>> => {
  const p = JSON.parse((await ok(['predict', model, '--version', version, '--text', PROBE, '--json'])).stdout);
  return Object.fromEntries(p.outputs[0].data.concepts.map((c: { id: string; value: number }) => [c.id, c.value]));
};

before(async () => {
  dir = tempDir('modelkeep-cli-export-');
  server = await startServer({ env: { MODELKEEP_DATA_DIR: path.join(dir, 'data'), MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT } });
  env = { MODELKEEP_CONFIG: path.join(dir, 'cfg.json') };
  await ok(['apps', 'create', 'own']);
  const manifest = path.join(dir, 'topics.jsonl');
  writeFileSync(
    manifest,
    Object.entries(TOPICS)
      .flatMap(([concept, texts]) => texts.map((text) => JSON.stringify({ text, concepts: [concept] })))
      .join('\n'),
  );
  await ok(['inputs', 'upload', manifest]);
  await ok(['models', 'create', 'topics', '--type', 'text-classifier']);
  const created = await ok(['versions', 'create', 'topics', '--concepts', 'sports,cooking', '--exclusive', '--param', 'seed=1', '--wait']);
  trained = /^version ([0-9a-f]{32}) of topics is trained/m.exec(created.stdout)?.[1] ?? '';
  assert.ok(trained, created.stdout);
  await ok(['models', 'create', 'copy', '--type', 'text-classifier']);
});
after(async () => {
  await server?.stop();
  removeDir(dir);
});

describe('modelkeep versions export', () => {
  it('exports a trained version to --out; uploading that file elsewhere predicts the same scores', async () => {
    const file = path.join(dir, 'topics.zip');
    const r = await ok(['versions', 'export', 'topics', trained, '--out', file, '--wait']);
    assert.match(r.stdout, new RegExp(`exported version ${trained} of topics to .*topics\\.zip \\(\\d+ bytes\\)`));
    assert.equal(readFileSync(file).subarray(0, 2).toString('latin1'), 'PK');
    assert.equal(existsSync(`${file}.partial`), false);
    await ok(['versions', 'upload', 'copy', file, '--id', 'imported', '--wait']);
    const want = await scoresOf('topics', trained);
    const got = await scoresOf('copy', 'imported');
    assert.deepEqual(Object.keys(got).sort(), ['cooking', 'sports']);
    for (const c of Object.keys(want)) assert.ok(Math.abs(got[c]! - want[c]!) < 1e-5, `${c}: ${got[c]} vs ${want[c]}`);
  });

  it('a version that cannot be exported exits 1 with the reason, and writes nothing', async () => {
    const file = path.join(dir, 'nope.zip');
    const r = await mk(['versions', 'export', 'copy', 'imported', '--out', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /21202 Invalid model argument\n {2}Model version 'imported' was uploaded as an ONNX package/);
    assert.equal(existsSync(file), false);
  });
});
