import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generateBenchData, oneHot, writeDataset } from './bench-data.js';
import { decodeNpy, encodeNpy } from './npy.js';
import { createRng, shuffleInPlace } from './rng.js';

describe('bench data', () => {
  it('is the same for a seed and different for another', () => {
    const a = generateBenchData({ n: 50, d: 16, k: 3, seed: 1 });
    const b = generateBenchData({ n: 50, d: 16, k: 3, seed: 1 });
    const c = generateBenchData({ n: 50, d: 16, k: 3, seed: 2 });
    assert.deepEqual(a.x, b.x);
    assert.deepEqual(a.y, b.y);
    assert.notDeepEqual(a.x, c.x);
    assert.equal(a.trainCount, 40);
    assert.ok(a.y.every((v) => v >= 0 && v < 3));
  });

  it('writes X.npy, y.npy and meta.json that read back identically', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mk-bench-'));
    try {
      const data = writeDataset(dir, { n: 30, d: 7, k: 3, seed: 5 });
      const x = decodeNpy(readFileSync(path.join(dir, 'X.npy')));
      const y = decodeNpy(readFileSync(path.join(dir, 'y.npy')));
      assert.deepEqual(x.shape, [30, 7]);
      assert.deepEqual(x.data, data.x);
      assert.deepEqual(y.shape, [30]);
      assert.deepEqual(y.data, data.y);
      const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(meta.trainCount, 24);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('oneHot makes one positive per row', () => {
    assert.deepEqual(oneHot(Int32Array.from([2, 0]), 3), Uint8Array.from([0, 0, 1, 1, 0, 0]));
  });
});

describe('npy', () => {
  it('writes a v1.0 header numpy accepts: magic, 64-byte aligned data, shape tuple', () => {
    const bytes = encodeNpy(Float32Array.from([1.5, -2]), [2]);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLen = bytes[8]! | (bytes[9]! << 8);
    assert.equal((10 + headerLen) % 64, 0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
    assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2,\), \} *\n$/);
    assert.equal(new DataView(bytes.buffer).getFloat32(10 + headerLen, true), 1.5);
  });

  it('refuses a shape that does not match the data', () => {
    assert.throws(() => encodeNpy(new Int32Array(5), [2, 2]), /shape/);
  });
});

describe('rng', () => {
  it('is deterministic, uniform-ish, and shuffles into a permutation', () => {
    const a = createRng(9),
      b = createRng(9);
    const xs = Array.from({ length: 1000 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 1000 }, () => b.next()),
    );
    assert.ok(xs.every((v) => v >= 0 && v < 1));
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05);
    const perm = Uint32Array.from({ length: 100 }, (_, i) => i);
    shuffleInPlace(perm, createRng(1));
    assert.deepEqual(
      [...perm].sort((p, q) => p - q),
      Array.from({ length: 100 }, (_, i) => i),
    );
    const normals = Array.from({ length: 4000 }, () => a.normal());
    const m = normals.reduce((s, v) => s + v, 0) / normals.length;
    const sd = Math.sqrt(normals.reduce((s, v) => s + (v - m) ** 2, 0) / normals.length);
    assert.ok(Math.abs(m) < 0.06 && Math.abs(sd - 1) < 0.06, `normal mean ${m} sd ${sd}`);
  });
});
