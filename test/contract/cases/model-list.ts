import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { App, Model } from '../../../src/domain/entities.js';
import type { ModelListQuery, ModelSortField } from '../../../src/ports/store.js';
import { app, model, user, version } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

export function modelListCases(h: Harness): void {
  let a: App;
  let ids: (q: Partial<ModelListQuery>) => Promise<string[]>;

  before(async () => {
    const s = h.store;
    ({ a } = await scene(s));
    const mk = (over: Partial<Model>) => model(a, over);
    const fixtures = [
      mk({ id: 'general-image-recognition', name: 'General', description: 'Recognizes images', notes: 'Trained on photos', modelTypeId: 'visual-classifier' }),
      mk({ id: 'gen_text', name: 'Generative Text', description: 'writes text', modelTypeId: 'text-classifier' }),
      mk({ id: 'bert-base', name: 'BERT base', description: 'language model', notes: 'see face-detect notes', modelTypeId: 'text-embedder' }),
      mk({ id: 'odd%name_1', name: 'Percent_Model', modelTypeId: 'visual-classifier' }),
      mk({ id: 'MiXeD', name: 'Éclair', modelTypeId: 'clusterer' }),
    ];
    for (const m of fixtures) await s.models.create(m);
    const [gir, genText] = fixtures;
    await s.versions.create(version(gir!, { status: { code: 21100, details: '', percentCompleted: 100 } }));
    await s.versions.create(version(genText!, { status: { code: 21103, details: '', percentCompleted: 0 } }));
    // Same user, other app; and another user's model with a matching id: neither may leak into app-scoped lists.
    const b = app(a.userId);
    await s.apps.create(b);
    await s.models.create(model(b, { id: 'gen-other-app' }));
    const stranger = user();
    await s.users.create(stranger);
    const c = app(stranger.id);
    await s.apps.create(c);
    await s.models.create(model(c, { id: 'gen-stranger' }));

    ids = async (q) => {
      const rows = await s.models.list({ userId: a.userId, appId: a.id, sort: { field: 'name', ascending: true }, page: { page: 1, perPage: 100 }, ...q });
      return rows.map((m) => m.id).sort();
    };
  });

  it('ListModels name: wildcard, case-insensitive, over id and name, LIKE metacharacters literal', async () => {
    assert.deepEqual(await ids({ namePattern: 'gen*' }), ['gen_text', 'general-image-recognition']);
    assert.deepEqual(await ids({ namePattern: 'GEN*' }), ['gen_text', 'general-image-recognition']);
    assert.deepEqual(await ids({ namePattern: '*bert*' }), ['bert-base']);
    assert.deepEqual(await ids({ namePattern: '*BASE' }), ['bert-base']);
    assert.deepEqual(await ids({ namePattern: 'general' }), ['general-image-recognition']); // exact name, no wildcard
    assert.deepEqual(await ids({ namePattern: 'gen_*' }), ['gen_text']); // _ is not a wildcard
    assert.deepEqual(await ids({ namePattern: 'odd%*' }), ['odd%name_1']);
    assert.deepEqual(await ids({ namePattern: '*%*' }), ['odd%name_1']);
    assert.deepEqual(await ids({ namePattern: 'mixed' }), ['MiXeD']);
    assert.deepEqual(await ids({ namePattern: 'Éclair' }), ['MiXeD']);
    assert.deepEqual(await ids({ namePattern: 'nothing*' }), []);
  });

  it('ListModels query words: groups AND, words in a group OR, exclude, whole words over id/name/description/notes', async () => {
    const w = (groups: string[][], exclude: string[] = []) => ids({ words: { groups, exclude } });
    assert.deepEqual(await w([['image']]), ['general-image-recognition']); // token of the id
    assert.deepEqual(await w([['images']]), ['general-image-recognition']); // description
    assert.deepEqual(await w([['imag']]), []); // whole words only
    assert.deepEqual(await w([['photos']]), ['general-image-recognition']); // notes
    assert.deepEqual(await w([['BERT']]), ['bert-base']);
    assert.deepEqual(await w([['text', 'language']]), ['bert-base', 'gen_text']);
    assert.deepEqual(await w([['text'], ['generative']]), ['gen_text']);
    assert.deepEqual(await w([['text'], ['language']]), []);
    assert.deepEqual(await w([['face-detect']]), ['bert-base']); // phrase of its tokens
    assert.deepEqual(await w([], ['text']), ['MiXeD', 'bert-base', 'general-image-recognition', 'odd%name_1']);
    assert.deepEqual(await w([['model', 'text']], ['bert']), ['gen_text', 'odd%name_1']);
    assert.deepEqual((await w([['!!!']])).length, 5); // a word without letters or digits constrains nothing
  });

  it('ListModels model types, trained only, and all apps of the user', async () => {
    assert.deepEqual(await ids({ modelTypeIds: ['text-classifier', 'text-embedder'] }), ['bert-base', 'gen_text']);
    assert.deepEqual(await ids({ modelTypeIds: [] }), []);
    assert.deepEqual(await ids({ trainedOnly: true }), ['general-image-recognition']);
    assert.deepEqual(await ids({ trainedOnly: true, namePattern: 'gen_*' }), []);
    assert.deepEqual(await ids({ appId: undefined, namePattern: 'gen*' }), ['gen-other-app', 'gen_text', 'general-image-recognition']);
  });

  it('ListModels sorts (ties broken by id in the sort direction) and pages', async () => {
    const s = h.store;
    const { a: sa } = await scene(s);
    // id, name, created, modified, latest version's input count
    const spec: [string, string, number, number, number | null][] = [
      ['a', 'beta', 3, 10, 5],
      ['b', 'alpha', 1, 20, 5],
      ['c', 'beta', 2, 10, null],
      ['d', 'Zeta', 4, 30, 7],
    ];
    for (const [id, name, createdAt, modifiedAt, n] of spec) {
      const m = model(sa, { id, name, createdAt, modifiedAt });
      await s.models.create(m);
      if (n !== null) await s.versions.create(version(m, { totalInputCount: n }));
    }
    const sorted = async (field: ModelSortField, ascending: boolean, p = 1, perPage = 10) =>
      (await s.models.list({ userId: sa.userId, appId: sa.id, sort: { field, ascending }, page: { page: p, perPage } })).map((m) => m.id);
    assert.deepEqual(await sorted('modified_at', false), ['d', 'b', 'c', 'a']);
    assert.deepEqual(await sorted('modified_at', true), ['a', 'c', 'b', 'd']);
    assert.deepEqual(await sorted('created_at', false), ['d', 'a', 'c', 'b']);
    assert.deepEqual(await sorted('created_at', true), ['b', 'c', 'a', 'd']);
    assert.deepEqual(await sorted('name', true), ['d', 'b', 'a', 'c']); // byte order: 'Zeta' < 'alpha'
    assert.deepEqual(await sorted('name', false), ['c', 'a', 'b', 'd']);
    assert.deepEqual(await sorted('num_inputs', false), ['d', 'b', 'a', 'c']);
    assert.deepEqual(await sorted('num_inputs', true), ['c', 'a', 'b', 'd']);
    assert.deepEqual(await sorted('modified_at', false, 1, 3), ['d', 'b', 'c']);
    assert.deepEqual(await sorted('modified_at', false, 2, 3), ['a']);
    assert.deepEqual(await sorted('modified_at', false, 3, 3), []);
    assert.deepEqual(await sorted('modified_at', false, 1000, 500), []);
  });

  it('ListModels by key (after the last row of the previous page) returns exactly the offset pages, ties included', async () => {
    const s = h.store;
    const { a } = await scene(s);
    // Ties on every sort column, so the id tie-break decides.
    const spec: [string, string, number, number][] = [
      ['m1', 'beta', 3, 10],
      ['m2', 'alpha', 1, 20],
      ['m3', 'beta', 2, 10],
      ['m4', 'Zeta', 4, 30],
      ['m5', 'beta', 3, 20],
      ['m6', 'alpha', 1, 10],
      ['m7', 'Zeta', 2, 30],
    ];
    for (const [id, name, createdAt, modifiedAt] of spec) await s.models.create(model(a, { id, name, createdAt, modifiedAt }));
    const fields = ['name', 'created_at', 'modified_at'] as const;
    const valueOf = { name: (m: Model) => m.name, created_at: (m: Model) => m.createdAt, modified_at: (m: Model) => m.modifiedAt };
    for (const field of fields) {
      for (const ascending of [true, false]) {
        for (const perPage of [1, 2, 3]) {
          const base = { userId: a.userId, appId: a.id, sort: { field, ascending } };
          let after: { value: string | number; id: string } | undefined;
          for (let page = 1; page <= Math.ceil(spec.length / perPage) + 1; page++) {
            const byOffset = await s.models.list({ ...base, page: { page, perPage } });
            const byKey = await s.models.list({ ...base, page: { page, perPage }, ...(after ? { after } : {}) });
            assert.deepEqual(
              byKey.map((m) => m.id),
              byOffset.map((m) => m.id),
              `${field} ${ascending ? 'asc' : 'desc'} per_page ${perPage} page ${page}`,
            );
            const last = byKey[byKey.length - 1];
            if (last) after = { value: valueOf[field](last), id: last.id };
          }
        }
      }
    }
  });
}
