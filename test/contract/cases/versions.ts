import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ModelVersion } from '../../../src/domain/entities.js';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import type { VersionSortField } from '../../../src/ports/store.js';
import { model, version } from '../fixtures.js';
import { countWhere, type Harness, scene } from './harness.js';

const TRAINED = { code: 21100, details: '', percentCompleted: 100 };
const QUEUED = { code: 21103, details: 'queued', percentCompleted: 0 };

export function versionCases(h: Harness): void {
  it('versions: create, get, getByPk round-trip every field and the concepts in order', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a);
    await s.models.create(m);
    const v = version(m, {
      concepts: [
        { id: 'dog', name: 'Dog', value: 0.25 },
        { id: 'cat', name: 'Cat', value: 1 },
      ],
      status: QUEUED,
      totalInputCount: 12,
      description: 'v1',
      license: 'MIT',
      metadata: { k: { n: [1] } },
      outputInfo: { output_config: { max_concepts: 5 }, params: { t: 0.5 } },
      inputInfo: { fields_map: { image: 'x' } },
      trainInfo: { params: { template: 'default' } },
      importInfo: { a: 'b' },
      trainLog: 'log',
      metrics: { summary: { macro_avg_roc_auc: 0.9 } },
      completedAt: 1_700_000_000_500,
    });
    await s.versions.create(v);
    assert.deepEqual(await s.versions.get(m.pk, v.id), v);
    assert.deepEqual(await s.versions.getByPk(v.pk), v);
    assert.equal(await s.versions.get(m.pk, 'missing'), undefined);
    assert.equal(await s.versions.getByPk('missing'), undefined);
    assert.equal(await countWhere(h, 'model_version_concepts', 'version_pk', v.pk), 2);
  });

  it('versions: duplicate id in a model -> DuplicateKeyError; the same id in another model is fine', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const [m1, m2] = [model(a), model(a)];
    await s.models.create(m1);
    await s.models.create(m2);
    await s.versions.create(version(m1, { id: 'same' }));
    await assert.rejects(
      s.versions.create(version(m1, { id: 'same', concepts: [{ id: 'c', name: 'c', value: 1 }] })),
      (e) => e instanceof DuplicateKeyError && e.entity === 'model version' && e.key === 'same',
    );
    await s.versions.create(version(m2, { id: 'same' }));
  });

  it('versions: update changes mutable fields only (never concepts, id or created_at); delete', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a);
    await s.models.create(m);
    const v = version(m, { concepts: [{ id: 'cat', name: 'Cat', value: 1 }], status: QUEUED });
    await s.versions.create(v);
    const patch: ModelVersion = {
      ...v,
      status: TRAINED,
      description: 'new',
      license: 'x',
      visibility: 50,
      metadata: { m: 1 },
      outputInfo: { params: { x: 1 } },
      metrics: { ok: true },
      totalInputCount: 3,
      modifiedAt: v.modifiedAt + 1,
      completedAt: v.modifiedAt + 1,
    };
    await s.versions.update({ ...patch, id: 'renamed', createdAt: 1, concepts: [] });
    assert.deepEqual(await s.versions.getByPk(v.pk), patch);
    assert.equal(await s.versions.delete(v.pk), true);
    assert.equal(await s.versions.delete(v.pk), false);
    assert.equal(await s.versions.getByPk(v.pk), undefined);
    assert.equal(await countWhere(h, 'model_version_concepts', 'version_pk', v.pk), 0);
  });

  it('versions: updateTraining writes only the fields given (metrics included, null clears it); false for a missing version', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a);
    await s.models.create(m);
    const v = version(m, { status: TRAINED, description: 'kept', trainLog: 'log', totalInputCount: 4 });
    await s.versions.create(v);
    const metrics = { status: { code: 21300, description: 'Model was successfully evaluated.' }, id: 'e1', summary: { macro_avg_roc_auc: 0.75 } };
    assert.equal(await s.versions.updateTraining(v.pk, { metrics }), true);
    assert.deepEqual(await s.versions.getByPk(v.pk), { ...v, metrics });
    assert.equal(await s.versions.updateTraining(v.pk, { status: QUEUED }), true);
    assert.deepEqual(await s.versions.getByPk(v.pk), { ...v, status: QUEUED, metrics });
    assert.equal(await s.versions.updateTraining(v.pk, { metrics: null }), true);
    assert.equal((await s.versions.getByPk(v.pk))?.metrics, null);
    assert.equal(await s.versions.updateTraining('missing', { metrics }), false);
  });

  it('versions: list filters by concept ids (all of them) and trained only; sorts with id tie-break; pages', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a);
    await s.models.create(m);
    const c = (...ids: string[]) => ids.map((id) => ({ id, name: id.toUpperCase(), value: 1 }));
    const specs: Partial<ModelVersion>[] = [
      { id: 'v1', createdAt: 1, status: TRAINED, totalInputCount: 9, description: 'b', concepts: c('cat', 'dog') },
      { id: 'v2', createdAt: 2, status: QUEUED, totalInputCount: 1, description: 'a', concepts: c('cat') },
      { id: 'v3', createdAt: 2, status: TRAINED, totalInputCount: 5, description: 'c', concepts: [] },
    ];
    for (const sp of specs) await s.versions.create(version(m, sp));
    const list = async (q: { conceptIds?: string[]; trainedOnly?: boolean; field?: VersionSortField; asc?: boolean; page?: number; perPage?: number }) =>
      (
        await s.versions.list({
          modelPk: m.pk,
          conceptIds: q.conceptIds,
          trainedOnly: q.trainedOnly,
          sort: { field: q.field ?? 'created_at', ascending: q.asc ?? false },
          page: { page: q.page ?? 1, perPage: q.perPage ?? 10 },
        })
      ).map((v) => v.id);
    assert.deepEqual(await list({}), ['v3', 'v2', 'v1']);
    assert.deepEqual(await list({ asc: true }), ['v1', 'v2', 'v3']);
    assert.deepEqual(await list({ conceptIds: ['cat'] }), ['v2', 'v1']);
    assert.deepEqual(await list({ conceptIds: ['cat', 'dog'] }), ['v1']);
    assert.deepEqual(await list({ conceptIds: ['bird'] }), []);
    assert.deepEqual(await list({ conceptIds: [] }), ['v3', 'v2', 'v1']);
    assert.deepEqual(await list({ trainedOnly: true }), ['v3', 'v1']);
    assert.deepEqual(await list({ trainedOnly: true, conceptIds: ['cat'] }), ['v1']);
    assert.deepEqual(await list({ field: 'status_code', asc: true }), ['v1', 'v3', 'v2']);
    assert.deepEqual(await list({ field: 'num_inputs', asc: false }), ['v1', 'v3', 'v2']);
    assert.deepEqual(await list({ field: 'description', asc: true }), ['v2', 'v1', 'v3']);
    assert.deepEqual(await list({ perPage: 2, page: 2 }), ['v1']);
    assert.deepEqual(await list({ perPage: 2, page: 3 }), []);
  });

  it('latestOf: newest created_at, ties by id; trainedOnly; many models in one call, with concepts', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const [m1, m2, empty] = [model(a), model(a), model(a)];
    for (const m of [m1, m2, empty]) await s.models.create(m);
    const concepts = [{ id: 'c1', name: 'C1', value: 0.5 }];
    await s.versions.create(version(m1!, { id: 'x', createdAt: 5, status: TRAINED }));
    const y = version(m1!, { id: 'y', createdAt: 5, status: QUEUED, concepts });
    await s.versions.create(y);
    await s.versions.create(version(m1!, { id: 'z', createdAt: 3, status: TRAINED }));
    const only = version(m2!, { id: 'only', createdAt: 1 });
    await s.versions.create(only);

    const ids = (mp: Map<string, ModelVersion>) => Object.fromEntries([...mp].map(([k, v]) => [k, v.id]));
    for (const pks of [[m1!.pk], [m1!.pk, m2!.pk, empty!.pk, 'no-such-model']]) {
      const latest = await s.versions.latestOf(pks);
      assert.equal(latest.get(m1!.pk)?.id, 'y');
      assert.deepEqual(latest.get(m1!.pk), y);
      assert.equal(latest.has(empty!.pk), false);
      const trained = await s.versions.latestOf(pks, { trainedOnly: true });
      assert.equal(trained.get(m1!.pk)?.id, 'x');
    }
    assert.deepEqual(ids(await s.versions.latestOf([m1!.pk, m2!.pk, empty!.pk])), { [m1!.pk]: 'y', [m2!.pk]: 'only' });
    assert.equal((await s.versions.latestOf([])).size, 0);
  });

  it('models.num_inputs follows the latest version through create, update and delete', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a);
    await s.models.create(m);
    const numInputs = async () => (await s.db.selectFrom('models').select('num_inputs').where('pk', '=', m.pk).executeTakeFirstOrThrow()).num_inputs;
    const v1 = version(m, { createdAt: 1, totalInputCount: 10 });
    const v2 = version(m, { createdAt: 2, totalInputCount: 3 });
    await s.versions.create(v1);
    assert.equal(await numInputs(), 10);
    await s.versions.create(v2);
    assert.equal(await numInputs(), 3);
    await s.versions.update({ ...v2, totalInputCount: 8 });
    assert.equal(await numInputs(), 8);
    await s.versions.update({ ...v1, totalInputCount: 50 });
    assert.equal(await numInputs(), 8);
    await s.versions.delete(v2.pk);
    assert.equal(await numInputs(), 50);
    await s.versions.delete(v1.pk);
    assert.equal(await numInputs(), 0);
  });
}
