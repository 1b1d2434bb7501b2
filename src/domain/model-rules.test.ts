import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.js';
import type { JsonValue } from './json.js';
import { checkVisibility, gettableOf, isVisibility, metadataOf } from './model-rules.js';
import { Code } from './status-codes.js';

const refusal = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) {
      assert.equal(e.code, Code.MODEL_INVALID_ARGUMENT);
      return e.details;
    }
    throw e;
  }
  return undefined;
};

describe('model rules on a patched JSON view', () => {
  it('gettableOf: unset or 0 is undefined, a visibility is itself, anything else is refused with checkVisibility’s words', () => {
    const cases: Array<[visibility: JsonValue | undefined, want: number | undefined | 'refused']> = [
      [undefined, undefined],
      [null, undefined],
      ['50', undefined],
      [{}, undefined],
      [{ gettable: 0 }, undefined],
      [{ gettable: null }, undefined],
      [{ gettable: 10 }, 10],
      [{ gettable: 30 }, 30],
      [{ gettable: 50 }, 50],
      [{ gettable: 20 }, 'refused'],
      [{ gettable: '50' }, 'refused'],
      [{ gettable: true }, 'refused'],
    ];
    for (const [visibility, want] of cases) {
      const where = JSON.stringify(visibility);
      if (want === 'refused') {
        const details = refusal(() => gettableOf(visibility, 'model.visibility.gettable'));
        assert.match(details ?? '', /^model\.visibility\.gettable .* is not a visibility: use 10 \(PRIVATE\), 30 \(ORG\) or 50 \(PUBLIC\)\.$/, where);
      } else assert.equal(gettableOf(visibility, 'model.visibility.gettable'), want, where);
    }
    assert.equal(
      refusal(() => gettableOf({ gettable: 20 }, 'f')),
      refusal(() => checkVisibility(20, 'f')),
    );
  });

  it('isVisibility: 10, 30 and 50 only', () => {
    assert.deepEqual(
      [0, 10, 20, 30, 40, 50, 60].filter((n) => isVisibility(n)),
      [10, 30, 50],
    );
  });

  it('metadataOf: an object is itself, unset is {}, anything else is refused', () => {
    const meta = { a: 1 };
    assert.equal(metadataOf(meta), meta);
    assert.deepEqual(metadataOf(undefined), {});
    for (const bad of [null, 'x', 3, [1]] as JsonValue[])
      assert.equal(
        refusal(() => metadataOf(bad, 'model.metadata')),
        'model.metadata must be a JSON object.',
      );
  });
});
