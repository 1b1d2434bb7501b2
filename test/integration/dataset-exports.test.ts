import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { loadClarifaiProtos } from '../../src/proto/load.js';
import { messageCodec } from '../../src/proto/message-codec.js';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { pngBase64, textInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';
import { TEST_PAT } from '../helpers/server.js';
import { unzip } from '../helpers/unzip.js';

const inputBatch = messageCodec(loadClarifaiProtos().type('clarifai.api.InputBatch'));

// PutDatasetVersionExports as Clarifai's Python client drives it (clarifai/client/dataset.py,
// Dataset.archive_zip and export): PUT with one CLARIFAI_DATA_PROTOBUF export, poll the same PUT
// while 64201 / 64203, read exports[0].url on 64200, download it with no Authorization header, then
// read the archive (clarifai/datasets/export/inputs_annotations.py, DatasetExportReader).
describeBoth('PutDatasetVersionExports, export_info, the signed download', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };

  before(async () => {
    uai = await newApp(api, uid('export'));
    await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'pets' }] });
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [
        textInput('t1', 'a cat', [['cat', 1]], { dataset_ids: ['pets'] }),
        textInput('t2', 'not a cat', [['cat', 0]], { dataset_ids: ['pets'] }),
        {
          id: 'p1',
          data: { image: { base64: await pngBase64([200, 10, 10]) }, concepts: [{ id: 'dog', value: 1 }], metadata: { k: 'v' } },
          dataset_ids: ['pets'],
        },
        textInput('outside', 'not in the dataset', [['cat', 1]]),
      ],
    });
    await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'pets', dataset_versions: [{ id: 'frozen' }] });
    // After the freeze: relabel one input, delete another, add a third to the dataset. The export is the version's, not today's.
    await api.ok('PatchInputs', { user_app_id: uai, action: 'overwrite', inputs: [{ id: 't1', data: { concepts: [{ id: 'bird', value: 1 }] } }] });
    await api.ok('DeleteInputs', { user_app_id: uai, ids: ['t2'] });
    await api.ok('PostDatasetInputs', { user_app_id: uai, dataset_id: 'pets', dataset_inputs: [{ input: { id: 'outside' } }] });
  });

  const put = (formats: unknown[]) =>
    api.ok('PutDatasetVersionExports', { user_app_id: uai, dataset_id: 'pets', dataset_version_id: 'frozen', exports: formats.map((format) => ({ format })) });

  it('CLARIFAI_DATA_PROTOBUF: 64200 at once with url and size; the url downloads without a key; the archive is the version frozen', async () => {
    const body = await put([1]);
    const e = body.exports[0];
    assert.equal(e.status.code, 64200);
    assert.equal(e.format, 1);
    assert.match(
      e.url,
      /^http:\/\/127\.0\.0\.1:\d+\/exports\/users\/[^/]+\/apps\/[^/]+\/datasets\/pets\/versions\/frozen\/clarifai_data_protobuf\.zip\?expires=\d+&signature=[0-9a-f]{64}$/,
    );
    const res = await fetch(e.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(String(bytes.byteLength), e.size);
    const files = await unzip(bytes);
    const names = [...files.keys()];
    assert.equal(names[0], 'mimetype');
    assert.equal(files.get('mimetype')!.toString(), 'application/x.clarifai-data+protobuf');
    // One batch; the reader takes the split from its directory and the count from the `_n` suffix.
    assert.deepEqual(names.slice(1), ['all/batch-00000_n2']);
    const batch = inputBatch.decode(files.get('all/batch-00000_n2')!) as ApiObject;
    const byId = new Map((batch.inputs as ApiObject[]).map((i) => [i.id, i]));
    assert.deepEqual([...byId.keys()].sort(), ['p1', 't1']);
    // Only id and data are set; the labels are those the version froze (t1: cat, not today's bird).
    for (const i of byId.values()) assert.deepEqual(Object.keys(i).sort(), ['data', 'id']);
    assert.deepEqual(
      byId.get('t1')!.data.concepts.map((c: ApiObject) => [c.id, c.value]),
      [['cat', 1]],
    );
    assert.equal(byId.get('t1')!.data.text.raw, 'a cat');
    const image = byId.get('p1')!.data.image;
    assert.deepEqual(image.hosted.sizes, ['orig']);
    assert.deepEqual(byId.get('p1')!.data.metadata, { k: 'v' });
    // What the client's downloader fetches with its session's key: {prefix}/orig/{suffix}.
    const hosted = await fetch(`${image.hosted.prefix}/orig/${image.hosted.suffix}`, { headers: { authorization: `Key ${TEST_PAT}` } });
    assert.equal(hosted.status, 200);
    assert.ok((await hosted.arrayBuffer()).byteLength > 0);

    // The same PUT again (the client polls it) answers the same archive.
    const again = (await put([1])).exports[0];
    assert.equal(again.size, e.size);
    assert.deepEqual(new Uint8Array(await (await fetch(again.url)).arrayBuffer()), bytes);
  });

  it('CLARIFAI_DATA_JSON: InputBatch JSON; several formats in one call answer in order; COCO is 64202 saying why', async () => {
    const body = await put(['CLARIFAI_DATA_JSON', 2, 1]);
    assert.deepEqual(
      body.exports.map((e: ApiObject) => [e.format, e.status.code]),
      [
        [3, 64200],
        [2, 64202],
        [1, 64200],
      ],
    );
    assert.match(body.exports[1].status.details, /COCO describes regions.*CLARIFAI_DATA_PROTOBUF or CLARIFAI_DATA_JSON/);
    assert.equal(body.exports[1].url, undefined);
    const files = await unzip(new Uint8Array(await (await fetch(body.exports[0].url)).arrayBuffer()));
    assert.equal(files.get('mimetype')!.toString(), 'application/x.clarifai-data+json');
    const batch = JSON.parse(files.get('all/batch-00000_n2.json')!.toString());
    assert.deepEqual(batch.inputs.map((i: ApiObject) => i.id).sort(), ['p1', 't1']);
  });

  it('GetDatasetVersion and ListDatasetVersions show export_info with fresh urls', async () => {
    const got = (await api.ok('GetDatasetVersion', { user_app_id: uai, dataset_id: 'pets', dataset_version_id: 'frozen' })).dataset_version;
    assert.equal(got.export_info.clarifai_data_protobuf.status.code, 64200);
    assert.equal(got.export_info.clarifai_data_json.format, 3);
    assert.equal(got.export_info.coco, undefined);
    assert.equal((await fetch(got.export_info.clarifai_data_protobuf.url)).status, 200);
    const listed = (await api.ok('ListDatasetVersions', { user_app_id: uai, dataset_id: 'pets' })).dataset_versions;
    assert.equal(listed[0].export_info.clarifai_data_protobuf.size, got.export_info.clarifai_data_protobuf.size);
  });

  it('a URL altered, for another version or without its signature is 11101; bad requests say what to send', async () => {
    const url = new URL((await put([1])).exports[0].url);
    const status = async (u: string) => {
      const r = await fetch(u);
      return [r.status, ((await r.json()) as ApiObject).status.code];
    };
    assert.deepEqual(await status(url.href.replace('/frozen/', '/other/')), [404, 11101]);
    assert.deepEqual(await status(url.href.replace(/signature=[0-9a-f]/, 'signature=g')), [404, 11101]);
    assert.deepEqual(await status(`${url.origin}${url.pathname}`), [404, 11101]);
    const later = url.href.replace(/expires=\d+/, `expires=${Date.now() + 10 * 3600_000}`);
    assert.deepEqual(await status(later), [404, 11101]);
    assert.deepEqual(await status(url.href.replace('clarifai_data_protobuf.zip', 'coco.zip')), [404, 11101]);

    const s = await api.fails('PutDatasetVersionExports', { user_app_id: uai, dataset_id: 'pets', dataset_version_id: 'frozen' }, 11100, 400);
    assert.match(s.details ?? '', /"exports": \[\{"format": "CLARIFAI_DATA_PROTOBUF"\}\]/);
    await api.fails('PutDatasetVersionExports', { user_app_id: uai, dataset_id: 'pets', dataset_version_id: 'frozen', exports: [{}] }, 11100, 400);
    const extra = await api.fails(
      'PutDatasetVersionExports',
      { user_app_id: uai, dataset_id: 'pets', dataset_version_id: 'frozen', exports: [{ format: 1, include_embeddings: true }] },
      11100,
      400,
    );
    assert.match(extra.details ?? '', /include_embeddings cannot be set/);
    await api.fails('PutDatasetVersionExports', { user_app_id: uai, dataset_id: 'pets', dataset_version_id: 'nope', exports: [{ format: 1 }] }, 11101, 404);
    await api.fails('PutDatasetVersionExports', { user_app_id: uai, dataset_id: 'nope', dataset_version_id: 'frozen', exports: [{ format: 1 }] }, 11101, 404);
  });

  it('deleting the version revokes its URLs', async () => {
    await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'pets', dataset_versions: [{ id: 'short-lived' }] });
    const url = (
      await api.ok('PutDatasetVersionExports', { user_app_id: uai, dataset_id: 'pets', dataset_version_id: 'short-lived', exports: [{ format: 1 }] })
    ).exports[0].url;
    assert.equal((await fetch(url)).status, 200);
    await api.ok('DeleteDatasetVersions', { user_app_id: uai, dataset_id: 'pets', dataset_version_ids: ['short-lived'] });
    assert.equal((await fetch(url)).status, 404);
  });
});
