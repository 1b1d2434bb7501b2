import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from '../errors.js';
import { batches, contentId, readSources, toApiInput } from './upload-sources.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mk-upload-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const put = (rel: string, body: string | Buffer) => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), body);
  return path.join(dir, rel);
};

describe('upload sources', () => {
  it('a folder: sub-folder names are concepts, top-level files unlabelled, other files ignored', () => {
    put('photos/cat/a.png', Buffer.from([1, 2, 3]));
    put('photos/dog/b.JPG', Buffer.from([4]));
    put('photos/dog/notes.txt', 'a dog');
    put('photos/top.png', Buffer.from([5]));
    put('photos/dog/skip.bin', 'x');
    put('photos/.hidden/x.png', 'x');
    const items = readSources([path.join(dir, 'photos')], () => '', ['pet']);
    assert.deepEqual(
      items.map((i) => [path.relative(dir, i.source), i.concepts, i.text ?? i.imageBase64]),
      [
        ['photos/cat/a.png', ['pet', 'cat'], 'AQID'],
        ['photos/dog/b.JPG', ['pet', 'dog'], 'BA=='],
        ['photos/dog/notes.txt', ['pet', 'dog'], 'a dog'],
        ['photos/top.png', ['pet'], 'BQ=='],
      ],
    );
  });

  it('CSV and JSON Lines manifests: text, url or path, id, concepts, metadata', () => {
    put('m/img.png', Buffer.from([9]));
    const csv = put('m/list.csv', 'id,text,url,path,concepts,metadata\nt1,hello,,,a;b,"{""k"":1}"\n,,https://x.test/i.jpg,,c,\n,,,img.png,,\n');
    const jl = put('m/list.jsonl', '{"text":"hi","concepts":["x","y"]}\n\n{"path":"img.png","id":"p1"}\n');
    const items = readSources([csv, jl], () => '', []);
    assert.deepEqual(items.map(toApiInput), [
      {
        id: 't1',
        data: {
          text: { raw: 'hello' },
          concepts: [
            { id: 'a', value: 1 },
            { id: 'b', value: 1 },
          ],
          metadata: { k: 1 },
        },
      },
      { data: { image: { url: 'https://x.test/i.jpg' }, concepts: [{ id: 'c', value: 1 }] } },
      { data: { image: { base64: 'CQ==' } } },
      {
        data: {
          text: { raw: 'hi' },
          concepts: [
            { id: 'x', value: 1 },
            { id: 'y', value: 1 },
          ],
        },
      },
      { id: 'p1', data: { image: { base64: 'CQ==' } } },
    ]);
    assert.equal(items[0]!.source, `${csv}:2`);
  });

  it('stdin: one text input a non-empty line', () => {
    const items = readSources(['-'], () => 'one\n\n two \r\nthree', ['c']);
    assert.deepEqual(
      items.map((i) => [i.text, i.source, i.concepts]),
      [
        ['one', 'stdin:1', ['c']],
        [' two ', 'stdin:3', ['c']],
        ['three', 'stdin:4', ['c']],
      ],
    );
  });

  it('bad manifest rows and missing files are usage errors naming the line', () => {
    const bad = put('bad.jsonl', '{"text":"a","url":"https://x"}\n');
    assert.throws(
      () => readSources([bad], () => '', []),
      (e: Error) => e instanceof UsageError && /bad\.jsonl:1: give exactly one of text, url or path/.test(e.message),
    );
    const badUrl = put('badurl.csv', 'url\nftp://x\n');
    assert.throws(() => readSources([badUrl], () => '', []), /badurl\.csv:2: url must be http/);
    assert.throws(() => readSources([path.join(dir, 'nope')], () => '', []), /no such file or folder/);
    assert.throws(() => readSources([put('x.bin', 'x')], () => '', []), /not an image/);
  });

  it('content ids are stable and depend on data and labels', () => {
    const a = { source: 's', text: 't', concepts: ['a'], size: 1 };
    assert.equal(contentId(a), contentId({ ...a, source: 'other' }));
    assert.notEqual(contentId(a), contentId({ ...a, concepts: ['b'] }));
    assert.match(contentId(a), /^[0-9a-f]{32}$/);
  });

  it('batches respect the count and the byte budget', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ size: i === 3 ? 50 : 10 }));
    assert.deepEqual(
      batches(items, 3, 1000).map((b) => b.length),
      [3, 3, 1],
    );
    assert.deepEqual(
      batches(items, 10, 60).map((b) => b.length),
      [3, 2, 2],
    );
    assert.deepEqual(
      batches([{ size: 500 }], 3, 100).map((b) => b.length),
      [1],
    );
  });
});
