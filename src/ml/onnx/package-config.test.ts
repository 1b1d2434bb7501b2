import assert from 'node:assert/strict';
import { test } from 'node:test';
import { declaredOutputSize, PackageConfigError, parsePackageConfig } from './package-config.js';

const good = {
  input: { kind: 'embedding', name: 'x', size: 4 },
  output: { kind: 'concepts', name: 'y', concepts: ['cat', 'dog', 'cow'], activation: 'softmax' },
};

test('a valid config parses, with defaults for image preprocessing', () => {
  const c = parsePackageConfig(JSON.stringify(good));
  assert.deepEqual(c.input, { kind: 'embedding', name: 'x', size: 4 });
  assert.equal(declaredOutputSize(c.output), 3);
  const img = parsePackageConfig(JSON.stringify({ ...good, input: { kind: 'image', name: 'pixels', width: 2, height: 3 } }));
  assert.deepEqual(img.input, { kind: 'image', name: 'pixels', width: 2, height: 3, layout: 'NCHW', channels: 'RGB', mean: [0, 0, 0], std: [1, 1, 1] });
});

test('a text input parses with its defaults, and reads back from its own parsed form (what is stored)', () => {
  const c = parsePackageConfig(JSON.stringify({ ...good, input: { kind: 'text', name: 'input_ids', attention_mask: 'mask' } }));
  assert.deepEqual(c.input, { kind: 'text', name: 'input_ids', attention_mask: 'mask', max_length: 128, padding: 'longest', pad_id: 0 });
  assert.deepEqual(parsePackageConfig(JSON.stringify(c)), c);
});

test('bad configs are refused with a sentence naming the field', () => {
  const cases: [unknown, RegExp][] = [
    ['not json', /not valid JSON/],
    [[], /JSON object/],
    [{ ...good, input: { kind: 'audio', name: 'x' } }, /input\.kind must be embedding, image or text/],
    [{ ...good, input: { kind: 'text', name: 'ids', max_length: 9000 } }, /input\.max_length must be at most 8192/],
    [{ ...good, input: { kind: 'text', name: 'ids', padding: 'right' } }, /input\.padding/],
    [{ ...good, input: { kind: 'text', name: 'ids', pad_id: -1 } }, /input\.pad_id/],
    [{ ...good, input: { kind: 'text', name: 'ids', attention_mask: '' } }, /input\.attention_mask/],
    [{ ...good, input: { kind: 'embedding', name: 'x', size: 0 } }, /input\.size/],
    [{ ...good, output: { ...good.output, concepts: [] } }, /output\.concepts/],
    [{ ...good, output: { ...good.output, concepts: ['a', 'a'] } }, /repeat/],
    [{ ...good, output: { ...good.output, activation: 'tanh' } }, /output\.activation/],
    [{ ...good, input: { kind: 'image', name: 'p', width: 2, height: 2, std: [1, 0, 1] } }, /std/],
    [{ ...good, input: { ...good.input, base_embed_model: 'general-text-embedding' } }, /input\.base_embed_model must be an object/],
    [{ ...good, input: { ...good.input, base_embed_model: { user_id: 'clarifai', id: 'e' } } }, /input\.base_embed_model\.app_id/],
  ];
  for (const [raw, re] of cases) {
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    assert.throws(
      () => parsePackageConfig(text),
      (e: unknown) => e instanceof PackageConfigError && re.test(e.message),
      text,
    );
  }
});

test('an embedding input may name the embedder it was made for (input.base_embed_model), kept as given', () => {
  const ref = { user_id: 'clarifai', app_id: 'main', id: 'general-text-embedding' };
  const c = parsePackageConfig(JSON.stringify({ ...good, input: { ...good.input, base_embed_model: { ...ref, extra: 1 } } }));
  assert.deepEqual(c.input, { kind: 'embedding', name: 'x', size: 4, base_embed_model: ref });
  // The stored package re-parses the config it wrote: the field survives the round trip.
  assert.deepEqual(parsePackageConfig(JSON.stringify(c)), c);
});
