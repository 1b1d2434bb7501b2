import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { JsonObject } from '../../../src/domain/json.js';
import type { EvaluationListQuery } from '../../../src/ports/store.js';
import { model, version } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

/** An evaluation as the job writes it: summary metrics, status and the held-out dataset. */
const metrics = (id: string, roc: number | undefined, code: number, evalSet?: string): JsonObject => ({
  id,
  status: { code },
  summary: roc === undefined ? {} : { macro_avg_roc_auc: roc, macro_avg_f1_score: 1 - roc },
  ...(evalSet ? { ground_truth_dataset: { id: evalSet } } : {}),
});

/** ListEvaluations is filtered, sorted and paged by the database (it once read every evaluation of the app into memory). */
export function evaluationListCases(h: Harness): void {
  it('listEvaluations: filters, every sort both ways, absent metrics lowest, pages that add up', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const { a: other } = await scene(s);
    const mA = model(a, { id: 'alpha', modelTypeId: 'embedding-classifier' });
    const mB = model(a, { id: 'beta', modelTypeId: 'visual-classifier' });
    const mOther = model(other, { id: 'alpha' });
    for (const m of [mA, mB, mOther]) await s.models.create(m);
    const c = (id: string) => ({ id, name: id, value: 1 });
    const rows = [
      version(mA, {
        id: 'a1',
        createdAt: 1000,
        metrics: metrics('e-a1', 0.9, 21300, 'test'),
        trainInfo: { params: { dataset_id: 'train' } },
        concepts: [c('cat')],
      }),
      version(mA, { id: 'a2', createdAt: 2000, metrics: metrics('e-a2', 0.5, 21300, 'val'), concepts: [c('cat'), c('dog')] }),
      version(mA, { id: 'a3', createdAt: 3000, metrics: metrics('e-a3', undefined, 21303, 'test') }),
      version(mB, { id: 'b1', createdAt: 1500, metrics: metrics('e-b1', 0.7, 21300), trainInfo: { params: { dataset_id: 'other' } }, concepts: [c('dog')] }),
      version(mB, { id: 'b2', createdAt: 2500, metrics: metrics('e-b2', 0.2, 21310, 'test') }),
      version(mB, { id: 'b3', createdAt: 3500 }),
      version(mOther, { id: 'x1', createdAt: 4000, metrics: metrics('e-x1', 0.99, 21300) }),
    ];
    for (const v of rows) await s.versions.create(v);
    const list = async (over: Partial<EvaluationListQuery> = {}) =>
      (
        await s.versions.listEvaluations({
          userId: a.userId,
          appId: a.id,
          showFailed: false,
          sort: { field: 'created_at', ascending: false },
          page: { page: 1, perPage: 50 },
          ...over,
        })
      ).map((e) => e.version.id);

    // Default: newest first, failed (21310) and unevaluated versions and other apps left out.
    assert.deepEqual(await list(), ['a3', 'a2', 'b1', 'a1']);
    assert.deepEqual(await list({ showFailed: true }), ['a3', 'b2', 'a2', 'b1', 'a1']);
    assert.deepEqual(await list({ sort: { field: 'created_at', ascending: true } }), ['a1', 'b1', 'a2', 'a3']);
    // A version without a summary metric sorts below every number, whichever the direction.
    assert.deepEqual(await list({ sort: { field: 'roc_auc', ascending: false } }), ['a1', 'b1', 'a2', 'a3']);
    assert.deepEqual(await list({ sort: { field: 'roc_auc', ascending: true } }), ['a3', 'a2', 'b1', 'a1']);
    assert.deepEqual(await list({ sort: { field: 'f1', ascending: true } }), ['a3', 'a1', 'b1', 'a2']);
    assert.deepEqual(await list({ sort: { field: 'eval_dataset_id', ascending: true }, showFailed: true }).then((l) => l[0]), 'b1');
    const byModel = await list({ sort: { field: 'model_id', ascending: true } });
    assert.deepEqual(byModel.slice(0, 3).sort(), ['a1', 'a2', 'a3']);
    assert.equal(byModel[3], 'b1');
    assert.deepEqual(await list({ sort: { field: 'train_dataset_id', ascending: false } }).then((l) => l.slice(0, 2)), ['a1', 'b1']);

    // Filters.
    assert.deepEqual(await list({ modelTypeId: 'visual-classifier', showFailed: true }), ['b2', 'b1']);
    assert.deepEqual(await list({ evalDatasetIds: ['test'] }), ['a3', 'a1']);
    assert.deepEqual(await list({ evalDatasetIds: ['test', 'val'] }), ['a3', 'a2', 'a1']);
    assert.deepEqual(await list({ trainDatasetIds: ['train'] }), ['a1']);
    assert.deepEqual(await list({ conceptIds: ['cat'] }), ['a2', 'a1']);
    assert.deepEqual(await list({ conceptIds: ['cat', 'dog'] }), ['a2']);
    assert.deepEqual(await list({ conceptIds: ['bird'] }), []);

    // Pages of the same order add up to the whole, without repeats.
    const whole = await list({ showFailed: true, sort: { field: 'roc_auc', ascending: false } });
    const paged: string[] = [];
    for (let page = 1; page <= 3; page++)
      paged.push(...(await list({ showFailed: true, sort: { field: 'roc_auc', ascending: false }, page: { page, perPage: 2 } })));
    assert.deepEqual(paged, whole);

    const first = (
      await s.versions.listEvaluations({
        userId: a.userId,
        appId: a.id,
        showFailed: false,
        sort: { field: 'created_at', ascending: false },
        page: { page: 1, perPage: 1 },
      })
    )[0]!;
    assert.equal(first.modelId, 'alpha');
    assert.equal(first.modelTypeId, 'embedding-classifier');
    assert.deepEqual(first.version.metrics, rows[2]!.metrics);
  });
}
