import assert from 'node:assert/strict';
import { it } from 'node:test';
import { UsageError } from '../errors.js';
import { evalParams } from './evaluate.js';

it('evalParams: k-fold, held-out dataset (with or without a version), or the server default; never both', () => {
  const cases: [Parameters<typeof evalParams>[0], ReturnType<typeof evalParams>][] = [
    [{}, undefined],
    [{ folds: 3 }, { num_folds: 3 }],
    [{ dataset: 'test' }, { dataset_id: 'test' }],
    [
      { dataset: 'test', datasetVersion: 'frozen' },
      { dataset_id: 'test', dataset_version_id: 'frozen' },
    ],
  ];
  for (const [o, want] of cases) assert.deepEqual(evalParams(o), want, JSON.stringify(o));
  assert.throws(
    () => evalParams({ datasetVersion: 'frozen' }),
    (e: unknown) => e instanceof UsageError && /needs --dataset/.test(e.message),
  );
  assert.throws(
    () => evalParams({ dataset: 'test', folds: 3 }),
    (e: unknown) => e instanceof UsageError && /not both/.test(e.message),
  );
});
