import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteRange } from './byte-range.js';

test('byteRange: one range of a 100-byte body', () => {
  const cases: [string | undefined, ReturnType<typeof byteRange>][] = [
    [undefined, 'whole'],
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=50-500', { start: 50, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=9-3', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=0-1,5-6', 'whole'],
    ['items=0-1', 'whole'],
    ['bytes=-', 'whole'],
  ];
  for (const [h, want] of cases) assert.deepEqual(byteRange(h, 100), want, String(h));
});
