import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { headConfig, tarGzPackage, wordPieceTokenizer, writePackage, zipPackage } from '../../../test/helpers/model-package.js';
import { linearModel } from '../../../test/helpers/onnx-graph.js';
import { entryPath, PackageArchiveError, packageKind, readPackage } from './package-archive.js';
import { decodePackage, encodePackage } from './package-blob.js';
import { PackageConfigError } from './package-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mk-pkg-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Uint8Array) => writePackage(path.join(dir, `p${n++}`), bytes);

const GRAPH = linearModel(
  [
    [1, 0],
    [0, 1],
  ],
  [0, 0],
  { softmax: false },
);
const CONFIG = headConfig(2, ['a', 'b']);
const MB = 1024 * 1024;

for (const [name, want] of [
  ['model.onnx', 'model.onnx'],
  ['./model.onnx', 'model.onnx'],
  ['./', ''],
  ['dir/./x', 'dir/x'],
  ['a//b', 'a/b'],
] as const) {
  test(`entryPath('${name}') is '${want}'`, () => assert.equal(entryPath(name), want));
}
for (const name of ['../model.onnx', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\b', 'x\0y', '..']) {
  test(`entryPath refuses '${name.replace('\0', '\\0')}'`, () => assert.throws(() => entryPath(name), PackageArchiveError));
}

test('packageKind reads the first bytes, not the name', () => {
  assert.equal(packageKind(Uint8Array.from([0x50, 0x4b, 3, 4])), 'zip');
  assert.equal(packageKind(Uint8Array.from([0x1f, 0x8b, 8, 0])), 'tar.gz');
  assert.equal(packageKind(Uint8Array.from([0x7b, 0x22, 0, 0])), undefined);
});

test('a .zip and a .tar.gz (as `tar -C dir .` writes it) give the same model and config', async () => {
  for (const bytes of [
    await zipPackage({ 'model.onnx': GRAPH, 'config.json': CONFIG }),
    await tarGzPackage({ './model.onnx': GRAPH, './config.json': CONFIG }),
  ]) {
    const p = await readPackage(await file(bytes), MB);
    assert.deepEqual(Buffer.from(p.model), Buffer.from(GRAPH));
    assert.equal(p.config.output.kind, 'concepts');
    assert.deepEqual(p.config.output.kind === 'concepts' && p.config.output.concepts, ['a', 'b']);
  }
});

test('config.yaml is read like config.json; other files are skipped', async () => {
  const yaml = 'input:\n  kind: embedding\n  name: x\n  size: 2\noutput:\n  kind: concepts\n  name: y\n  concepts: [a, b]\n  activation: sigmoid\n';
  const p = await readPackage(await file(await tarGzPackage({ 'model.onnx': GRAPH, 'config.yaml': yaml, 'README.md': 'hi', 'extra/weights.bin': 'x' })), MB);
  assert.equal(p.config.output.kind === 'concepts' && p.config.output.activation, 'sigmoid');
});

const refusals: [string, () => Promise<Buffer>, RegExp, typeof PackageArchiveError | typeof PackageConfigError][] = [
  ['not an archive', async () => Buffer.from('{"model": "no"}'), /must be a \.zip or a \.tar\.gz/, PackageArchiveError],
  [
    'no model.onnx',
    () => zipPackage({ 'config.json': CONFIG, 'weights.pt': 'x' }),
    /no model\.onnx at its root; it holds config\.json, weights\.pt/,
    PackageArchiveError,
  ],
  ['model.onnx in a folder only', () => tarGzPackage({ 'sub/model.onnx': GRAPH, 'config.json': CONFIG }), /no model\.onnx at its root/, PackageArchiveError],
  ['no config', () => zipPackage({ 'model.onnx': GRAPH }), /no config\.json/, PackageArchiveError],
  [
    'two configs',
    () => zipPackage({ 'model.onnx': GRAPH, 'config.json': CONFIG, 'config.yaml': 'a: 1' }),
    /config\.json and config\.yaml; keep one/,
    PackageArchiveError,
  ],
  [
    'a path that escapes (tar)',
    () => tarGzPackage({ 'model.onnx': GRAPH, 'config.json': CONFIG, '../../evil.sh': 'x' }),
    /leaves the package/,
    PackageArchiveError,
  ],
  ['an absolute path (tar)', () => tarGzPackage({ 'model.onnx': GRAPH, 'config.json': CONFIG, '/etc/cron.d/x': 'x' }), /not relative/, PackageArchiveError],
  ['a file twice', () => tarGzPackage({ 'model.onnx': GRAPH, './model.onnx': GRAPH, 'config.json': CONFIG }), /holds 'model\.onnx' twice/, PackageArchiveError],
  [
    'a truncated .tar.gz',
    async () => (await tarGzPackage({ 'model.onnx': GRAPH, 'config.json': CONFIG })).subarray(0, 40),
    /not a readable \.tar\.gz/,
    PackageArchiveError,
  ],
  [
    'a truncated .zip',
    async () => (await zipPackage({ 'model.onnx': GRAPH, 'config.json': CONFIG })).subarray(0, 60),
    /not a readable \.zip/,
    PackageArchiveError,
  ],
  [
    'a config with __proto__',
    () => zipPackage({ 'model.onnx': GRAPH, 'config.json': '{"__proto__": {"x": 1}, "input": {}}' }),
    /"__proto__" is not allowed/,
    PackageConfigError,
  ],
  ['bad YAML', () => zipPackage({ 'model.onnx': GRAPH, 'config.yaml': 'input: [unclosed' }), /config\.yaml is not valid YAML/, PackageConfigError],
  [
    'a symlink named model.onnx',
    () => tarGzPackage({ 'config.json': CONFIG }, [{ name: 'model.onnx', type: 'symlink', linkname: '/etc/passwd' }]),
    /no model\.onnx/,
    PackageArchiveError,
  ],
];
for (const [what, make, message, kind] of refusals) {
  test(`refused: ${what}`, async () => {
    await assert.rejects(readPackage(await file(await make()), MB), (e: Error) => {
      assert.ok(e instanceof kind, `${e.constructor.name}: ${e.message}`);
      assert.match(e.message, message);
      return true;
    });
  });
}

test('files larger than the limit are refused while reading, naming the setting', async () => {
  const big = new Uint8Array(300_000);
  for (const bytes of [await zipPackage({ 'model.onnx': big, 'config.json': CONFIG }), await tarGzPackage({ 'model.onnx': big, 'config.json': CONFIG })]) {
    await assert.rejects(readPackage(await file(bytes), 100_000), /MODELKEEP_MAX_MODEL_BYTES/);
  }
});

test('a stored package reads back as it was written (encodePackage / decodePackage)', async () => {
  const p = await readPackage(await file(await zipPackage({ 'model.onnx': GRAPH, 'config.json': CONFIG })), MB);
  const back = decodePackage(encodePackage(p));
  assert.deepEqual(back.config, p.config);
  assert.deepEqual(Buffer.from(back.model), Buffer.from(GRAPH));
  assert.throws(() => decodePackage(Uint8Array.from([1, 2, 3])), /not an uploaded package/);
  assert.throws(() => decodePackage(encodePackage(p).subarray(0, 20)), /truncated/);
});

test("a text model's package needs its tokenizer.json; tokenizer_config.json is kept when there; both survive storage", async () => {
  const textConfig = JSON.stringify({ input: { kind: 'text', name: 'input_ids' }, output: { kind: 'concepts', name: 'y', concepts: ['a', 'b'] } });
  await assert.rejects(
    readPackage(await file(await zipPackage({ 'model.onnx': GRAPH, 'config.json': textConfig })), MB),
    (e: unknown) => e instanceof PackageArchiveError && /input\.kind is text, so the package needs the model's tokenizer\.json/.test(e.message),
  );
  const json = wordPieceTokenizer(['cat']);
  const p = await readPackage(
    await file(
      await tarGzPackage({ 'model.onnx': GRAPH, 'config.json': textConfig, 'tokenizer.json': json, 'tokenizer_config.json': '{"model_max_length": 512}' }),
    ),
    MB,
  );
  assert.deepEqual(p.tokenizer, { json, config: '{"model_max_length": 512}' });
  const back = decodePackage(encodePackage(p));
  assert.deepEqual([back.config, back.tokenizer], [p.config, p.tokenizer]);
  assert.deepEqual(back.config.input, { kind: 'text', name: 'input_ids', max_length: 128, padding: 'longest', pad_id: 0 });
});

test('a package stored before tokenizers (MKONNX1: the config alone as header) still reads', () => {
  const config = Buffer.from(CONFIG, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(config.length);
  const v1 = Buffer.concat([Buffer.from('MKONNX1\n', 'latin1'), length, config, Buffer.from(GRAPH)]);
  const back = decodePackage(v1);
  assert.equal(back.config.input.kind, 'embedding');
  assert.deepEqual(Buffer.from(back.model), Buffer.from(GRAPH));
  assert.equal(back.tokenizer, undefined);
});
