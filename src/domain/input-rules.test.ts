import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.js';
import { checkBatch, duplicateIds, parseLabels, parseNewInput, patchAnnotations } from './input-rules.js';

const base = { userId: 'u', appId: 'a', now: 5 };
const code = (fn: () => unknown): number => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  return 0;
};

describe('input rules', () => {
  it('checkBatch: 1..128 entries, else 39999', () => {
    assert.equal(
      code(() => checkBatch(0, 'PostInputs')),
      39999,
    );
    assert.equal(
      code(() => checkBatch(129, 'PostInputs')),
      39999,
    );
    assert.equal(
      code(() => checkBatch(128, 'PostInputs')),
      0,
    );
  });

  it('parseNewInput: text, base64 and url inputs; generated ids; labels and metadata', () => {
    const t = parseNewInput(
      {
        id: 'x',
        data: {
          text: { raw: 'hi' },
          concepts: [
            { id: 'c', value: 1 },
            { id: 'd', value: 0 },
          ],
          metadata: { k: 1 },
        },
        dataset_ids: ['ds', 'ds'],
      },
      0,
      base,
    );
    assert.deepEqual(
      [t.kind, t.text, t.concepts, t.metadata, t.datasetIds, t.createdAt],
      [
        'text',
        'hi',
        [
          { id: 'c', value: 1 },
          { id: 'd', value: 0 },
        ],
        { k: 1 },
        ['ds'],
        5,
      ],
    );
    const b = parseNewInput({ data: { image: { base64: Buffer.from([1, 2]).toString('base64') } } }, 0, base);
    assert.match(b.id, /^[0-9a-f]{32}$/);
    assert.deepEqual([b.kind, [...(b.imageBytes ?? [])], b.imageUrl], ['image', [1, 2], null]);
    assert.equal(parseNewInput({ data: { image: { url: 'https://example.com/a b.png' } } }, 0, base).imageUrl, 'https://example.com/a%20b.png');
    const u = parseNewInput({ data: { text: { url: 'https://example.com/a.txt' } } }, 0, base);
    assert.deepEqual([u.kind, u.text, u.textUrl, u.imageUrl], ['text', null, 'https://example.com/a.txt', null]);
  });

  it('parseNewInput refuses: no data, two kinds, unsupported fields, bad urls, bad ids', () => {
    assert.equal(
      code(() => parseNewInput({ data: {} }, 0, base)),
      30104,
    );
    assert.equal(
      code(() => parseNewInput({ data: { text: { raw: 'a' }, image: { base64: 'AQ==' } } }, 0, base)),
      30104,
    );
    assert.equal(
      code(() => parseNewInput({ data: { video: { url: 'http://a' } } }, 0, base)),
      30104,
    );
    assert.equal(
      code(() => parseNewInput({ data: { text: { raw: 'a', url: 'http://a' } } }, 0, base)),
      30104,
    );
    assert.equal(
      code(() => parseNewInput({ data: { text: { url: 'file:///etc/passwd' } } }, 0, base)),
      30106,
    );
    assert.equal(
      code(() => parseNewInput({ data: { image: { url: 'file:///etc/passwd' } } }, 0, base)),
      30106,
    );
    assert.equal(
      code(() => parseNewInput({ data: { image: { url: 'not a url' } } }, 0, base)),
      30106,
    );
    assert.equal(
      code(() => parseNewInput({ id: 'bad id', data: { text: { raw: 'a' } } }, 0, base)),
      30104,
    );
    assert.equal(
      code(() => parseNewInput({ data: { text: { raw: 'a' } }, dataset_ids: ['no/slash'] }, 0, base)),
      30104,
    );
    assert.equal(
      code(() => parseNewInput({ data: { text: { raw: 'a' } }, settings: { x: 1 } }, 0, base)),
      30104,
    );
  });

  it('parseLabels: a missing value is 0 (gRPC cannot send an explicit 0); only 0 and 1; ids valid and unique', () => {
    assert.deepEqual(parseLabels([{ id: 'a' }, { id: 'b', value: 1 }], 'p'), [
      { id: 'a', value: 0 },
      { id: 'b', value: 1 },
    ]);
    assert.equal(
      code(() => parseLabels([{ id: 'a', value: 0.5 }], 'p')),
      30104,
    );
    assert.equal(
      code(() => parseLabels([{ value: 1 }], 'p')),
      30104,
    );
    assert.equal(
      code(() =>
        parseLabels(
          [
            { id: 'a', value: 1 },
            { id: 'a', value: 0 },
          ],
          'p',
        ),
      ),
      30104,
    );
  });

  it('duplicateIds lists each repeated id once', () => {
    assert.deepEqual(duplicateIds(['a', 'b', 'a', 'a', 'c', 'b']), ['a', 'b']);
  });

  it('patchAnnotations: merge / remove / overwrite over {concepts, metadata}; data is immutable', () => {
    const cur = {
      concepts: [
        { id: 'a', value: 1 },
        { id: 'b', value: 0 },
      ],
      metadata: { x: 1, y: { z: 2 } },
      geo: null,
    };
    assert.deepEqual(
      patchAnnotations(
        cur,
        {
          concepts: [
            { id: 'b', value: 1 },
            { id: 'c', value: 0 },
          ],
          metadata: { y: { w: 3 } },
        },
        'merge',
        'p',
      ),
      {
        concepts: [
          { id: 'a', value: 1 },
          { id: 'b', value: 1 },
          { id: 'c', value: 0 },
        ],
        metadata: { x: 1, y: { z: 2, w: 3 } },
        geo: null,
      },
    );
    assert.deepEqual(patchAnnotations(cur, { concepts: [{ id: 'a' }], metadata: { x: true } }, 'remove', 'p'), {
      concepts: [{ id: 'b', value: 0 }],
      metadata: { y: { z: 2 } },
      geo: null,
    });
    assert.deepEqual(patchAnnotations(cur, { concepts: [{ id: 'q', value: 1 }] }, 'overwrite', 'p'), {
      concepts: [{ id: 'q', value: 1 }],
      metadata: {},
      geo: null,
    });
    assert.equal(
      code(() => patchAnnotations(cur, { image: { url: 'http://a' } }, 'merge', 'p')),
      30104,
    );
    assert.equal(
      code(() => patchAnnotations(cur, { concepts: [{ id: 'a', value: 2 }] }, 'merge', 'p')),
      30104,
    );
  });

  it('patchAnnotations: data.geo merges, is removed and overwritten like metadata; a bad point is 30104', () => {
    const at = { concepts: [], metadata: { k: 1 }, geo: { longitude: 10, latitude: 20 } };
    assert.deepEqual(patchAnnotations(at, { geo: { geo_point: { latitude: -5 } } }, 'merge', 'p').geo, { longitude: 10, latitude: -5 });
    assert.deepEqual(patchAnnotations({ ...at, geo: null }, { geo: { geo_point: { longitude: 1, latitude: 2 } } }, 'merge', 'p').geo, {
      longitude: 1,
      latitude: 2,
    });
    assert.equal(patchAnnotations(at, { geo: { geo_point: { longitude: 10 } } }, 'remove', 'p').geo, null);
    assert.equal(patchAnnotations(at, { geo: {} }, 'remove', 'p').geo, null);
    assert.equal(patchAnnotations(at, { geo: true }, 'remove', 'p').geo, null);
    assert.deepEqual(patchAnnotations(at, { metadata: { k: true } }, 'remove', 'p').geo, { longitude: 10, latitude: 20 });
    assert.equal(patchAnnotations(at, { metadata: { j: 2 } }, 'overwrite', 'p').geo, null);
    assert.deepEqual(patchAnnotations(at, { geo: { geo_point: { longitude: 3, latitude: 4 } } }, 'overwrite', 'p'), {
      concepts: [],
      metadata: {},
      geo: { longitude: 3, latitude: 4 },
    });
    assert.equal(
      code(() => patchAnnotations(at, { geo: { geo_point: { latitude: 91 } } }, 'merge', 'p')),
      30104,
    );
    assert.equal(
      code(() => patchAnnotations(at, { geo: { geo_limit: { value: 1 } } }, 'merge', 'p')),
      30104,
    );
  });
});
