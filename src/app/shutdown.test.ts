import assert from 'node:assert/strict';
import { it } from 'node:test';
import { withinGrace } from './shutdown.js';

it('withinGrace tells work that settled in time from work that did not', async () => {
  assert.equal(await withinGrace(Promise.resolve(), 1000), true);
  assert.equal(await withinGrace(Promise.reject(new Error('x')), 1000), true);
  assert.equal(await withinGrace(new Promise(() => undefined), 0), false);
});
