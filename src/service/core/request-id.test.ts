import assert from 'node:assert/strict';
import { it } from 'node:test';
import { requestIdOf } from './request-id.js';

const NEW_ID = /^[0-9a-f]{32}$/;

it('req_id: x-request-id wins, then the Clarifai prefix, then a new id; unsafe hints are ignored', () => {
  const table: [Parameters<typeof requestIdOf>[0], string | RegExp][] = [
    [undefined, NEW_ID],
    [{}, NEW_ID],
    [{ requestId: 'trace-abc.123' }, 'trace-abc.123'],
    [{ requestId: 'trace-abc', prefix: 'sdk-python-11.7.5' }, 'trace-abc'],
    [{ prefix: 'sdk-python-11.7.5' }, /^sdk-python-11\.7\.5-[0-9a-f]{32}$/],
    [{ requestId: 'has space', prefix: 'webportal' }, /^webportal-[0-9a-f]{32}$/],
    [{ requestId: '' }, NEW_ID],
    [{ requestId: 'x'.repeat(128) }, 'x'.repeat(128)],
    [{ requestId: 'x'.repeat(129) }, NEW_ID],
    [{ requestId: 'a"b' }, NEW_ID],
    [{ requestId: 'line\nbreak' }, NEW_ID],
    [{ prefix: 'p'.repeat(65) }, NEW_ID],
    [{ prefix: '-leading-dash' }, NEW_ID],
  ];
  for (const [hints, want] of table) {
    const got = requestIdOf(hints);
    if (typeof want === 'string') assert.equal(got, want, JSON.stringify(hints));
    else assert.match(got, want, JSON.stringify(hints));
  }
});
