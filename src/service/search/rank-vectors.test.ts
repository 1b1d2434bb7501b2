import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Input } from '../../domain/inputs.js';
import { createRng } from '../../ml/classifier/rng.js';
import { AppVectors, type InputsRead } from './app-vectors.js';
import { rankVectors } from './rank-vectors.js';

const DIM = 32;
const centres = Array.from({ length: 8 }, (_, k) => {
  const r = createRng(500 + k);
  return Array.from({ length: DIM }, () => r.next() * 2 - 1);
});
/** Unit vectors around 8 centres: neighbours are close but not trivially separated. */
function vec(i: number): Float32Array {
  const r = createRng(i * 7919 + 3);
  const v = Float32Array.from(centres[i % 8]!, (c) => c + (r.next() * 2 - 1) * 1.2);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const input = (i: number, code = 30000): Input => ({ pk: `pk${i}`, id: `in-${String(i).padStart(5, '0')}`, status: { code } }) as unknown as Input;
let seq = 0;
const readOf = (inputs: Input[]): InputsRead => ({ inputs, byPk: new Map(inputs.map((i) => [i.pk, i])), seq: ++seq });

/** A fetch over vec(), recording which pks were asked for. */
function fetcher(asked: string[], without = new Set<string>()) {
  return async (pks: string[]) => {
    asked.push(...pks);
    return new Map(pks.filter((pk) => !without.has(pk)).map((pk) => [pk, vec(Number(pk.slice(2)))]));
  };
}

const ids = (hits: { input: Input }[]) => hits.map((h) => h.input.id);
const recall = (got: string[], want: string[]) => got.filter((g) => want.includes(g)).length / want.length;

describe('rankVectors through the HNSW graph against the exact scan (decision 0042)', () => {
  const N = 3000;
  const inputs = Array.from({ length: N }, (_, i) => input(i));

  it('recall@10 ≥ 0.98 without and with a filter; scores are the exact ones; totals exact', async () => {
    const v = new AppVectors(DIM, 'hnsw');
    await v.follow(readOf(inputs), fetcher([]));
    await v.approximate!.built();
    const byPk = new Map(inputs.map((i) => [i.pk, i]));
    const even = inputs.filter((_, i) => i % 2 === 0);
    let all = 0;
    let filtered = 0;
    let narrow = 0;
    const queries = 40;
    for (let qi = 0; qi < queries; qi++) {
      const q = vec(100_000 + qi);
      const exact = rankVectors(v, byPk, undefined, q, 0, 10, 'exact');
      const approx = rankVectors(v, byPk, undefined, q, 0, 10, 'hnsw');
      assert.equal(exact.scan, 'exact');
      assert.equal(approx.scan, 'approximate');
      assert.equal(approx.total, N);
      all += recall(ids(approx.top), ids(exact.top));
      const narrowPks = v.approximate!.search(q, 10, 10).map((row) => v.matrix.pkOf(row)!);
      narrow += recall(
        narrowPks,
        exact.top.map((h) => h.input.pk),
      );
      const exactScore = new Map(exact.top.map((h) => [h.input.id, h.score]));
      for (const h of approx.top) if (exactScore.has(h.input.id)) assert.equal(h.score, exactScore.get(h.input.id));
      const fe = rankVectors(v, byPk, even, q, 0, 10, 'exact');
      const fa = rankVectors(v, byPk, even, q, 0, 10, 'hnsw');
      assert.equal(fa.scan, 'approximate');
      assert.equal(fa.total, even.length);
      assert.ok(
        fa.top.every((h) => Number(h.input.pk.slice(2)) % 2 === 0),
        'a filtered search answers only filtered inputs',
      );
      filtered += recall(ids(fa.top), ids(fe.top));
    }
    assert.ok(all / queries >= 0.98, `recall@10 ${all / queries}`);
    assert.ok(filtered / queries >= 0.98, `filtered recall@10 ${filtered / queries}`);
    // These vectors are hard enough for the 0.98 bar to catch a narrower walk or a thinner graph: ef 10
    // on this graph finds fewer (0.88–0.91 with M 16–32), so the bar above holds by the walk it is given.
    assert.ok(narrow / queries < 0.98, `recall@10 with ef 10: ${narrow / queries}`);
    // A filter leaving under a tenth is answered exactly.
    assert.equal(rankVectors(v, byPk, inputs.slice(0, 200), vec(7), 0, 10, 'hnsw').scan, 'exact');
  });

  it('follows deletes, new inputs and status changes incrementally', async () => {
    const v = new AppVectors(DIM, 'hnsw');
    const asked: string[] = [];
    await v.follow(readOf(inputs), fetcher(asked));
    await v.approximate!.built();
    assert.equal(asked.length, N);
    // The exact top 5 of a query are deleted; one input is added; one changes status.
    const q = vec(123_456);
    const byPk0 = new Map(inputs.map((i) => [i.pk, i]));
    const gone = new Set(rankVectors(v, byPk0, undefined, q, 0, 5, 'exact').top.map((h) => h.input.pk));
    const next = [input(N), ...inputs.filter((i) => !gone.has(i.pk) && i.pk !== 'pk9'), input(9, 30500)];
    asked.length = 0;
    const read = readOf(next);
    await v.follow(read, fetcher(asked));
    assert.deepEqual(asked.sort(), [`pk${N}`, 'pk9'], 'only the new input and the changed one are read');
    assert.equal(v.matrix.live, N - gone.size + 1);
    assert.equal(v.approximate!.ready, true, 'a few changes are taken at once');
    const after = rankVectors(v, read.byPk, undefined, q, 0, 10, 'hnsw');
    assert.ok(
      after.top.every((h) => !gone.has(h.input.pk)),
      'deleted inputs are no hits',
    );
    assert.equal(rankVectors(v, read.byPk, undefined, vec(N), 0, 1, 'hnsw').top[0]!.input.id, input(N).id, 'the new input is found');
    // An older read arriving late changes nothing.
    await v.follow({ ...readOf(inputs), seq: 0 }, fetcher(asked));
    assert.equal(v.matrix.live, N - gone.size + 1);
    // Inputs without a vector are asked for again only when their status changes.
    asked.length = 0;
    const pending = input(N + 1, 30001);
    await v.follow(readOf([pending, ...next]), fetcher(asked, new Set([pending.pk])));
    await v.follow(readOf([pending, ...next]), fetcher(asked, new Set([pending.pk])));
    assert.deepEqual(asked, [pending.pk]);
  });

  it('exact mode keeps no graph; auto builds one only from 10,000 vectors', async () => {
    const e = new AppVectors(DIM, 'exact');
    await e.follow(readOf(inputs), fetcher([]));
    assert.equal(e.approximate, undefined);
    const a = new AppVectors(DIM, 'auto');
    await a.follow(readOf(inputs), fetcher([]));
    assert.equal(a.approximate, undefined);
  });
});
