import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Status } from './api-types.js';
import { inputChip, isInFlight, versionChip } from './version-status.js';

describe('versionChip', () => {
  const table: [Parameters<typeof versionChip>, string, string][] = [
    [[{ code: 21103 }], 'queued', 'neutral'],
    [[{ code: 21101, percent_completed: 42.4 }], 'training 42%', 'busy'],
    [[{ code: 21100 }], 'trained', 'good'],
    [[{ code: 21100 }, { code: 21300 }], 'evaluated', 'good'],
    [[{ code: 21100 }, { code: 21301 }], 'evaluating', 'busy'],
    [[{ code: 21100 }, { code: 21316 }], 'trained', 'good'],
    [[{ code: 21117, description: 'Insufficient data', details: 'need 2 inputs' }], 'failed', 'bad'],
    [[{ code: 21106 }], 'failed', 'bad'],
    [[{ code: 21102 }], 'untrained', 'neutral'],
  ];
  for (const [args, label, tone] of table) {
    it(`${JSON.stringify(args)} → ${label}`, () => {
      const c = versionChip(...args);
      assert.equal(c.label, label);
      assert.equal(c.tone, tone);
    });
  }
  it('a failure carries its code and details', () => {
    assert.equal(versionChip({ code: 21117, description: 'Insufficient data', details: 'need 2 inputs' }).note, '21117 Insufficient data — need 2 inputs');
  });
  it('polling continues only while training or evaluating', () => {
    assert.deepEqual(
      [21103, 21101, 21100, 21106, 21301, 21303, 21300].map((code) => isInFlight({ code: code as Status['code'] })),
      [true, true, false, false, true, true, false],
    );
  });
});

describe('inputChip', () => {
  it('maps processing codes and keeps failure details', () => {
    assert.equal(inputChip({ code: 30000 }).label, 'processed');
    assert.equal(inputChip({ code: 30001 }).label, 'processing');
    const f = inputChip({ code: 30002, description: 'Download failed', details: 'not an image' });
    assert.equal(f.tone, 'bad');
    assert.equal(f.note, 'not an image');
  });
});
