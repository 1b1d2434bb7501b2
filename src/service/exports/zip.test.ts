import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unzip } from '../../../test/helpers/unzip.js';
import { crc32, zipStored } from './zip.js';

describe('zipStored', () => {
  it('crc32 of known strings', () => {
    assert.equal(crc32(Buffer.from('')), 0);
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  });

  it('a reader gets back every entry, in order, names in UTF-8, empty entries included', async () => {
    const entries = [
      { name: 'mimetype', bytes: Buffer.from('application/x.clarifai-data+protobuf') },
      { name: 'all/batch-00000_n2', bytes: new Uint8Array([0, 1, 2, 255]) },
      { name: 'all/élan.json', bytes: new Uint8Array(0) },
    ];
    const got = await unzip(zipStored(entries));
    assert.deepEqual(
      [...got.keys()],
      entries.map((e) => e.name),
    );
    for (const e of entries) assert.deepEqual(new Uint8Array(got.get(e.name)!), new Uint8Array(e.bytes));
  });

  it('the same entries make the same bytes (a fixed date), and no entry is an empty archive', async () => {
    const e = [{ name: 'a', bytes: Buffer.from('x') }];
    assert.deepEqual(zipStored(e), zipStored(e));
    assert.equal((await unzip(zipStored([]))).size, 0);
  });
});
