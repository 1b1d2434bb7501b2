import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchText, wildcardToLike, wordPattern } from './search.js';

describe('storage search helpers', () => {
  it('searchText: lower-cased letter/digit tokens, fields kept apart', () => {
    assert.equal(searchText({ id: 'General-Image_v2', name: 'Élan', description: 'a, b.', notes: '' }), ' general image v2 | élan | a b |  ');
  });

  it('wordPattern: a word with punctuation is the phrase of its tokens; none without letters', () => {
    assert.equal(wordPattern('Face-Detect'), '% face detect %');
    assert.equal(wordPattern('--'), undefined);
  });

  it('wildcardToLike: * -> %, LIKE metacharacters escaped, ASCII folded only', () => {
    assert.equal(wildcardToLike('Gen*'), 'gen%');
    assert.equal(wildcardToLike('*50%_off\\*'), '%50\\%\\_off\\\\%');
    assert.equal(wildcardToLike('ÉA'), 'Éa');
  });
});
