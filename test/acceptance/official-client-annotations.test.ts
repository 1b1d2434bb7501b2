import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import resources_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/resources_pb';
import { V2Client } from 'clarifai-nodejs-grpc/proto/clarifai/api/service_grpc_pb';
import service_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/service_pb';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';
import { assertSuccess, officialUnary } from '../helpers/official-grpc.js';

/**
 * The unmodified official client `clarifai-nodejs-grpc` against a real modelkeep process, following
 * Clarifai's own python-grpc tests for labels: test_input_search_legacy.py
 * (`test_save_and_execute_annotations_search_by_id`: ListAnnotations by input ids, then
 * PatchAnnotations "merge" on the input-level annotation labels the input) and test_concept_crud.py
 * (PatchConcepts "overwrite" renames; a concept not in the app is CONN_DOES_NOT_EXIST); plus
 * data.geo and DeleteDatasets (test_dataset_version_export.py cleans up with it).
 */

const USER = 'anno-user';
const PAT = 'acceptance-anno-pat-0123456789abcdef';
const pkgRequire = createRequire(createRequire(import.meta.url).resolve('clarifai-nodejs-grpc'));
assert.equal(
  createRequire(import.meta.url).resolve('@grpc/grpc-js'),
  pkgRequire.resolve('@grpc/grpc-js'),
  'one @grpc/grpc-js shared with clarifai-nodejs-grpc',
);

const {
  PostAppsRequest,
  PostInputsRequest,
  ListAnnotationsRequest,
  PatchAnnotationsRequest,
  GetInputRequest,
  PatchConceptsRequest,
  PostDatasetsRequest,
  DeleteDatasetsRequest,
  GetDatasetRequest,
} = service_pb;
const { UserAppIDSet, App, Input, Data, Text, Concept, Annotation, Geo, GeoPoint, Dataset } = resources_pb;

const unary = officialUnary(PAT);

describe('clarifai-nodejs-grpc: annotations, concepts, geo and datasets', { timeout: 300_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let client: V2Client;
  const appId = 'anno-app';
  const uai = () => new UserAppIDSet().setUserId('me').setAppId(appId);
  const ok = assertSuccess;

  before(async () => {
    server = await startServer({
      env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT, MODELKEEP_WORKER: 'false' },
    });
    client = new V2Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    ok(await unary(client.postApps.bind(client), new PostAppsRequest().setUserAppId(new UserAppIDSet().setUserId('me')).setAppsList([new App().setId(appId)])));
    const inputs = ['in1', 'in2'].map((id) =>
      new Input()
        .setId(id)
        .setData(new Data().setText(new Text().setRaw(`text of ${id}`)).setGeo(new Geo().setGeoPoint(new GeoPoint().setLongitude(-122.5).setLatitude(37.75)))),
    );
    ok(await unary(client.postInputs.bind(client), new PostInputsRequest().setUserAppId(uai()).setInputsList(inputs)));
  });
  after(async () => {
    client?.close();
    await server?.stop();
    removeDir(dataDir);
  });

  it('ListAnnotations by input ids, then PatchAnnotations "merge" on those ids labels the inputs', async () => {
    const listed = await unary(client.listAnnotations.bind(client), new ListAnnotationsRequest().setUserAppId(uai()).setInputIdsList(['in1', 'in2']));
    ok(listed);
    const byInput = new Map(listed.getAnnotationsList().map((a) => [a.getInputId(), a.getId()]));
    assert.deepEqual([...byInput.keys()].sort(), ['in1', 'in2']);
    const patched = await unary(
      client.patchAnnotations.bind(client),
      new PatchAnnotationsRequest()
        .setUserAppId(uai())
        .setAction('merge')
        .setAnnotationsList(
          ['in1', 'in2'].map((id) =>
            new Annotation()
              .setId(byInput.get(id)!)
              .setInputId(id)
              .setData(new Data().setConceptsList([new Concept().setId('my-anno-conc').setValue(1)])),
          ),
        ),
    );
    ok(patched);
    const input = (await unary(client.getInput.bind(client), new GetInputRequest().setUserAppId(uai()).setInputId('in2'))).getInput()!;
    assert.deepEqual(
      input
        .getData()!
        .getConceptsList()
        .map((c) => [c.getId(), c.getValue()]),
      [['my-anno-conc', 1]],
    );
    const geo = input.getData()!.getGeo()!.getGeoPoint()!;
    assert.ok(Math.abs(geo.getLongitude() + 122.5) < 1e-4 && Math.abs(geo.getLatitude() - 37.75) < 1e-4);
  });

  it('PatchConcepts "overwrite" renames; a concept not in the app is CONN_DOES_NOT_EXIST "Resource does not exist"', async () => {
    const renamed = await unary(
      client.patchConcepts.bind(client),
      new PatchConceptsRequest()
        .setUserAppId(uai())
        .setAction('overwrite')
        .setConceptsList([new Concept().setId('my-anno-conc').setName('some new concept name')]),
    );
    ok(renamed);
    assert.equal(renamed.getConceptsList()[0]!.getName(), 'some new concept name');
    const missing = await unary(
      client.patchConcepts.bind(client),
      new PatchConceptsRequest()
        .setUserAppId(uai())
        .setAction('overwrite')
        .setConceptsList([new Concept().setId('ai_98Xb0K3q').setName("this new name won't be applied")]),
    );
    assert.equal(missing.getStatus()?.getCode(), 11101);
    assert.equal(missing.getStatus()?.getDescription(), 'Resource does not exist');
  });

  it('DeleteDatasets(dataset_ids) deletes the dataset', async () => {
    ok(await unary(client.postDatasets.bind(client), new PostDatasetsRequest().setUserAppId(uai()).setDatasetsList([new Dataset().setId('export-me')])));
    ok(await unary(client.deleteDatasets.bind(client), new DeleteDatasetsRequest().setUserAppId(uai()).setDatasetIdsList(['export-me'])));
    const gone = await unary(client.getDataset.bind(client), new GetDatasetRequest().setUserAppId(uai()).setDatasetId('export-me'));
    assert.equal(gone.getStatus()?.getCode(), 11101);
  });
});
