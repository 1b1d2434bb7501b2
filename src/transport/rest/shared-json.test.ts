import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seal } from '../../service/reuse/sealed.js';
import { bodyWithSharedParts, TAG } from './shared-json.js';

const light = () =>
  seal({ id: 'm', name: 'm', model_version: { id: 'v', status: { code: 21100, description: 'Model is trained and ready' }, metadata: { a: [1, 'é\n'] } } });

function outputs(model: object, n: number, text = (i: number) => `text ${i} "quoted" \u0001 ✓`): Record<string, unknown> {
  return {
    outputs: Array.from({ length: n }, (_, i) => ({
      id: `o${i}`,
      status: { code: 10000, description: 'Ok' },
      model,
      input: { id: `i${i}`, data: { text: { raw: text(i) } } },
      data: { concepts: [{ id: 'a', value: 0.1 + i / 3 }] },
    })),
  };
}

describe('bodyWithSharedParts', () => {
  it('prints exactly what JSON.stringify prints, with the shared part printed once', () => {
    const shared = light();
    for (const body of [outputs(shared, 1), outputs(shared, 128), { ...outputs(shared, 3), more: [{ x: shared, y: light() }], n: 1 }]) {
      assert.equal(bodyWithSharedParts(body), JSON.stringify(body));
    }
  });

  it('leaves bodies without sealed parts to JSON.stringify', () => {
    const body = { ...outputs({ id: 'plain' }, 4), list: [1, 'a', null, [2]], obj: { k: 1 } };
    assert.equal(bodyWithSharedParts(body), JSON.stringify(body));
    assert.equal(bodyWithSharedParts({}), '{}');
  });

  it('prints plainly when a string of the body reads like a placeholder', () => {
    const shared = light();
    for (const text of [(i: number) => `${TAG}${i}`, () => `${TAG}0`, () => `${TAG}99`]) {
      const body = outputs(shared, 3, text);
      assert.equal(bodyWithSharedParts(body), JSON.stringify(body));
    }
    const keyed = { outputs: [{ model: shared, input: { data: { metadata: { [`${TAG}0`]: 1 } } } }] };
    assert.equal(bodyWithSharedParts(keyed), JSON.stringify(keyed));
  });

  it('does not change the body it prints', () => {
    const shared = light();
    const body = outputs(shared, 2);
    const before = JSON.stringify(body);
    bodyWithSharedParts(body);
    assert.equal(JSON.stringify(body), before);
    assert.equal((body.outputs as { model: object }[])[0]!.model, shared);
  });
});
