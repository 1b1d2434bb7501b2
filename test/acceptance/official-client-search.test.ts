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
 * The unmodified official low-level client `clarifai-nodejs-grpc` searching a real modelkeep process
 * with the request shapes of Clarifai's python-grpc tests/client/test_inputs_searches.py (decision 0032):
 * a concept filter, a metadata Struct filter (sub-object match), a text rank, and paging.
 */

const USER = 'search-user';
const PAT = 'acceptance-search-pat-0123456789abcdef';
const pkgRequire = createRequire(createRequire(import.meta.url).resolve('clarifai-nodejs-grpc'));
assert.equal(
  createRequire(import.meta.url).resolve('@grpc/grpc-js'),
  pkgRequire.resolve('@grpc/grpc-js'),
  'one @grpc/grpc-js shared with clarifai-nodejs-grpc',
);
const { Struct } = pkgRequire('google-protobuf/google/protobuf/struct_pb.js') as { Struct: { fromJavaScript(o: Record<string, unknown>): never } };

const { PostAppsRequest, PostInputsRequest, GetInputRequest, PostInputsSearchesRequest, Pagination } = service_pb;
const { UserAppIDSet, App, Input, Data, Text, Concept, Annotation, Filter, Query, Rank, Search } = resources_pb;

const unary = officialUnary(PAT);

describe('clarifai-nodejs-grpc: PostInputsSearches', { timeout: 300_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let client: V2Client;
  const appId = 'search-app';
  const uai = () => new UserAppIDSet().setUserId('me').setAppId(appId);
  const ok = assertSuccess;
  const search = async (query: InstanceType<typeof Query>, page = 1, perPage = 1000) => {
    const res = await unary(
      client.postInputsSearches.bind(client),
      new PostInputsSearchesRequest()
        .setUserAppId(uai())
        .setSearchesList([new Search().setQuery(query)])
        .setPagination(new Pagination().setPage(page).setPerPage(perPage)),
    );
    ok(res);
    return res.getHitsList().map((h) => [h.getInput()!.getId(), h.getScore()] as const);
  };

  before(async () => {
    // The worker processes inputs (their text embeddings); nothing trains here.
    server = await startServer({ env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT } });
    client = new V2Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    ok(await unary(client.postApps.bind(client), new PostAppsRequest().setUserAppId(new UserAppIDSet().setUserId('me')).setAppsList([new App().setId(appId)])));
    const texts: [string, string, string][] = [
      ['s1', 'a dog in the park', 'pets'],
      ['s2', 'bond markets and rates', 'money'],
      ['s3', 'my dog sleeps all day', 'pets'],
    ];
    const inputs = texts.map(([id, raw, concept]) => {
      const data = new Data().setText(new Text().setRaw(raw)).setConceptsList([new Concept().setId(concept).setValue(1)]);
      if (id === 's1') data.setMetadata(Struct.fromJavaScript({ 'some-key': 'some-value', 'another-key': { 'inner-key': 'inner-value' } }));
      return new Input().setId(id).setData(data);
    });
    ok(await unary(client.postInputs.bind(client), new PostInputsRequest().setUserAppId(uai()).setInputsList(inputs)));
    const deadline = Date.now() + 60_000;
    for (const [id] of texts) {
      for (;;) {
        const code = (await unary(client.getInput.bind(client), new GetInputRequest().setUserAppId(uai()).setInputId(id))).getInput()!.getStatus()!.getCode();
        if (code === 30000) break;
        assert.ok(Date.now() < deadline && code !== 30002, `input ${id} status ${code}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  after(async () => {
    client?.close();
    await server?.stop();
    removeDir(dataDir);
  });

  it('filters by a concept id and by a metadata sub-object; filter-only hits score 1', async () => {
    const byConcept = await search(
      new Query().setFiltersList([new Filter().setAnnotation(new Annotation().setData(new Data().setConceptsList([new Concept().setId('pets').setValue(1)])))]),
    );
    assert.deepEqual(byConcept.map(([id]) => id).sort(), ['s1', 's3']);
    assert.ok(byConcept.every(([, score]) => score === 1));
    const byMetadata = await search(
      new Query().setFiltersList([
        new Filter().setAnnotation(new Annotation().setData(new Data().setMetadata(Struct.fromJavaScript({ 'another-key': { 'inner-key': 'inner-value' } })))),
      ]),
    );
    assert.deepEqual(
      byMetadata.map(([id]) => id),
      ['s1'],
    );
  });

  it('ranks by a text, best first, and pages', async () => {
    const query = new Query().setRanksList([new Rank().setAnnotation(new Annotation().setData(new Data().setText(new Text().setRaw('dog'))))]);
    const all = await search(query);
    assert.equal(all.length, 3);
    assert.equal(all[2]![0], 's2', 'the text without "dog" ranks last');
    assert.ok(all[0]![1] >= all[1]![1] && all[1]![1] >= all[2]![1]);
    assert.deepEqual(await search(query, 2, 1), [all[1]]);
  });
});
