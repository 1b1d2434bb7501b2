import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Harness } from './harness.js';
import { inputScene } from './input-scene.js';

/** The input-processing queue: claims, leases, lanes, turns across apps, finishing, re-indexing. */
export function inputQueueCases(h: Harness): void {
  const setup = inputScene(h);

  it('inputs.claim: oldest first up to the limit; an expired lease is retaken and the old holder can no longer finish', async () => {
    const { s, mk } = await setup();
    // claim() looks at the whole table: drain what other cases left pending first.
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    const [i1, i2, i3] = [mk({ createdAt: 1 }), mk({ createdAt: 2 }), mk({ createdAt: 3 })];
    await s.inputs.create([i3, i1, i2], [[], [], []]);
    const first = await s.inputs.claim('w1', 2, 1000, 10);
    assert.deepEqual(
      first.map((c) => [c.id, c.attempts]),
      [
        [i1.id, 1],
        [i2.id, 1],
      ],
    );
    assert.deepEqual(
      (await s.inputs.claim('w2', 5, 1000, 10)).map((c) => c.id),
      [i3.id],
    );
    assert.deepEqual(await s.inputs.claim('w3', 5, 1000, 999), [], 'leases still valid');
    const retaken = await s.inputs.claim('w3', 1, 5000, 1001);
    assert.deepEqual(
      retaken.map((c) => [c.id, c.attempts]),
      [[i1.id, 2]],
    );
    assert.equal(await s.inputs.finish(i1.pk, 'w1', { ok: false, details: 'late' }, 1100), false);
    assert.equal((await s.inputs.getByPks([i1.pk]))[0]?.status.code, 30003);
  });

  it('inputs.claim: expired leases and pending inputs come out in one queue order, up to the limit', async () => {
    const { s, mk } = await setup();
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    const [i1, i2, i3] = [mk({ createdAt: 1 }), mk({ createdAt: 2 }), mk({ createdAt: 3 })];
    await s.inputs.create([i1, i2, i3], [[], [], []]);
    assert.deepEqual(
      (await s.inputs.claim('w1', 1, 20, 10)).map((c) => c.id),
      [i1.id],
    );
    // Other cases' leases run to 1000 at least, so at 21 only i1's has expired.
    // The claim reads each status on its own (decision 0034's addendum) and takes the first two of both.
    assert.deepEqual(
      (await s.inputs.claim('w2', 2, 900, 21)).map((c) => [c.id, c.attempts]),
      [
        [i1.id, 2],
        [i2.id, 1],
      ],
    );
    assert.deepEqual(
      (await s.inputs.claim('w3', 5, 900, 21)).map((c) => c.id),
      [i3.id],
    );
  });

  it('inputs.claim: lanes split inputs that need a URL fetch from the rest', async () => {
    const { s, mk } = await setup();
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    // Lanes: 'local' never hands out an input that needs a fetch, 'fetch' only those.
    const url = mk({ kind: 'image', text: null, imageUrl: 'http://x/slow.png', createdAt: 1 });
    const b64 = mk({ kind: 'image', text: null, imageBytes: new Uint8Array([1]), createdAt: 2 });
    const txt = mk({ createdAt: 3 });
    await s.inputs.create([url, b64, txt], [[], [], []]);
    assert.deepEqual(
      (await s.inputs.claim('w', 10, 1000, 10, 'local')).map((c) => c.id),
      [b64.id, txt.id],
    );
    assert.deepEqual(
      (await s.inputs.claim('w', 10, 1000, 10, 'fetch')).map((c) => [c.id, c.imageUrl]),
      [[url.id, 'http://x/slow.png']],
    );
  });

  it("inputs.claim: apps take turns — a 500-input backlog of one app does not hold another app's 5 behind it", async () => {
    const { s, mk } = await setup();
    const other = await setup(s);
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    const backlog = Array.from({ length: 500 }, (_, n) => mk({ id: `a${n}`, createdAt: 1000 + n }));
    for (let n = 0; n < 500; n += 100)
      await s.inputs.create(
        backlog.slice(n, n + 100),
        backlog.slice(n, n + 100).map(() => []),
      );
    const few = Array.from({ length: 5 }, (_, n) => other.mk({ id: `b${n}`, createdAt: 5000 + n }));
    await s.inputs.create(
      few,
      few.map(() => []),
    );
    const first = (await s.inputs.claim('w', 10, 1000, 10, 'local')).map((c) => c.id);
    assert.deepEqual(first, ['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4'], 'one of each app in turn, each app oldest first');
    // Midway through the backlog a third app's input is claimed next, not after a5..a499.
    assert.deepEqual(
      (await s.inputs.claim('w', 3, 1000, 10)).map((c) => c.id),
      ['a5', 'a6', 'a7'],
    );
    const late = await setup(s);
    await s.inputs.create([late.mk({ id: 'c0', createdAt: 9000 })], [[]]);
    assert.deepEqual(
      (await s.inputs.claim('w', 2, 1000, 10)).map((c) => c.id),
      ['a8', 'c0'],
    );
    // The busy app's own new inputs queue behind its backlog.
    await s.inputs.create([mk({ id: 'a-new', createdAt: 9001 })], [[]]);
    const rest = [];
    for (let got = await s.inputs.claim('w', 100, 1000, 10); got.length > 0; got = await s.inputs.claim('w', 100, 1000, 10)) rest.push(...got.map((c) => c.id));
    assert.deepEqual([rest.length, rest[0], rest.at(-2), rest.at(-1)], [492, 'a9', 'a499', 'a-new']);
  });

  it('inputs.claim: with nothing pending, an app that was busy and a new one start level', async () => {
    const { s, mk } = await setup();
    const other = await setup(s);
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    const done = Array.from({ length: 50 }, (_, n) => mk({ createdAt: n }));
    await s.inputs.create(
      done,
      done.map(() => []),
    );
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    await s.inputs.create([other.mk({ id: 'b0', createdAt: 100 }), other.mk({ id: 'b1', createdAt: 101 })], [[], []]);
    await s.inputs.create([mk({ id: 'a0', createdAt: 102 }), mk({ id: 'a1', createdAt: 103 })], [[], []]);
    assert.deepEqual(
      (await s.inputs.claim('w', 4, 1000, 10)).map((c) => c.id),
      ['b0', 'a0', 'b1', 'a1'],
    );
  });

  it("inputs.claim: concurrent claimers over two apps' queues take every input once, and the small app's first", async () => {
    const { s, mk } = await setup();
    const other = await setup(s);
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    const big = Array.from({ length: 60 }, (_, n) => mk({ createdAt: n }));
    await s.inputs.create(
      big,
      big.map(() => []),
    );
    const small = Array.from({ length: 4 }, (_, n) => other.mk({ createdAt: 100 + n }));
    await s.inputs.create(
      small,
      small.map(() => []),
    );
    const claims = await Promise.all(Array.from({ length: 4 }, (_, i) => s.inputs.claim(`w${i}`, 4, 1000, 10)));
    const ids = claims.flat().map((c) => c.id);
    assert.equal(new Set(ids).size, 16, 'no input handed out twice, none missed');
    for (const x of small) assert.ok(ids.includes(x.id), `${x.id} was among the first 16 claimed`);
    const after = [];
    for (let got = await s.inputs.claim('w', 100, 1000, 10); got.length > 0; got = await s.inputs.claim('w', 100, 1000, 10)) after.push(...got);
    assert.equal(after.length + ids.length, 64);
  });

  it('inputs.finish: success stores exact float32 vectors and fetched bytes; failure keeps details; both end the lease', async () => {
    const { s, mk } = await setup();
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    const [ok, bad] = [mk({ kind: 'image', text: null, imageUrl: 'http://x/y.png' }), mk()];
    await s.inputs.create([ok, bad], [[], []]);
    await s.inputs.claim('w', 10, 1000, 10);
    const vector = new Float32Array([0.1, -2.5, 3.25e-8, 1 / 3]);
    assert.equal(
      await s.inputs.finish(
        ok.pk,
        'w',
        { ok: true, embeddings: [{ embedderId: 'e1', vector }], imageInfo: { width: 2 }, fetchedBytes: new Uint8Array([9, 9]) },
        20,
      ),
      true,
    );
    assert.equal(await s.inputs.finish(bad.pk, 'w', { ok: false, details: 'not an image' }, 20), true);
    assert.equal(await s.inputs.finish(bad.pk, 'w', { ok: false, details: 'twice' }, 21), false, 'finished inputs are not held any more');
    const got = (await s.embeddings.getMany([ok.pk, bad.pk], 'e1')).get(ok.pk);
    assert.deepEqual(got, vector);
    assert.deepEqual(await s.embeddings.listFor(ok.pk), [{ embedderId: 'e1', dim: 4 }]);
    assert.deepEqual(await s.inputs.imageBytes(ok.pk), new Uint8Array([9, 9]));
    const [a, b] = await s.inputs.getByPks([ok.pk, bad.pk]).then((l) => [l.find((x) => x.pk === ok.pk), l.find((x) => x.pk === bad.pk)]);
    assert.deepEqual([a?.status, a?.imageInfo], [{ code: 30000, details: '' }, { width: 2 }]);
    assert.deepEqual(b?.status, { code: 30002, details: 'not an image' });
  });

  it('inputs.claim: concurrent claims never hand out the same input', async () => {
    const { s, mk } = await setup();
    while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
    await s.inputs.create(
      Array.from({ length: 20 }, (_, i) => mk({ createdAt: i })),
      Array.from({ length: 20 }, () => []),
    );
    const claims = await Promise.all(Array.from({ length: 5 }, (_, i) => s.inputs.claim(`w${i}`, 6, 1000, 10)));
    const all = claims.flat().map((c) => c.pk);
    assert.equal(all.length, 20);
    assert.equal(new Set(all).size, 20);
  });

  it('inputs re-index (decision 0037): markForReindex queues processed inputs of the kind lacking the vector; concurrent claimReindex hands each out once; a later mark fences held claims', async () => {
    const { s, a, mk } = await setup();
    const texts = Array.from({ length: 12 }, (_, i) => mk({ createdAt: i }));
    const image = mk({ kind: 'image', text: null, imageBytes: new Uint8Array([1]) });
    await s.inputs.create([...texts, image], [...texts.map(() => []), []]);
    const mine = new Set([...texts, image].map((i) => i.pk));
    // Process them all (other apps' pending inputs, claimed along the way, are finished too).
    for (let got = await s.inputs.claim('p', 100, Number.MAX_SAFE_INTEGER, 0); got.length > 0; got = await s.inputs.claim('p', 100, Number.MAX_SAFE_INTEGER, 0))
      for (const c of got)
        await s.inputs.finish(
          c.pk,
          'p',
          { ok: true, embeddings: [{ embedderId: 'old', vector: new Float32Array([1, 0]) }], imageInfo: null, fetchedBytes: null },
          1,
        );
    assert.equal(await s.inputs.markForReindex(a.userId, a.id, 'text', 'new', 2), 12, 'the 12 text inputs; not the image');
    const [first] = await s.inputs.claimReindex('one', 1, Number.MAX_SAFE_INTEGER, 2);
    assert.ok(first && mine.has(first.pk) && first.userId === a.userId && first.appId === a.id && first.kind === 'text');
    const ok = { ok: true as const, embeddings: [{ embedderId: 'new', vector: new Float32Array([0, 1]) }], imageInfo: null, fetchedBytes: null };
    assert.equal(await s.inputs.finishReindex(first.pk, 'one', ok, 3), true);
    // Marking again re-queues the 11 still lacking it (taking back any claim), never the one that has it.
    assert.equal(await s.inputs.markForReindex(a.userId, a.id, 'text', 'new', 4), 11);
    const counts = await s.inputs.countByStatus(a.userId, a.id);
    assert.deepEqual([counts.get(30500), counts.get(30501), counts.get(30000)], [1, 11, 1], 'the image is untouched');
    const claims = await Promise.all(Array.from({ length: 4 }, (_, i) => s.inputs.claimReindex(`w${i}`, 4, 1000, 10)));
    const all = claims.flat().map((c) => c.pk);
    assert.equal(all.length, 11);
    assert.equal(new Set(all).size, 11);
    // The workflow changes again: held claims are taken back, and their results no longer land.
    assert.equal(await s.inputs.markForReindex(a.userId, a.id, 'text', 'newer', 11), 12);
    const w = claims.findIndex((c) => c.length > 0);
    assert.equal(await s.inputs.finishReindex(claims[w]![0]!.pk, `w${w}`, ok, 12), false);
    assert.equal((await s.inputs.countByStatus(a.userId, a.id)).get(30501), 12);
  });
}
