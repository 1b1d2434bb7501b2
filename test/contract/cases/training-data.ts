import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import { uniq } from '../fixtures.js';
import type { Harness } from './harness.js';
import { inputScene, PAGE, rowsFor } from './input-scene.js';

export function trainingDataCases(h: Harness): void {
  const setup = inputScene(h);

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
}
