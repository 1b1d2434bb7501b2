import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import type { NewInput } from '../../../src/domain/inputs.js';
import type { Store } from '../../../src/ports/store.js';
import { ARTIFACT_PART_BYTES } from '../../../src/storage/repos/concepts.repo.js';
import { model, uniq, version } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

const PAGE = { page: 1, perPage: 100 };

const newInput = (userId: string, appId: string, over: Partial<NewInput> = {}): NewInput => ({
  pk: uniq('ipk'),
  userId,
  appId,
  id: uniq('in'),
  kind: 'text',
  text: 'hello',
  imageUrl: null,
  imageBytes: null,
  metadata: { a: 1 },
  concepts: [],
  datasetIds: [],
  createdAt: 1_700_000_000_000,
  ...over,
});

/** Rows of a training-data table for one input, read around the repos (to check cascades). */
async function rowsFor(h: Harness, table: 'input_labels' | 'input_blobs' | 'input_embeddings' | 'dataset_inputs', inputPk: string): Promise<number> {
  const r = await h.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('input_pk', '=', inputPk)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function trainingDataCases(h: Harness): void {
  const setup = async (s: Store = h.store) => {
    const { u, a } = await scene(s);
    return { s, u, a, mk: (over: Partial<NewInput> = {}) => newInput(u.id, a.id, over) };
  };

  it('inputs.create writes inputs with labels (named from concepts), blobs and dataset membership; reads hydrate them', async () => {
    const { s, a, mk } = await setup();
    await s.concepts.create([{ userId: a.userId, appId: a.id, id: 'cat', name: 'Cat', createdAt: 1, modifiedAt: 1 }]);
    await s.concepts.ensure(a.userId, a.id, ['cat', 'dog'], 2);
    const ds = { pk: uniq('dpk'), userId: a.userId, appId: a.id, id: 'ds', description: '', notes: '', metadata: {}, createdAt: 1, modifiedAt: 1 };
    await s.datasets.create(ds);
    const img = mk({
      kind: 'image',
      text: null,
      imageBytes: new Uint8Array([1, 2, 3, 255]),
      concepts: [
        { id: 'dog', value: 0 },
        { id: 'cat', value: 1 },
      ],
    });
    await s.inputs.create([img, mk({ id: 'plain' })], [[ds.pk], []]);
    const got = await s.inputs.get(a.userId, a.id, img.id);
    assert.deepEqual(got?.concepts, [
      { id: 'dog', name: 'dog', value: 0 },
      { id: 'cat', name: 'Cat', value: 1 },
    ]);
    assert.deepEqual(got?.datasetIds, ['ds']);
    assert.deepEqual([got?.kind, got?.status.code, got?.metadata], ['image', 30001, { a: 1 }]);
    assert.deepEqual(await s.inputs.imageBytes(img.pk), new Uint8Array([1, 2, 3, 255]));
    assert.equal((await s.inputs.getMany(a.userId, a.id, [img.id, 'plain', 'absent'])).length, 2);
  });

  it('inputs.create: a taken id throws DuplicateKeyError naming it and writes nothing of the batch', async () => {
    const { s, a, mk } = await setup();
    await s.inputs.create([mk({ id: 'taken' })], [[]]);
    const fresh = mk({ id: 'fresh', concepts: [{ id: 'c', value: 1 }] });
    await assert.rejects(s.inputs.create([fresh, mk({ id: 'taken' })], [[], []]), (e: unknown) => e instanceof DuplicateKeyError && e.key === 'taken');
    assert.equal(await s.inputs.get(a.userId, a.id, 'fresh'), undefined);
    assert.equal(await rowsFor(h, 'input_labels', fresh.pk), 0);
  });

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

  it('inputs.list after a cursor (keyset paging): the rest in the same order, ties on created_at by id', async () => {
    const { s, a, mk } = await setup();
    const list = [mk({ id: 'k1', createdAt: 1 }), mk({ id: 'k2', createdAt: 2 }), mk({ id: 'k3', createdAt: 2 }), mk({ id: 'k4', createdAt: 3 })];
    await s.inputs.create(list, [[], [], [], []]);
    const q = { userId: a.userId, appId: a.id, page: { page: 1, perPage: 2 } };
    const first = await s.inputs.list(q);
    assert.deepEqual(
      first.map((i) => i.id),
      ['k4', 'k3'],
    );
    const last = first[1]!;
    assert.deepEqual(
      (await s.inputs.list({ ...q, after: { createdAt: last.createdAt, id: last.id } })).map((i) => i.id),
      ['k2', 'k1'],
    );
    assert.deepEqual(await s.inputs.list({ ...q, after: { createdAt: 1, id: 'k1' } }), []);
  });

  it('inputs: list pages newest first and filters; countByStatus; updateAnnotations; delete cascades', async () => {
    const { s, a, mk } = await setup();
    const list = [mk({ id: 'x1', createdAt: 1 }), mk({ id: 'x2', createdAt: 2, concepts: [{ id: 'k', value: 1 }] }), mk({ id: 'x3', createdAt: 3 })];
    await s.inputs.create(list, [[], [], []]);
    const q = { userId: a.userId, appId: a.id };
    assert.deepEqual(
      (await s.inputs.list({ ...q, page: PAGE })).map((i) => i.id),
      ['x3', 'x2', 'x1'],
    );
    assert.deepEqual(
      (await s.inputs.list({ ...q, page: { page: 2, perPage: 2 } })).map((i) => i.id),
      ['x1'],
    );
    assert.deepEqual(
      (await s.inputs.list({ ...q, ids: ['x1', 'x3'], statusCode: 30001, page: PAGE })).map((i) => i.id),
      ['x3', 'x1'],
    );
    assert.deepEqual([...(await s.inputs.countByStatus(a.userId, a.id))], [[30001, 3]]);
    await s.inputs.updateAnnotations(
      list[1]!.pk,
      [
        { id: 'm', value: 0 },
        { id: 'k', value: 1 },
      ],
      { z: true },
      50,
    );
    const x2 = await s.inputs.get(a.userId, a.id, 'x2');
    assert.deepEqual(
      [x2?.concepts.map((c) => [c.id, c.value]), x2?.metadata, x2?.modifiedAt],
      [
        [
          ['m', 0],
          ['k', 1],
        ],
        { z: true },
        50,
      ],
    );
    assert.equal(await s.inputs.delete([list[1]!.pk]), 1);
    assert.equal(await rowsFor(h, 'input_labels', list[1]!.pk), 0);
    assert.equal(await s.inputs.get(a.userId, a.id, 'x2'), undefined);
  });

  it('inputs.trainingRows: by concept, within a dataset, by pk list; labels in order', async () => {
    const { s, a, mk } = await setup();
    const ds = { pk: uniq('dpk'), userId: a.userId, appId: a.id, id: 'd', description: '', notes: '', metadata: {}, createdAt: 1, modifiedAt: 1 };
    await s.datasets.create(ds);
    const [p, n, o] = [
      mk({
        concepts: [
          { id: 'c1', value: 1 },
          { id: 'c2', value: 0 },
        ],
      }),
      mk({ concepts: [{ id: 'c2', value: 0 }] }),
      mk({ concepts: [{ id: 'c3', value: 1 }] }),
    ];
    await s.inputs.create([p, n, o], [[ds.pk], [], [ds.pk]]);
    const base = { userId: a.userId, appId: a.id };
    assert.deepEqual((await s.inputs.trainingRows({ ...base, conceptIds: ['c2'] })).map((r) => r.id).sort(), [p.id, n.id].sort());
    assert.deepEqual(
      (await s.inputs.trainingRows({ ...base, conceptIds: ['c2'], datasetPk: ds.pk })).map((r) => [r.id, r.labels]),
      [
        [
          p.id,
          [
            { id: 'c1', value: 1 },
            { id: 'c2', value: 0 },
          ],
        ],
      ],
    );
    assert.equal((await s.inputs.trainingRows({ ...base, conceptIds: [], inputPks: [o.pk, n.pk] })).length, 2);
    assert.deepEqual(await s.inputs.trainingRows({ ...base, conceptIds: ['zzz'] }), []);
  });

  it('concepts: ensure is idempotent and keeps names; create refuses taken ids; list pages and filters by id', async () => {
    const { s, a } = await setup();
    await s.concepts.create([{ userId: a.userId, appId: a.id, id: 'Alpha', name: 'A', createdAt: 1, modifiedAt: 1 }]);
    await s.concepts.ensure(a.userId, a.id, ['Alpha', 'beta', 'beta', 'gamma_1'], 5);
    await s.concepts.ensure(a.userId, a.id, ['beta'], 6);
    assert.equal((await s.concepts.get(a.userId, a.id, 'Alpha'))?.name, 'A');
    assert.deepEqual(await s.concepts.get(a.userId, a.id, 'beta'), {
      userId: a.userId,
      appId: a.id,
      id: 'beta',
      name: 'beta',
      language: 'en',
      createdAt: 5,
      modifiedAt: 5,
    });
    await s.concepts.create([{ userId: a.userId, appId: a.id, id: 'chat', name: 'Chat', language: 'fr', createdAt: 1, modifiedAt: 1 }]);
    assert.equal((await s.concepts.get(a.userId, a.id, 'chat'))?.language, 'fr', 'a given language round-trips (migration 006)');
    await assert.rejects(s.concepts.create([{ userId: a.userId, appId: a.id, id: 'beta', name: 'B', createdAt: 7, modifiedAt: 7 }]), DuplicateKeyError);
    assert.deepEqual(
      (await s.concepts.list(a.userId, a.id, PAGE)).map((c) => c.id),
      ['Alpha', 'beta', 'chat', 'gamma_1'],
    );
    assert.deepEqual(
      (await s.concepts.list(a.userId, a.id, { page: 2, perPage: 2 })).map((c) => c.id),
      ['chat', 'gamma_1'],
    );
    assert.deepEqual(
      (await s.concepts.list(a.userId, a.id, PAGE, 'ALP')).map((c) => c.id),
      ['Alpha'],
    );
    assert.deepEqual(
      (await s.concepts.list(a.userId, a.id, PAGE, '_')).map((c) => c.id),
      ['gamma_1'],
      'LIKE wildcards match literally',
    );
  });

  it('datasets: addInputs is idempotent; versions freeze labels, list newest first, are found by id in the app', async () => {
    const { s, a, mk } = await setup();
    const ds = { pk: uniq('dpk'), userId: a.userId, appId: a.id, id: 'd1', description: 'x', notes: 'n', metadata: { m: 1 }, createdAt: 1, modifiedAt: 1 };
    await s.datasets.create(ds);
    await assert.rejects(s.datasets.create({ ...ds, pk: uniq('dpk') }), DuplicateKeyError);
    const [i1, i2] = [mk(), mk()];
    await s.inputs.create([i1, i2], [[], []]);
    assert.equal(await s.datasets.addInputs(ds.pk, [i1.pk, i2.pk, i1.pk], 10), 2);
    assert.equal(await s.datasets.addInputs(ds.pk, [i1.pk], 11), 0);
    assert.deepEqual(
      (await s.datasets.listInputs(ds.pk, PAGE)).map((m) => m.addedAt),
      [10, 10],
    );
    const v = (id: string, createdAt: number) => ({
      pk: uniq('dvpk'),
      datasetPk: ds.pk,
      datasetId: 'd1',
      userId: a.userId,
      appId: a.id,
      id,
      description: '',
      metadata: {},
      statusCode: 64015,
      counts: { inputs: 2, unlabeled: 1, positiveTags: 1 },
      createdAt,
      modifiedAt: createdAt,
    });
    const v1 = v('v1', 20);
    await s.datasets.createVersion(v1, [
      { inputPk: i1.pk, labels: [{ id: 'c', value: 1 }] },
      { inputPk: i2.pk, labels: [] },
    ]);
    await s.datasets.createVersion(v('v2', 30), []);
    await assert.rejects(s.datasets.createVersion(v('v1', 40), []), DuplicateKeyError);
    assert.deepEqual(await s.datasets.getVersion(ds.pk, 'v1'), v1);
    assert.deepEqual(
      (await s.datasets.listVersions(ds.pk, PAGE)).map((x) => x.id),
      ['v2', 'v1'],
    );
    assert.deepEqual(
      (await s.datasets.findVersionInApp(a.userId, a.id, 'v1')).map((x) => x.pk),
      [v1.pk],
    );
    const frozen = await s.datasets.versionInputs(v1.pk);
    assert.deepEqual(frozen.find((f) => f.inputPk === i1.pk)?.labels, [{ id: 'c', value: 1 }]);
    await s.inputs.delete([i2.pk]);
    assert.equal((await s.datasets.versionInputs(v1.pk)).length, 1, 'a deleted input leaves the snapshot');
    assert.deepEqual(
      (await s.datasets.list(a.userId, a.id, PAGE)).map((d) => d.id),
      ['d1'],
    );
  });

  it('an artifact larger than a part is kept in parts and reads back whole; a smaller one, or the version deleted, drops the parts', async () => {
    const { s, a } = await setup();
    const m = model(a);
    await s.models.create(m);
    const ver = version(m);
    await s.versions.create(ver);
    const parts = async (): Promise<number> =>
      Number(
        (
          await h.store.db
            .selectFrom('artifact_parts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('version_pk', '=', ver.pk)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const big = new Uint8Array(ARTIFACT_PART_BYTES * 2 + 12_345);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 13)) & 0xff;
    await s.transaction(async (tx) => tx.artifacts.put(ver.pk, big));
    assert.equal(await parts(), 2);
    const back = await s.artifacts.get(ver.pk);
    assert.equal(back?.length, big.length);
    assert.ok(Buffer.from(back!).equals(Buffer.from(big)), 'the same bytes, in order');
    const head = await s.artifacts.head(ver.pk, ARTIFACT_PART_BYTES + 10);
    assert.ok(head && Buffer.from(head).equals(Buffer.from(big.subarray(0, ARTIFACT_PART_BYTES + 10))), 'a head longer than the first part reads on');
    const exact = big.subarray(0, ARTIFACT_PART_BYTES * 2);
    await s.artifacts.put(ver.pk, exact);
    assert.equal(await parts(), 1, 'exactly two parts long: the first and one more');
    assert.ok(Buffer.from((await s.artifacts.get(ver.pk))!).equals(Buffer.from(exact)));
    await s.artifacts.put(ver.pk, new Uint8Array([9]));
    assert.equal(await parts(), 0);
    assert.deepEqual(await s.artifacts.get(ver.pk), new Uint8Array([9]));
    await s.artifacts.put(ver.pk, big);
    await s.versions.delete(ver.pk);
    assert.equal(await parts(), 0, 'parts go with their version');
    assert.equal(await s.artifacts.get(ver.pk), undefined);
  });

  it('artifacts: put overwrites, get returns the bytes; they go with their version, and an app takes all its training data', async () => {
    const { s, a, mk } = await setup();
    const m = model(a);
    await s.models.create(m);
    const ver = version(m);
    await s.versions.create(ver);
    assert.equal(await s.artifacts.get(ver.pk), undefined);
    await s.artifacts.put(ver.pk, new Uint8Array([1]));
    await s.artifacts.put(ver.pk, new Uint8Array([4, 5, 6]));
    assert.deepEqual(await s.artifacts.get(ver.pk), new Uint8Array([4, 5, 6]));
    await s.transaction(async (tx) => tx.artifacts.put(ver.pk, new Uint8Array([7])));
    assert.deepEqual(await s.artifacts.get(ver.pk), new Uint8Array([7]));
    // head: the first bytes only (an uploaded package's config), all of them when shorter.
    await s.artifacts.put(ver.pk, new Uint8Array([9, 8, 7, 6, 5]));
    assert.deepEqual(await s.artifacts.head(ver.pk, 2), new Uint8Array([9, 8]));
    assert.deepEqual(await s.artifacts.head(ver.pk, 50), new Uint8Array([9, 8, 7, 6, 5]));
    assert.equal(await s.artifacts.head('no-such-version', 2), undefined);
    await s.versions.delete(ver.pk);
    assert.equal(await s.artifacts.get(ver.pk), undefined);

    const i = mk({ kind: 'image', text: null, imageBytes: new Uint8Array([1]), concepts: [{ id: 'c', value: 1 }] });
    await s.concepts.ensure(a.userId, a.id, ['c'], 1);
    await s.inputs.create([i], [[]]);
    await s.apps.delete(a.userId, a.id);
    assert.equal(await rowsFor(h, 'input_blobs', i.pk), 0);
    assert.equal(await rowsFor(h, 'input_labels', i.pk), 0);
    assert.equal(await s.concepts.get(a.userId, a.id, 'c'), undefined);
  });

  it("versions.mentioningInInputInfo: the app's versions whose input_info holds the text (literally: % and _ are no wildcards)", async () => {
    const { s, a } = await setup();
    const m = model(a);
    await s.models.create(m);
    const based = version(m, { inputInfo: { base_embed_model: { id: 'enc_1', model_version: { id: 'v1' } } } });
    const other = version(m, { inputInfo: { base_embed_model: { id: 'encX1' } } });
    await s.versions.create(based);
    await s.versions.create(other);
    const found = await s.versions.mentioningInInputInfo(a.userId, a.id, '"enc_1"');
    assert.deepEqual(
      found.map((f) => [f.modelId, f.version.id]),
      [[m.id, based.id]],
    );
    assert.deepEqual(await s.versions.mentioningInInputInfo(a.userId, 'another-app', '"enc_1"'), []);
  });

  it('exports: put replaces, info gives size and time without the bytes, get the bytes; they go with their version', async () => {
    const { s, a } = await setup();
    const m = model(a);
    await s.models.create(m);
    const ver = version(m);
    await s.versions.create(ver);
    assert.equal(await s.exports.info(ver.pk), undefined);
    assert.equal(await s.exports.get(ver.pk), undefined);
    await s.exports.put(ver.pk, new Uint8Array([1, 2]), 5);
    await s.transaction(async (tx) => tx.exports.put(ver.pk, new Uint8Array([3, 4, 5]), 7));
    assert.deepEqual(await s.exports.info(ver.pk), { size: 3, createdAt: 7 });
    assert.deepEqual(await s.exports.get(ver.pk), new Uint8Array([3, 4, 5]));
    await s.versions.delete(ver.pk);
    assert.equal(await s.exports.info(ver.pk), undefined);
  });
}
