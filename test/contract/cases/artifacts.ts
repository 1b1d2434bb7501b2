import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ARTIFACT_PART_BYTES } from '../../../src/storage/repos/concepts.repo.js';
import { model, version } from '../fixtures.js';
import type { Harness } from './harness.js';
import { inputScene, rowsFor } from './input-scene.js';

/** Trained artifacts (in parts when large), version exports, and versions found by their input_info. */
export function artifactCases(h: Harness): void {
  const setup = inputScene(h);

  it('an artifact larger than a part is kept in parts and reads back whole; a smaller one, or the version deleted, drops the parts', async () => {
    const { s, a } = await setup();
    const m = model(a);
    await s.models.create(m);
    const ver = version(m);
    await s.versions.create(ver);
    const parts = async (): Promise<number> =>
      Number(
        (
          await h.store.db
            .selectFrom('artifact_parts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('version_pk', '=', ver.pk)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const big = new Uint8Array(ARTIFACT_PART_BYTES * 2 + 12_345);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 13)) & 0xff;
    await s.transaction(async (tx) => tx.artifacts.put(ver.pk, big));
    assert.equal(await parts(), 2);
    const back = await s.artifacts.get(ver.pk);
    assert.equal(back?.length, big.length);
    assert.ok(Buffer.from(back!).equals(Buffer.from(big)), 'the same bytes, in order');
    const head = await s.artifacts.head(ver.pk, ARTIFACT_PART_BYTES + 10);
    assert.ok(head && Buffer.from(head).equals(Buffer.from(big.subarray(0, ARTIFACT_PART_BYTES + 10))), 'a head longer than the first part reads on');
    const exact = big.subarray(0, ARTIFACT_PART_BYTES * 2);
    await s.artifacts.put(ver.pk, exact);
    assert.equal(await parts(), 1, 'exactly two parts long: the first and one more');
    assert.ok(Buffer.from((await s.artifacts.get(ver.pk))!).equals(Buffer.from(exact)));
    await s.artifacts.put(ver.pk, new Uint8Array([9]));
    assert.equal(await parts(), 0);
    assert.deepEqual(await s.artifacts.get(ver.pk), new Uint8Array([9]));
    await s.artifacts.put(ver.pk, big);
    await s.versions.delete(ver.pk);
    assert.equal(await parts(), 0, 'parts go with their version');
    assert.equal(await s.artifacts.get(ver.pk), undefined);
  });

  it('artifacts: put overwrites, get returns the bytes; they go with their version, and an app takes all its training data', async () => {
    const { s, a, mk } = await setup();
    const m = model(a);
    await s.models.create(m);
    const ver = version(m);
    await s.versions.create(ver);
    assert.equal(await s.artifacts.get(ver.pk), undefined);
    await s.artifacts.put(ver.pk, new Uint8Array([1]));
    await s.artifacts.put(ver.pk, new Uint8Array([4, 5, 6]));
    assert.deepEqual(await s.artifacts.get(ver.pk), new Uint8Array([4, 5, 6]));
    await s.transaction(async (tx) => tx.artifacts.put(ver.pk, new Uint8Array([7])));
    assert.deepEqual(await s.artifacts.get(ver.pk), new Uint8Array([7]));
    // head: the first bytes only (an uploaded package's config), all of them when shorter.
    await s.artifacts.put(ver.pk, new Uint8Array([9, 8, 7, 6, 5]));
    assert.deepEqual(await s.artifacts.head(ver.pk, 2), new Uint8Array([9, 8]));
    assert.deepEqual(await s.artifacts.head(ver.pk, 50), new Uint8Array([9, 8, 7, 6, 5]));
    assert.equal(await s.artifacts.head('no-such-version', 2), undefined);
    await s.versions.delete(ver.pk);
    assert.equal(await s.artifacts.get(ver.pk), undefined);

    const i = mk({ kind: 'image', text: null, imageBytes: new Uint8Array([1]), concepts: [{ id: 'c', value: 1 }] });
    await s.concepts.ensure(a.userId, a.id, ['c'], 1);
    await s.inputs.create([i], [[]]);
    await s.apps.delete(a.userId, a.id);
    assert.equal(await rowsFor(h, 'input_blobs', i.pk), 0);
    assert.equal(await rowsFor(h, 'input_labels', i.pk), 0);
    assert.equal(await s.concepts.get(a.userId, a.id, 'c'), undefined);
  });

  it("versions.mentioningInInputInfo: the app's versions whose input_info holds the text (literally: % and _ are no wildcards)", async () => {
    const { s, a } = await setup();
    const m = model(a);
    await s.models.create(m);
    const based = version(m, { inputInfo: { base_embed_model: { id: 'enc_1', model_version: { id: 'v1' } } } });
    const other = version(m, { inputInfo: { base_embed_model: { id: 'encX1' } } });
    await s.versions.create(based);
    await s.versions.create(other);
    const found = await s.versions.mentioningInInputInfo(a.userId, a.id, '"enc_1"');
    assert.deepEqual(
      found.map((f) => [f.modelId, f.version.id]),
      [[m.id, based.id]],
    );
    assert.deepEqual(await s.versions.mentioningInInputInfo(a.userId, 'another-app', '"enc_1"'), []);
  });

  it('exports: put replaces, info gives size and time without the bytes, get the bytes; they go with their version', async () => {
    const { s, a } = await setup();
    const m = model(a);
    await s.models.create(m);
    const ver = version(m);
    await s.versions.create(ver);
    assert.equal(await s.exports.info(ver.pk), undefined);
    assert.equal(await s.exports.get(ver.pk), undefined);
    await s.exports.put(ver.pk, new Uint8Array([1, 2]), 5);
    await s.transaction(async (tx) => tx.exports.put(ver.pk, new Uint8Array([3, 4, 5]), 7));
    assert.deepEqual(await s.exports.info(ver.pk), { size: 3, createdAt: 7 });
    assert.deepEqual(await s.exports.get(ver.pk), new Uint8Array([3, 4, 5]));
    await s.versions.delete(ver.pk);
    assert.equal(await s.exports.info(ver.pk), undefined);
  });
}
