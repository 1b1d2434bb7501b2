import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import type { NewInput } from '../../../src/domain/inputs.js';
import type { Store } from '../../../src/ports/store.js';
import { model, uniq, version } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

const PAGE = { page: 1, perPage: 100 };

/**
 * AnnotationRepo and what it shares with InputRepo (decision 0019): one label store, annotations
 * grouping it; plus the dataset writes and the trained-on record of migration 005.
 */
export function annotationCases(h: Harness): void {
  const setup = async (s: Store = h.store) => {
    const { u, a } = await scene(s);
    const mk = (over: Partial<NewInput> = {}): NewInput => ({
      pk: uniq('ipk'),
      userId: u.id,
      appId: a.id,
      id: uniq('in'),
      kind: 'text',
      text: 'hello',
      imageUrl: null,
      imageBytes: null,
      metadata: {},
      concepts: [],
      datasetIds: [],
      createdAt: 1_700_000_000_000,
      ...over,
    });
    return { s, a, mk };
  };

  it("annotations: the input-level one holds the PostInputs labels; added ones extend the input's concepts; PatchInputs keeps each label where it is", async () => {
    const { s, a, mk } = await setup();
    const inp = mk({ annotationId: 'own-1', concepts: [{ id: 'cat', value: 1 }], geo: { longitude: 1.5, latitude: -2 } });
    await s.inputs.create([inp], [[]]);
    let all = await s.annotations.ofInputs(a.userId, a.id, [inp.pk]);
    assert.deepEqual(
      all.map((x) => [x.id, x.inputLevel, x.concepts.map((c) => c.id)]),
      [['own-1', true, ['cat']]],
    );
    await s.annotations.create({ pk: uniq('apk'), inputPk: inp.pk, id: 'extra', labels: [{ id: 'dog', value: 0 }], now: 5 });
    await assert.rejects(
      s.annotations.create({ pk: uniq('apk'), inputPk: inp.pk, id: 'extra', labels: [], now: 6 }),
      (e: unknown) => e instanceof DuplicateKeyError && e.key === 'extra',
    );
    const got = await s.inputs.get(a.userId, a.id, inp.id);
    assert.deepEqual(
      got?.concepts.map((c) => [c.id, c.value]),
      [
        ['cat', 1],
        ['dog', 0],
      ],
    );
    assert.deepEqual(got?.geo, { longitude: 1.5, latitude: -2 });
    assert.equal(got?.annotationId, 'own-1');
    // PatchInputs' write: 'dog' stays in 'extra', the new 'bird' joins the input-level annotation.
    await s.inputs.updateAnnotations(
      inp.pk,
      [
        { id: 'cat', value: 1 },
        { id: 'dog', value: 1 },
        { id: 'bird', value: 1 },
      ],
      {},
      7,
      null,
    );
    all = await s.annotations.ofInputs(a.userId, a.id, [inp.pk]);
    assert.deepEqual(
      all.map((x) => [x.id, x.concepts.map((c) => [c.id, c.value])]),
      [
        [
          'own-1',
          [
            ['cat', 1],
            ['bird', 1],
          ],
        ],
        ['extra', [['dog', 1]]],
      ],
    );
    assert.equal((await s.inputs.get(a.userId, a.id, inp.id))?.geo, null);
    const extra = all[1]!;
    await s.annotations.setLabels(inp.pk, extra.pk, [{ id: 'fox', value: 1 }], 8);
    await s.annotations.setLabels(inp.pk, null, [], 9);
    assert.deepEqual(
      (await s.inputs.get(a.userId, a.id, inp.id))?.concepts.map((c) => c.id),
      ['fox'],
    );
    assert.deepEqual(
      (await s.annotations.list({ userId: a.userId, appId: a.id, ids: ['extra'], page: PAGE })).map((x) => x.inputId),
      [inp.id],
    );
    assert.deepEqual(
      (await s.annotations.list({ userId: a.userId, appId: a.id, ids: ['own-1'], page: PAGE })).map((x) => x.inputLevel),
      [true],
    );
    assert.equal(await s.annotations.delete([extra.pk]), 1);
    assert.deepEqual((await s.inputs.get(a.userId, a.id, inp.id))?.concepts, []);
    await s.inputs.delete([inp.pk]);
    assert.deepEqual(await s.annotations.list({ userId: a.userId, appId: a.id, page: PAGE }), []);
  });

  it('datasets: update, members, removeInputs, updateVersion, deleteVersions and delete (memberships and versions cascade)', async () => {
    const { s, a, mk } = await setup();
    const d = { pk: uniq('dpk'), userId: a.userId, appId: a.id, id: 'ds', description: 'x', notes: '', metadata: {}, createdAt: 1, modifiedAt: 1 };
    await s.datasets.create(d);
    const [i1, i2] = [mk(), mk()];
    await s.inputs.create([i1, i2], [[d.pk], [d.pk]]);
    await s.datasets.update({ ...d, description: 'y', metadata: { k: 1 }, modifiedAt: 2 });
    assert.deepEqual([(await s.datasets.get(a.userId, a.id, 'ds'))?.description, (await s.datasets.get(a.userId, a.id, 'ds'))?.metadata], ['y', { k: 1 }]);
    assert.deepEqual(
      (await s.datasets.members(d.pk, [i1.pk, 'nope'])).map((m) => m.inputPk),
      [i1.pk],
    );
    assert.equal(await s.datasets.removeInputs(d.pk, [i1.pk]), 1);
    assert.deepEqual(await s.datasets.inputPks(d.pk), [i2.pk]);
    const v = {
      pk: uniq('vpk'),
      datasetPk: d.pk,
      datasetId: 'ds',
      userId: a.userId,
      appId: a.id,
      id: 'v1',
      description: '',
      metadata: {},
      statusCode: 64015,
      counts: { inputs: 1, unlabeled: 1, positiveTags: 0 },
      createdAt: 3,
      modifiedAt: 3,
    };
    await s.datasets.createVersion(v, [{ inputPk: i2.pk, labels: [] }]);
    await s.datasets.updateVersion({ ...v, description: 'frozen', modifiedAt: 4 });
    assert.equal((await s.datasets.getVersion(d.pk, 'v1'))?.description, 'frozen');
    assert.equal(await s.datasets.deleteVersions([v.pk]), 1);
    assert.equal(await s.datasets.getVersion(d.pk, 'v1'), undefined);
    assert.equal(await s.datasets.delete([d.pk]), 1);
    assert.equal(await s.datasets.get(a.userId, a.id, 'ds'), undefined);
    assert.equal((await s.inputs.get(a.userId, a.id, i2.id))?.datasetIds.length, 0);
  });

  it('inputs.recordTrainedOn / trainedOn: by input id within the app, replaced on a second record; deleted inputs drop out', async () => {
    const { s, a, mk } = await setup();
    const m = model(a);
    await s.models.create(m);
    const v = version(m);
    await s.versions.create(v);
    const [i1, i2, i3] = [mk({ createdAt: 1 }), mk({ createdAt: 2 }), mk({ createdAt: 3 })];
    await s.inputs.create([i1, i2, i3], [[], [], []]);
    await s.inputs.recordTrainedOn(v.pk, a.userId, a.id, [i1.id, i2.id, 'not-in-app']);
    assert.deepEqual(
      (await s.inputs.trainedOn(v.pk, PAGE)).map((i) => i.id),
      [i2.id, i1.id],
    );
    await s.inputs.recordTrainedOn(v.pk, a.userId, a.id, [i3.id, i1.id]);
    assert.deepEqual(
      (await s.inputs.trainedOn(v.pk, PAGE)).map((i) => i.id),
      [i3.id, i1.id],
    );
    await s.inputs.delete([i1.pk]);
    assert.deepEqual(
      (await s.inputs.trainedOn(v.pk, { page: 1, perPage: 1 })).map((i) => i.id),
      [i3.id],
    );
  });
}
