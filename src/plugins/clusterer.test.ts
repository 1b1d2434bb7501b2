import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../ml/classifier/rng.js';
import { l2normalise } from '../ml/embedders/embedder.js';
import { deserializeCentroids, kmeans, nearest, serializeCentroids } from './clusterer.js';

/** Three tight groups around orthogonal directions in 8-d. */
function blobs(perGroup: number, seed: number): { points: Float32Array[]; group: number[] } {
  const rng = createRng(seed);
  const points: Float32Array[] = [];
  const group: number[] = [];
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < perGroup; i++) {
      const v = new Float32Array(8).map(() => rng.normal() * 0.05);
      v[g] = v[g]! + 1;
      points.push(l2normalise(v));
      group.push(g);
    }
  }
  return { points, group };
}

test('k-means separates well-separated groups; every group maps to one cluster', async () => {
  const { points, group } = blobs(30, 1);
  const m = await kmeans(points, 3, 50, 7, () => {});
  const clusterOf = points.map((p) => nearest(m, p).index);
  for (let g = 0; g < 3; g++) {
    const ids = new Set(clusterOf.filter((_, i) => group[i] === g));
    assert.equal(ids.size, 1, `group ${g} split over clusters ${[...ids]}`);
  }
  assert.equal(new Set(clusterOf).size, 3);
});

test('deterministic for a seed, and the artifact round-trips', async () => {
  const { points } = blobs(20, 2);
  const a = await kmeans(points, 3, 20, 5, () => {});
  const b = await kmeans(points, 3, 20, 5, () => {});
  assert.deepEqual(a.c, b.c);
  assert.deepEqual(deserializeCentroids(serializeCentroids(a)), a);
  assert.throws(() => deserializeCentroids(new Uint8Array(16)), /not a modelkeep clusterer/);
});
