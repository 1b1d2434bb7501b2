import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyAnnotationPatch, checkNotHeld, parseAnnotationPatch, parseNewAnnotation } from './annotation-rules.js';
import { ApiError } from './errors.js';

const refusal = (f: () => unknown): { code: number; details: string } => {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, details: e.details };
    throw e;
  }
  assert.fail('expected a refusal');
};

describe('annotation rules', () => {
  it('parseNewAnnotation: input_id, optional id, concept labels; embed_model_version_id is accepted', () => {
    assert.deepEqual(
      parseNewAnnotation(
        {
          input_id: 'i',
          data: {
            concepts: [
              { id: 'a', value: 1 },
              { id: 'b', value: 0 },
            ],
          },
          embed_model_version_id: 'e',
        },
        0,
        'me',
      ),
      {
        inputId: 'i',
        id: '',
        labels: [
          { id: 'a', value: 1 },
          { id: 'b', value: 0 },
        ],
      },
    );
    assert.equal(parseNewAnnotation({ input_id: 'i', id: 'x1', user_id: 'me', data: { concepts: [{ id: 'a', value: 1 }] } }, 0, 'me').id, 'x1');
  });

  it('status ANNOTATION_SUCCESS (the only status here) is accepted, by number or by name, as the docs patch it', () => {
    for (const code of [24150, 'ANNOTATION_SUCCESS']) {
      assert.deepEqual(parseAnnotationPatch({ input_id: 'i', id: 'x', status: { code } }, 0, 'me'), { inputId: 'i', id: 'x', patch: {} });
      assert.equal(parseNewAnnotation({ input_id: 'i', status: { code }, data: { concepts: [{ id: 'a', value: 1 }] } }, 0, 'me').labels.length, 1);
    }
  });

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['no input', { data: { concepts: [{ id: 'a', value: 1 }] } }, /annotations\[0\]\.input_id is required/],
    ['no concepts', { input_id: 'i', data: {} }, /data\.concepts is empty/],
    ['a region', { input_id: 'i', data: { regions: [{}] } }, /data\.regions is not supported/],
    [
      'metadata',
      { input_id: 'i', data: { metadata: { k: 1 }, concepts: [{ id: 'a', value: 1 }] } },
      /data\.metadata is not kept on annotations: .*PatchInputs/,
    ],
    [
      'annotation_info',
      { input_id: 'i', annotation_info: { split: 'train' }, data: { concepts: [{ id: 'a', value: 1 }] } },
      /annotation_info is not supported/,
    ],
    [
      'a pending status',
      { input_id: 'i', status: { code: 24151 }, data: { concepts: [{ id: 'a', value: 1 }] } },
      /status\.code 24151 is not supported.*ANNOTATION_SUCCESS/,
    ],
    [
      'a status with a description',
      { input_id: 'i', status: { code: 24150, description: 'x' }, data: { concepts: [{ id: 'a', value: 1 }] } },
      /status\.description is not supported/,
    ],
    ['input_level', { input_id: 'i', input_level: true, data: { concepts: [{ id: 'a', value: 1 }] } }, /input_level cannot be set/],
    ['another user', { input_id: 'i', user_id: 'eve', data: { concepts: [{ id: 'a', value: 1 }] } }, /is not the app owner 'me'/],
    ['a bad value', { input_id: 'i', data: { concepts: [{ id: 'a', value: 0.5 }] } }, /value is 0\.5; use 1 .* or 0/],
    ['a bad id', { input_id: 'i', id: 'no spaces', data: { concepts: [{ id: 'a', value: 1 }] } }, /id 'no spaces' is invalid/],
    [
      'a concept twice',
      {
        input_id: 'i',
        data: {
          concepts: [
            { id: 'a', value: 1 },
            { id: 'a', value: 0 },
          ],
        },
      },
      /names concept 'a' twice/,
    ],
  ];
  for (const [name, raw, re] of cases) {
    it(`parseNewAnnotation refuses ${name} with 24155`, () => {
      const r = refusal(() => parseNewAnnotation(raw, 0, 'me'));
      assert.equal(r.code, 24155);
      assert.match(r.details, re);
    });
  }

  it('parseAnnotationPatch needs the id; applyAnnotationPatch merges / removes / overwrites by concept id', () => {
    assert.match(refusal(() => parseAnnotationPatch({ input_id: 'i', data: { concepts: [] } }, 2, 'me')).details, /annotations\[2\]\.id is required/);
    const cur = [
      { id: 'a', value: 1 },
      { id: 'b', value: 0 },
    ];
    const p = (concepts: unknown[]) => parseAnnotationPatch({ id: 'x', input_id: 'i', data: { concepts } }, 0, 'me');
    assert.deepEqual(
      applyAnnotationPatch(
        cur,
        p([
          { id: 'b', value: 1 },
          { id: 'c', value: 1 },
        ]),
        'merge',
        'p',
      ),
      [
        { id: 'a', value: 1 },
        { id: 'b', value: 1 },
        { id: 'c', value: 1 },
      ],
    );
    assert.deepEqual(applyAnnotationPatch(cur, p([{ id: 'a' }]), 'remove', 'p'), [{ id: 'b', value: 0 }]);
    assert.deepEqual(applyAnnotationPatch(cur, p([{ id: 'z', value: 1 }]), 'overwrite', 'p'), [{ id: 'z', value: 1 }]);
    assert.deepEqual(applyAnnotationPatch(cur, parseAnnotationPatch({ id: 'x', input_id: 'i' }, 0, 'me'), 'overwrite', 'p'), []);
    assert.equal(refusal(() => applyAnnotationPatch(cur, p([{ id: 'a', value: 7 }]), 'merge', 'p')).code, 24155);
  });

  it('checkNotHeld names the annotation that already holds a concept', () => {
    const held = new Map([['cat', 'ann-1']]);
    checkNotHeld([{ id: 'dog', value: 1 }], held, 'i', 'p');
    assert.match(
      refusal(() =>
        checkNotHeld(
          [
            { id: 'dog', value: 1 },
            { id: 'cat', value: 0 },
          ],
          held,
          'in-7',
          'annotations[3]',
        ),
      ).details,
      /annotations\[3\]: concept 'cat' already labels input 'in-7' in annotation 'ann-1'/,
    );
  });
});
