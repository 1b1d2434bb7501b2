import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { removeStaleUploads } from './model-upload.service.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mk-sweep-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('upload directories untouched for a day are removed; fresh ones and other files stay', async () => {
  const now = Date.now();
  const old = path.join(dir, 'modelkeep-upload-old');
  const fresh = path.join(dir, 'modelkeep-upload-fresh');
  const other = path.join(dir, 'something-else');
  for (const d of [old, fresh, other]) mkdirSync(d);
  writeFileSync(path.join(old, 'package'), 'half a package');
  const dayAgo = (now - 25 * 60 * 60 * 1000) / 1000;
  utimesSync(old, dayAgo, dayAgo);
  utimesSync(other, dayAgo, dayAgo);
  assert.equal(await removeStaleUploads(now, undefined, dir), 1);
  assert.equal(existsSync(old), false);
  assert.equal(existsSync(fresh), true);
  assert.equal(existsSync(other), true, 'only modelkeep-upload-* directories are touched');
  assert.equal(await removeStaleUploads(now, undefined, path.join(dir, 'missing')), 0, 'a missing directory is not an error');
});
