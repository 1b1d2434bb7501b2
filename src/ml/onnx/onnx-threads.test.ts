import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { linearModel } from '../../../test/helpers/onnx-graph.js';
import { loadOnnxModel } from './onnx-model.js';
import { OnnxThreads } from './onnx-threads.js';
import { PackageConfigError, parsePackageConfig } from './package-config.js';

const W = Array.from({ length: 6 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.sin(i * 3 + j)));
const B = [0.1, 0, -0.1];
const config = (concepts: string[]) =>
  parsePackageConfig(
    JSON.stringify({ input: { kind: 'embedding', name: 'x', size: 6 }, output: { kind: 'concepts', name: 'y', concepts, activation: 'softmax' } }),
  );
const threads = new OnnxThreads(2, 64 * 1024 * 1024);
after(() => threads.close());

test('a session on the threads gives exactly what the same session gives in this thread', async () => {
  const graph = linearModel(W, B, { softmax: false });
  const here = await loadOnnxModel(graph, config(['a', 'b', 'c']));
  const there = await threads.open('v1', graph, config(['a', 'b', 'c']));
  const rows = Array.from({ length: 5 }, (_, r) => Float32Array.from({ length: 6 }, (_, i) => Math.cos(r + i)));
  const [a, b] = await Promise.all([here.run(rows), there.run(rows)]);
  assert.equal(b.length, 5);
  b.forEach((row, r) => assert.deepEqual(Array.from(row), Array.from(a[r]!)));
  // Concurrent calls spread over both threads (each opens the session from the shared bytes).
  const many = await Promise.all(Array.from({ length: 8 }, () => there.run(rows)));
  for (const m of many) assert.deepEqual(Array.from(m[0]!), Array.from(a[0]!));
});

test('a package that fails the check on a thread is a PackageConfigError with the same words', async () => {
  const graph = linearModel(W, B, { softmax: false });
  await assert.rejects(threads.open('v2', graph, config(['a', 'b'])), (e: Error) => {
    assert.ok(e instanceof PackageConfigError, e.constructor.name);
    assert.match(e.message, /config says 2 outputs per input, the graph gives 3/);
    return true;
  });
  await assert.rejects(
    threads.open('v3', Uint8Array.from([1, 2, 3]), config(['a', 'b', 'c'])),
    (e: Error) => e instanceof PackageConfigError && /does not load/.test(e.message),
  );
});

test('after close, calls answer 10030 (the server is stopping)', async () => {
  const t = new OnnxThreads(1, 1024 * 1024);
  const m = await t.open('v', linearModel(W, B, { softmax: false }), config(['a', 'b', 'c']));
  await t.close();
  await assert.rejects(m.run([new Float32Array(6)]), (e: Error & { code?: number }) => e.code === 10030);
});
