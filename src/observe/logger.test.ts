import assert from 'node:assert/strict';
import { it } from 'node:test';
import { logFormatFor } from './logger.js';

it('log format: what was asked, else pretty on a terminal and JSON otherwise', () => {
  const table: [Parameters<typeof logFormatFor>[0], boolean, string][] = [
    [undefined, true, 'pretty'],
    [undefined, false, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ];
  for (const [asked, tty, want] of table) assert.equal(logFormatFor(asked, tty), want, `${asked} ${tty}`);
});
