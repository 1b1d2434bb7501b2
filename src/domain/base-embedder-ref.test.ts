import assert from 'node:assert/strict';
import { it } from 'node:test';
import { baseEmbedderRef, embedSizeProblem, isBasedOn, pinnedBaseEmbedder } from './base-embedder-ref.js';

const APP = { userId: 'u', appId: 'a' };
const BUILT_INS = ['general-text-embedding', 'general-image-embedding'];

it('base_embed_model names a built-in embedder, a model of the own app, or one elsewhere', () => {
  const cases: [unknown, ReturnType<typeof baseEmbedderRef>][] = [
    [undefined, { kind: 'built-in' }],
    ['general-text-embedding', { kind: 'built-in' }],
    [{}, { kind: 'built-in' }],
    [{ id: 'general-text-embedding' }, { kind: 'built-in' }],
    [{ id: 'general-image-embedding', user_id: 'clarifai', app_id: 'main' }, { kind: 'built-in' }],
    [{ id: 'anything', user_id: 'clarifai' }, { kind: 'built-in' }],
    [{ id: 'enc' }, { kind: 'uploaded', modelId: 'enc' }],
    [
      { id: 'enc', model_version: { id: 'v1' } },
      { kind: 'uploaded', modelId: 'enc', versionId: 'v1' },
    ],
    [
      { id: 'enc', model_version: { id: '' } },
      { kind: 'uploaded', modelId: 'enc' },
    ],
    [
      { id: 'enc', user_id: 'u', app_id: 'a' },
      { kind: 'uploaded', modelId: 'enc' },
    ],
    [
      { id: 'general-text-embedding', user_id: 'u', app_id: 'a' },
      { kind: 'uploaded', modelId: 'general-text-embedding' },
    ],
    [
      { id: 'enc', app_id: 'a' },
      { kind: 'uploaded', modelId: 'enc' },
    ],
    [
      { id: 'enc', user_id: 'u', app_id: 'b' },
      { kind: 'elsewhere', userId: 'u', appId: 'b', modelId: 'enc' },
    ],
    [
      { id: 'enc', user_id: 'someone' },
      { kind: 'elsewhere', userId: 'someone', appId: 'a', modelId: 'enc' },
    ],
  ];
  for (const [ref, want] of cases) {
    assert.deepEqual(baseEmbedderRef(ref === undefined ? {} : { base_embed_model: ref as never }, APP, BUILT_INS), want, JSON.stringify(ref));
  }
});

it('the pinned reference reads back as the same uploaded version', () => {
  const pinned = pinnedBaseEmbedder(APP, { id: 'enc', modelTypeId: 'text-embedder' }, 'v1');
  assert.deepEqual(pinned, { id: 'enc', app_id: 'a', user_id: 'u', model_type_id: 'text-embedder', model_version: { id: 'v1' } });
  assert.deepEqual(baseEmbedderRef({ base_embed_model: pinned }, APP, BUILT_INS), { kind: 'uploaded', modelId: 'enc', versionId: 'v1' });
  assert.equal(isBasedOn({ base_embed_model: pinned }, APP, BUILT_INS, 'enc', 'v1'), true);
  assert.equal(isBasedOn({ base_embed_model: pinned }, APP, BUILT_INS, 'enc'), true, 'any version of the model');
  assert.equal(isBasedOn({ base_embed_model: pinned }, APP, BUILT_INS, 'enc', 'v2'), false);
  assert.equal(isBasedOn({ base_embed_model: pinned }, APP, BUILT_INS, 'enc2'), false);
  assert.equal(
    isBasedOn({ base_embed_model: pinned }, { userId: 'u', appId: 'other' }, BUILT_INS, 'enc'),
    false,
    'the same ids in another app are another model',
  );
});

it('an embedding of 2 to 8192 numbers can be trained on', () => {
  assert.match(embedSizeProblem(0) ?? '', /of 0 numbers;.*at least 2/);
  assert.match(embedSizeProblem(1) ?? '', /of 1 number; once normalised to unit length/);
  assert.equal(embedSizeProblem(2), undefined);
  assert.equal(embedSizeProblem(8192), undefined);
  assert.match(embedSizeProblem(8193) ?? '', /8193 numbers; an embedding-classifier trains on at most 8192/);
});
