import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as archive from './archive.js';
import { ARCHIVE_FLAGS, ARCHIVE_USAGE } from './archive-flags.js';

// archive.ts still exports its own copies; main.ts parses and prints these. They must not drift apart.
it('archive-flags.ts has the flags and usage text of archive.ts', () => {
  assert.deepEqual([...ARCHIVE_FLAGS], [...archive.ARCHIVE_FLAGS]);
  assert.equal(ARCHIVE_USAGE, archive.ARCHIVE_USAGE);
});
