import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { generatedApiTypes } from '../../scripts/gen/current.js';

// src/gen/api.ts is never edited by hand: it must be exactly what the generator makes of the installed protos.
it('src/gen/api.ts is current (else: npm run gen, and commit it)', () => {
  const current = readFileSync('src/gen/api.ts', 'utf8');
  const fresh = generatedApiTypes();
  if (current === fresh) return;
  const a = current.split('\n');
  const b = fresh.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  assert.fail(`src/gen/api.ts is stale from line ${i + 1}: has ${JSON.stringify(a[i])}, the protos give ${JSON.stringify(b[i])}. Run \`npm run gen\`.`);
});
