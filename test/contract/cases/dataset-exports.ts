import assert from 'node:assert/strict';
import { it } from 'node:test';
import { uniq } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

/** Dataset version exports (migration 011): kept once per version and format, sized without reading them, gone with their version. */
export function datasetExportCases(h: Harness): void {
  it('datasets: putExport keeps the first archive of a format, getExport reads it, exportsOf sizes them, deleting the version drops them', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const ds = { pk: uniq('dpk'), userId: a.userId, appId: a.id, id: 'd', description: '', notes: '', metadata: {}, createdAt: 1, modifiedAt: 1 };
    await s.datasets.create(ds);
    const version = (id: string) => ({
      pk: uniq('dvpk'),
      datasetPk: ds.pk,
      datasetId: ds.id,
      userId: a.userId,
      appId: a.id,
      id,
      description: '',
      metadata: {},
      statusCode: 64015,
      counts: { inputs: 0, unlabeled: 0, positiveTags: 0 },
      createdAt: 2,
      modifiedAt: 2,
    });
    const [v1, v2] = [version('v1'), version('v2')];
    await s.datasets.createVersion(v1, []);
    await s.datasets.createVersion(v2, []);
    const bytes = new Uint8Array([80, 75, 0, 255, 1]);
    assert.deepEqual(await s.datasets.putExport(v1.pk, 'CLARIFAI_DATA_PROTOBUF', bytes, 10), {
      format: 'CLARIFAI_DATA_PROTOBUF',
      archive: bytes,
      createdAt: 10,
    });
    // A second put of the same format keeps the first archive.
    assert.deepEqual((await s.datasets.putExport(v1.pk, 'CLARIFAI_DATA_PROTOBUF', new Uint8Array([1]), 11))?.archive, bytes);
    await s.datasets.putExport(v1.pk, 'CLARIFAI_DATA_JSON', new Uint8Array(3), 12);
    await s.datasets.putExport(v2.pk, 'CLARIFAI_DATA_JSON', new Uint8Array(7), 13);
    assert.equal(await s.datasets.putExport(uniq('gone'), 'CLARIFAI_DATA_JSON', bytes, 14), undefined);
    assert.deepEqual((await s.datasets.getExport(v1.pk, 'CLARIFAI_DATA_PROTOBUF'))?.archive, bytes);
    assert.equal(await s.datasets.getExport(v2.pk, 'CLARIFAI_DATA_PROTOBUF'), undefined);
    const sizes = (await s.datasets.exportsOf([v1.pk, v2.pk])).map((e) => [e.versionPk === v1.pk ? 'v1' : 'v2', e.format, e.size, e.createdAt]);
    assert.deepEqual(
      sizes.sort((x, y) => String(x).localeCompare(String(y))),
      [
        ['v1', 'CLARIFAI_DATA_JSON', 3, 12],
        ['v1', 'CLARIFAI_DATA_PROTOBUF', 5, 10],
        ['v2', 'CLARIFAI_DATA_JSON', 7, 13],
      ],
    );
    assert.deepEqual(await s.datasets.exportsOf([]), []);
    await s.datasets.deleteVersions([v1.pk]);
    assert.equal(await s.datasets.getExport(v1.pk, 'CLARIFAI_DATA_PROTOBUF'), undefined);
    assert.deepEqual(
      (await s.datasets.exportsOf([v1.pk, v2.pk])).map((e) => e.format),
      ['CLARIFAI_DATA_JSON'],
    );
  });
}
