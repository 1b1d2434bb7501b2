import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Input } from './inputs.js';
import { containsJson, matchesFilter, rankRows, rankTop, scoreOfCosine } from './search-match.js';

const input = (over: Partial<Input>): Input => ({
  pk: 'p',
  userId: 'u',
  appId: 'a',
  id: 'i',
  kind: 'text',
  text: 't',
  imageUrl: null,
  textUrl: null,
  imageInfo: null,
  metadata: {},
  geo: null,
  annotationId: 'an',
  concepts: [],
  datasetIds: [],
  status: { code: 30000, details: '' },
  createdAt: 1,
  modifiedAt: 1,
  ...over,
});

describe('search matching', () => {
  it('containsJson: sub-object match, arrays and scalars equal', () => {
    assert.equal(containsJson({ a: { b: 1, c: 2 }, d: 3 }, { a: { b: 1 } }), true);
    assert.equal(containsJson({ a: { b: 1 } }, { a: { b: 2 } }), false);
    assert.equal(containsJson({ a: [1, 2] }, { a: [1, 2] }), true);
    assert.equal(containsJson({ a: [1, 2] }, { a: [1] }), false);
    assert.equal(containsJson('x', { a: 1 }), false);
  });

  it('concept conditions: positive needs a value-1 label, negative a value-0 label; by id or name', () => {
    const i = input({
      concepts: [
        { id: 'dog', name: 'Dog', value: 1 },
        { id: 'cat', name: 'cat', value: 0 },
      ],
    });
    const f = (concepts: { id?: string; name?: string; positive: boolean }[], negate = false) => matchesFilter(i, { negate, concepts });
    assert.equal(f([{ id: 'dog', positive: true }]), true);
    assert.equal(f([{ name: 'Dog', positive: true }]), true);
    assert.equal(f([{ id: 'dog', positive: false }]), false);
    assert.equal(f([{ id: 'cat', positive: false }]), true);
    assert.equal(f([{ id: 'cat', positive: true }]), false);
    assert.equal(
      f([
        { id: 'dog', positive: true },
        { id: 'bird', positive: true },
      ]),
      false,
      'conditions of one filter are ANDed',
    );
    assert.equal(f([{ id: 'bird', positive: true }], true), true, 'negate flips the filter');
    const oneAnnotation = [{ id: 'cat', name: 'cat', value: 0 }];
    assert.equal(matchesFilter(i, { negate: false, concepts: [{ id: 'dog', positive: true }] }, oneAnnotation), false, "given labels replace the input's");
    assert.equal(matchesFilter(i, { negate: false, concepts: [{ id: 'cat', positive: false }] }, oneAnnotation), true);
  });

  it('metadata keys are ORed; type, dataset, id and status select', () => {
    const i = input({ id: 'x', kind: 'image', metadata: { k: { inner: 'v', other: 1 }, n: 2 }, datasetIds: ['d2'], status: { code: 30001, details: '' } });
    const m = (metadata: Record<string, never> | object) => matchesFilter(i, { negate: false, concepts: [], metadata: metadata as never });
    assert.equal(m({ k: { inner: 'v' } }), true);
    assert.equal(m({ k: { inner: 'w' }, n: 2 }), true, 'one key matching is enough');
    assert.equal(m({ k: { inner: 'w' }, n: 3 }), false);
    assert.equal(matchesFilter(i, { negate: false, concepts: [], kind: 'image' }), true);
    assert.equal(matchesFilter(i, { negate: false, concepts: [], kind: 'text' }), false);
    assert.equal(matchesFilter(i, { negate: false, concepts: [], datasetIds: ['d1', 'd2'] }), true);
    assert.equal(matchesFilter(i, { negate: false, concepts: [], datasetIds: ['d1'] }), false);
    assert.equal(matchesFilter(i, { negate: false, concepts: [], inputIds: ['y'] }), false);
    assert.equal(matchesFilter(i, { negate: false, concepts: [], statusCode: 30000 }), false);
    assert.equal(matchesFilter(i, { negate: false, concepts: [], statusCode: 30001 }), true);
  });

  it('geo: within a great-circle distance, inside a box; no geo point never matches', () => {
    const at = (longitude: number, latitude: number) => input({ geo: { longitude, latitude } });
    const km = (v: number) => v / 6371;
    const near = { negate: false, concepts: [], geo: { within: 'radius' as const, longitude: 43, latitude: 56, radians: km(1000) } };
    assert.equal(matchesFilter(at(44, 55), near), true, 'about 130 km away');
    assert.equal(matchesFilter(at(43, 66), near), false, 'about 1,112 km north');
    assert.equal(matchesFilter(input({}), near), false);
    const box = { negate: false, concepts: [], geo: { within: 'box' as const, minLon: 43, maxLon: 45, minLat: 54, maxLat: 56 } };
    assert.equal(matchesFilter(at(44, 55), box), true);
    assert.equal(matchesFilter(at(46, 55), box), false);
  });

  it('score is (1 + cosine) / 2: identical 1, orthogonal 0.5, opposite 0', () => {
    assert.deepEqual([scoreOfCosine(1), scoreOfCosine(0), scoreOfCosine(-1), scoreOfCosine(1.0000001)], [1, 0.5, 0, 1]);
  });

  it('rankRows equals a brute-force cosine sort over the same vectors, ties by key', () => {
    // A fixed pseudo-random set of unit vectors (LCG), so the test is the same every run.
    let seed = 42;
    const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    const dim = 16;
    const unit = () => {
      const v = Float32Array.from({ length: dim }, rnd);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const vecs = Array.from({ length: 300 }, unit);
    vecs.push(Float32Array.from(vecs[7]!)); // an exact tie with row 7
    const q = unit();
    const matrix = new Float32Array(vecs.length * dim);
    vecs.forEach((v, i) => matrix.set(v, i * dim));
    const key = (i: number) => `k${String(i).padStart(4, '0')}`;
    const all = vecs.map((_, i) => i);
    const got = rankRows(matrix, all, q, key);
    const cos = (v: Float32Array) => v.reduce((s, x, j) => s + x * q[j]!, 0);
    const want = vecs.map((v, i) => ({ i, c: cos(v) })).sort((a, b) => b.c - a.c || a.i - b.i);
    assert.deepEqual(
      got.map((s) => s.index),
      want.map((w) => w.i),
    );
    for (const [n, s] of got.entries()) assert.ok(Math.abs(s.score - (1 + want[n]!.c) / 2) < 1e-6);
    const ti = got.findIndex((s) => s.index === 7);
    assert.equal(got[ti + 1]!.index, 300, 'the tie follows its twin by key');
    assert.ok(rankRows(matrix, all, q, key, 0.6).every((s) => s.score >= 0.6));
    // The top-k heap keeps exactly the prefix of the full ranking (the tie included) and counts every row.
    for (const k of [1, 8, 20, 300, 301, 500]) {
      const r = rankTop(matrix, all, q, key, 0, k);
      assert.deepEqual(r.top, got.slice(0, k));
      assert.equal(r.total, all.length);
    }
    const atLeast = rankTop(matrix, all, q, key, 0.6, 3);
    assert.equal(atLeast.total, got.filter((s) => s.score >= 0.6).length);
    assert.deepEqual(atLeast.top, got.slice(0, 3));
    assert.deepEqual(rankTop(matrix, all, q, key, 0, 0).top, []);
    // A subset of rows ranks like the full ranking restricted to it; `index` points into the subset.
    const subset = [299, 5, 120, 7];
    const sub = rankRows(matrix, subset, q, (i) => key(subset[i]!));
    assert.deepEqual(
      sub.map((s) => subset[s.index]),
      got.map((s) => s.index).filter((i) => subset.includes(i)),
    );
  });
});
