import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unzip } from '../../test/helpers/unzip.js';
import { zipFiles } from './zip.js';

describe('zipFiles', () => {
  it('a reader gets back every entry, in order, names in UTF-8, empty entries included, stored or compressed', async () => {
    const entries = [
      { name: 'mimetype', bytes: Buffer.from('application/x.clarifai-data+protobuf') },
      { name: 'all/batch-00000_n2', bytes: new Uint8Array([0, 1, 2, 255]) },
      { name: 'all/élan.json', bytes: new Uint8Array(0) },
    ];
    for (const compress of [false, true]) {
      const got = await unzip(await zipFiles(entries, { compress }));
      assert.deepEqual(
        [...got.keys()],
        entries.map((e) => e.name),
      );
      for (const e of entries) assert.deepEqual(new Uint8Array(got.get(e.name)!), new Uint8Array(e.bytes));
    }
  });

  it('the same entries make the same bytes (a fixed time), and no entry is an empty archive', async () => {
    const e = [{ name: 'a', bytes: Buffer.from('x') }];
    assert.deepEqual(await zipFiles(e), await zipFiles(e));
    assert.equal((await unzip(await zipFiles([]))).size, 0);
  });
});
