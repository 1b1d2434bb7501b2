import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Doorbell } from './doorbell.js';

describe('Doorbell', () => {
  it('a wait ends after its time', async () => {
    const t0 = performance.now();
    await new Doorbell().wait(30);
    assert.ok(performance.now() - t0 >= 25);
  });

  it('ring() ends the current wait at once; a ring with nobody waiting changes nothing', async () => {
    const bell = new Doorbell();
    bell.ring();
    const t0 = performance.now();
    const w = bell.wait(10_000);
    bell.ring();
    await w;
    assert.ok(performance.now() - t0 < 1000);
    const late = bell.wait(20);
    const t1 = performance.now();
    await late;
    assert.ok(performance.now() - t1 >= 15, 'an earlier ring must not end a later wait');
  });
});
