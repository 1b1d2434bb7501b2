import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ApiError } from '../../domain/errors.js';
import { evalInfoOf, evalParamsOf } from './eval-params.js';

const refused = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ApiError && e.code === 21202 && re.test(e.details));

it('evalParamsOf: k-fold by default, a dataset (and version) from eval_info or ground_truth_dataset', () => {
  assert.deepEqual(evalParamsOf(undefined, 'eval_info'), { numFolds: 5 });
  assert.deepEqual(evalParamsOf({ params: { num_folds: 3 } }, 'eval_info'), { numFolds: 3 });
  assert.deepEqual(evalParamsOf({ params: { dataset_id: 'test' } }, 'eval_info'), { numFolds: 0, datasetId: 'test' });
  // The SDK always sends both keys; '' is unset.
  assert.deepEqual(evalParamsOf({ params: { dataset_id: 'test', dataset_version_id: '' } }, 'eval_info'), { numFolds: 0, datasetId: 'test' });
  assert.deepEqual(evalParamsOf({ params: { dataset_id: '', dataset_version_id: '' } }, 'eval_info'), { numFolds: 5 });
  assert.deepEqual(evalParamsOf(undefined, 'eval_info', { id: 'test', version: { id: 'v1' } }), { numFolds: 0, datasetId: 'test', datasetVersionId: 'v1' });
  assert.deepEqual(evalParamsOf({ params: { dataset_id: 'test' } }, 'eval_info', { id: 'test' }), { numFolds: 0, datasetId: 'test' });
  // Clarifai's docs (api-guide/evaluate, PostModelVersionEvaluations) send use_kfold false with a dataset.
  assert.deepEqual(evalParamsOf({ params: { dataset_id: 'test', use_kfold: false } }, 'eval_info'), { numFolds: 0, datasetId: 'test' });
  assert.deepEqual(evalParamsOf({ params: { use_kfold: true, num_folds: 3 } }, 'eval_info'), { numFolds: 3 });
  assert.deepEqual(evalParamsOf(undefined, 'eval_info', { id: 'test' }), { numFolds: 0, datasetId: 'test' });
  assert.deepEqual(evalInfoOf({ numFolds: 0, datasetId: 'd', datasetVersionId: 'v' }), { params: { dataset_id: 'd', dataset_version_id: 'v' } });
  assert.deepEqual(evalInfoOf({ numFolds: 4 }), { params: { num_folds: 4 } });
});

it('evalParamsOf refuses what cannot be honoured, naming the field', () => {
  refused(() => evalParamsOf({ params: { dataset_id: 'd', num_folds: 3 } }, 'eval_info'), /num_folds and dataset_id cannot be combined/);
  refused(() => evalParamsOf({ params: { dataset_version_id: 'v' } }, 'eval_info'), /dataset_version_id needs eval_info\.params\.dataset_id/);
  refused(
    () => evalParamsOf({ params: { dataset_id: 'a' } }, 'eval_info', { id: 'b' }),
    /ground_truth_dataset\.id 'b' and eval_info\.params\.dataset_id 'a' name different datasets/,
  );
  refused(
    () => evalParamsOf({ params: { dataset_id: 'a', dataset_version_id: 'v1' } }, 'eval_info', { id: 'a', version: { id: 'v2' } }),
    /version\.id 'v2' and .*dataset_version_id 'v1' differ/,
  );
  refused(() => evalParamsOf({ params: { dataset_id: 'd', use_kfold: true } }, 'eval_info'), /use_kfold true and dataset_id cannot be combined/);
  refused(() => evalParamsOf({ params: { use_kfold: false } }, 'eval_info'), /use_kfold false needs a dataset/);
  refused(() => evalParamsOf({ params: { dataset_id: 'd', use_kfold: 'no' } }, 'eval_info'), /use_kfold "no" must be true or false/);
  refused(() => evalParamsOf({ params: { split: 0.2 } }, 'eval_info'), /eval_info\.params\.split is not supported/);
  refused(() => evalParamsOf({ params: { num_folds: 11 } }, 'eval_info'), /num_folds 11 must be a whole number from 2 to 10/);
  refused(() => evalParamsOf({ other: 1 }, 'eval_info'), /eval_info\.other is not supported/);
});
