import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportProblem } from './export-rules.js';
import { Code } from './status-codes.js';

test('exportProblem: trained classifier versions export; the rest say why', () => {
  const v = (runtime: string, code: number) => ({ id: 'v1', runtime, status: { code } });
  const cases: [string, ReturnType<typeof v>, number | undefined, RegExp?][] = [
    ['text-classifier', v('plugin', 21100), undefined],
    ['visual-classifier', v('plugin', 21100), undefined],
    ['embedding-classifier', v('plugin', 21100), undefined],
    ['text-classifier', v('plugin', 21103), Code.MODEL_UNTRAINED, /not trained \(status 21103\).*once its status is 21100/],
    ['text-classifier', v('plugin', 21101), Code.MODEL_UNTRAINED, /not trained/],
    ['text-classifier', v('plugin', 21106), Code.MODEL_UNTRAINED, /not trained \(status 21106\)/],
    ['text-classifier', v('onnx', 21100), Code.MODEL_INVALID_ARGUMENT, /uploaded as an ONNX package.*the package you uploaded is the model/],
    ['text-embedder', v('onnx', 21100), Code.MODEL_INVALID_ARGUMENT, /uploaded/],
    ['knn-concept', v('plugin', 21100), Code.MODEL_INVALID_ARGUMENT, /A knn-concept version cannot be exported/],
    ['clusterer', v('plugin', 21100), Code.MODEL_INVALID_ARGUMENT, /clusterer.*embedding-classifier, text-classifier, visual-classifier/],
  ];
  for (const [type, version, code, details] of cases) {
    const p = exportProblem(type, version);
    assert.equal(p?.code, code, `${type} ${JSON.stringify(version)}`);
    if (details) assert.match(p!.details, details);
  }
});
