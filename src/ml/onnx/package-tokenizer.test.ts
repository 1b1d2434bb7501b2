import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wordPieceTokenizer } from '../../../test/helpers/model-package.js';
import { PackageConfigError } from './package-config.js';
import { loadTokenizer } from './package-tokenizer.js';

const JSON_TEXT = wordPieceTokenizer(['great', 'film', '##s', 'awful', 'plot']);

test("a WordPiece tokenizer.json gives the model's ids: lower-cased, sub-words, [CLS] … [SEP], unknown words [UNK]", async () => {
  const t = await loadTokenizer({ json: JSON_TEXT }, 16);
  assert.deepEqual([...t.ids('Great films')], [2, 4, 5, 6, 3]);
  assert.deepEqual([...t.ids('awful, PLOT')], [2, 7, 1, 8, 3]);
});

test('a text longer than max_length keeps its first max_length ids', async () => {
  assert.deepEqual([...(await loadTokenizer({ json: JSON_TEXT }, 3)).ids('great film plot awful')], [2, 4, 5]);
});

test('a tokenizer that cannot be read or used is a PackageConfigError naming the file', async () => {
  const cases: [string, string | undefined, RegExp][] = [
    ['{', undefined, /tokenizer\.json is not valid JSON/],
    ['[]', undefined, /tokenizer\.json must be a JSON object/],
    ['{"__proto__": {"x": 1}}', undefined, /__proto__/],
    [JSON.stringify({ model: { type: 'NoSuchModel' } }), undefined, /tokenizer\.json cannot be used/],
    [JSON_TEXT, '{', /tokenizer_config\.json is not valid JSON/],
  ];
  for (const [json, config, re] of cases) {
    await assert.rejects(
      () => loadTokenizer({ json, ...(config === undefined ? {} : { config }) }, 8),
      (e: unknown) => e instanceof PackageConfigError && re.test(e.message),
      json.slice(0, 40),
    );
  }
});
