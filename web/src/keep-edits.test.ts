import assert from 'node:assert/strict';
import { it } from 'node:test';
import { keepEdits } from './keep-edits.js';

it('keeps what the user typed and takes the server values of untouched fields', () => {
  const before = { description: 'a', params: '{}', metadata: '{}' };
  const now = { description: 'a', params: '{}', metadata: '{"evaluated": true}' };
  for (const [current, want] of [
    // Nothing typed: everything follows the server.
    [before, now],
    // params typed just before Save, then an evaluation finished: the typed params stay.
    [
      { ...before, params: '{"max_concepts": 1}' },
      { ...now, params: '{"max_concepts": 1}' },
    ],
    // The user edited the field the server also changed: the user's text wins.
    [
      { ...before, metadata: '{"mine": 1}' },
      { ...now, metadata: '{"mine": 1}' },
    ],
  ] as const)
    assert.deepEqual(keepEdits(before, now, current), want);
});
