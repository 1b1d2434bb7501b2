import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseCorsOrigins } from './cors-origins.js';

it('reads * and comma lists of origins', () => {
  const cases: Array<[string, unknown]> = [
    ['*', '*'],
    [' * ', '*'],
    ['https://app.example.com', ['https://app.example.com']],
    ['https://a.example.com, http://localhost:5173/', ['https://a.example.com', 'http://localhost:5173']],
  ];
  for (const [raw, want] of cases) assert.deepEqual(parseCorsOrigins(raw), want, raw);
});

it('refuses what would never match a browser Origin header, saying how to write one', () => {
  for (const raw of ['app.example.com', 'https://app.example.com/path', 'ftp://x.example.com', ',', 'https://a.example.com,*x']) {
    assert.throws(() => parseCorsOrigins(raw), /scheme:\/\/host\[:port\]|empty/, raw);
  }
});
