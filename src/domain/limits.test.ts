import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.js';
import { parseLabels } from './input-rules.js';
import { checkCount, MAX_ITEMS_PER_CALL, MAX_LABELS_PER_INPUT } from './limits.js';

const refusal = (fn: () => unknown): { code: number; details: string } | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, details: e.details };
    throw e;
  }
  return undefined;
};

describe('request limits', () => {
  it('checkCount: up to the limit passes, one more is the given code naming the RPC, the list and the limit', () => {
    const cases: Array<[count: number, limit: number | undefined, refused: boolean]> = [
      [0, undefined, false],
      [MAX_ITEMS_PER_CALL, undefined, false],
      [MAX_ITEMS_PER_CALL + 1, undefined, true],
      [4000, undefined, true],
      [2, 1, true],
    ];
    for (const [count, limit, refused] of cases) {
      const r = refusal(() => checkCount(count, 'DeleteModels', 'ids', 21203, limit));
      assert.equal(r !== undefined, refused, `${count} of ${limit ?? MAX_ITEMS_PER_CALL}`);
      if (r) {
        assert.equal(r.code, 21203);
        assert.equal(
          r.details,
          `DeleteModels takes at most ${limit ?? 128} ids per call; got ${count}. Split the request into calls of at most ${limit ?? 128}.`,
        );
      }
    }
  });

  it('labels per input: 128 pass, 129 are 30104 naming the path', () => {
    const labels = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, value: 1 }));
    assert.equal(parseLabels(labels(MAX_LABELS_PER_INPUT), 'inputs[0].data.concepts').length, 128);
    const r = refusal(() => parseLabels(labels(MAX_LABELS_PER_INPUT + 1), 'inputs[0].data.concepts'));
    assert.deepEqual(r, { code: 30104, details: 'inputs[0].data.concepts has 129 concepts; an input carries at most 128 labels.' });
  });
});
