import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type AppFilter, type AppSortField, appMatches, appRelevance } from '../../../src/domain/app-search.js';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import { app, job, model, pat, uniq, user, version } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

const page = (p: number, perPage: number) => ({ page: p, perPage });

export function basicCases(h: Harness): void {
  it('users: create, get, count, duplicate', async () => {
    const s = h.store;
    const before = await s.users.count();
    const u = user();
    await s.users.create(u);
    assert.deepEqual(await s.users.get(u.id), u);
    assert.equal(await s.users.get(uniq('nobody')), undefined);
    assert.equal(await s.users.count(), before + 1);
    await assert.rejects(s.users.create(u), (e) => e instanceof DuplicateKeyError && e.entity === 'user' && e.key === u.id);
  });

  it('keys: create, find by token hash, get, list pages newest first, delete', async () => {
    const s = h.store;
    const { u, a } = await scene(s);
    const k1 = pat(u.id, { createdAt: 1, expiresAt: 99 });
    const k2 = pat(u.id, { createdAt: 2, kind: 'app', appIds: [a.id], scopes: ['Models_Get', 'Models_Add'] });
    await s.keys.create(k1);
    await s.keys.create(k2);
    assert.deepEqual(await s.keys.findByTokenHash(k2.tokenHash), k2);
    assert.equal(await s.keys.findByTokenHash('no such hash'), undefined);
    assert.deepEqual(await s.keys.get(u.id, k1.id), k1);
    assert.equal(await s.keys.get(uniq('other'), k1.id), undefined);
    assert.deepEqual(await s.keys.listByUser(u.id, page(1, 10)), [k2, k1]);
    assert.deepEqual(await s.keys.listByUser(u.id, page(2, 1)), [k1]);
    assert.deepEqual(await s.keys.listByUser(u.id, page(3, 1)), []);
    assert.equal(await s.keys.delete(u.id, k1.id), true);
    assert.equal(await s.keys.delete(u.id, k1.id), false);
    assert.equal(await s.keys.findByTokenHash(k1.tokenHash), undefined);
  });

  it('keys: duplicate id or token hash -> DuplicateKeyError; app keys need exactly one app', async () => {
    const s = h.store;
    const { u, a } = await scene(s);
    const k = pat(u.id);
    await s.keys.create(k);
    const dup = (e: unknown) => e instanceof DuplicateKeyError && e.entity === 'key';
    await assert.rejects(s.keys.create({ ...k, tokenHash: uniq('h') }), dup);
    await assert.rejects(s.keys.create(pat(u.id, { tokenHash: k.tokenHash })), dup);
    await assert.rejects(s.keys.create(pat(u.id, { kind: 'app', appIds: [] })), TypeError);
    await assert.rejects(s.keys.create(pat(u.id, { kind: 'app', appIds: [a.id, a.id] })), TypeError);
  });

  it('apps: create, get, list pages by id, duplicate, delete', async () => {
    const s = h.store;
    const u = user();
    await s.users.create(u);
    const [a1, a2, a3] = [app(u.id, { id: 'b-app' }), app(u.id, { id: 'a-app' }), app(u.id, { id: 'c-app' })];
    for (const a of [a1!, a2!, a3!]) await s.apps.create(a);
    assert.deepEqual(await s.apps.get(u.id, 'b-app'), a1);
    assert.deepEqual(
      (await s.apps.list(u.id, page(1, 2))).map((a) => a.id),
      ['a-app', 'b-app'],
    );
    assert.deepEqual(
      (await s.apps.list(u.id, page(2, 2))).map((a) => a.id),
      ['c-app'],
    );
    assert.deepEqual(await s.apps.list(u.id, page(9, 2)), []);
    await assert.rejects(s.apps.create(a1!), (e) => e instanceof DuplicateKeyError && e.entity === 'app' && e.key === 'b-app');
    // Same app id under another user is fine.
    const other = user();
    await s.users.create(other);
    await s.apps.create(app(other.id, { id: 'b-app' }));
    assert.equal(await s.apps.delete(u.id, 'b-app'), true);
    assert.equal(await s.apps.delete(u.id, 'b-app'), false);
    assert.equal(await s.apps.get(u.id, 'b-app'), undefined);
    assert.ok(await s.apps.get(other.id, 'b-app'));
  });

  it('apps: a filtered list is exactly the apps appMatches selects, in id order, paged after filtering', async () => {
    const s = h.store;
    const u = user();
    await s.users.create(u);
    const apps = [
      app(u.id, { id: 'pets-2024', name: 'Pet Photos', description: 'Cats and DOGS, 50% off_season' }),
      app(u.id, { id: 'pets-old', name: 'pets-old', description: 'archived' }),
      app(u.id, { id: 'general', name: 'General Image', description: 'clarifai style' }),
      app(u.id, { id: 'offseason', name: 'Élan', description: 'off-season 100 percent' }),
      app(u.id, { id: 'x_1', name: 'x', description: '' }),
    ];
    for (const a of apps) await s.apps.create(a);
    // Another user's app that every filter would match stays out.
    const other = user();
    await s.users.create(other);
    await s.apps.create(app(other.id, { id: 'pets-2024', name: 'Pet Photos' }));
    const filters: AppFilter[] = [
      { terms: ['pet'] },
      { terms: ['photo', 'dogs'] },
      { terms: ['50%'] },
      { terms: ['off_season'] },
      { terms: ['_'] },
      { terms: ['clari'] },
      { terms: ['Éla'] },
      { terms: ['éla'] },
      { namePattern: 'PETS*' },
      { namePattern: 'pet photos' },
      { namePattern: '*image' },
      { namePattern: 'x_*' },
      { namePattern: 'x%' },
      { idPattern: '*-*' },
      { terms: ['pets'], idPattern: '*old' },
      { terms: ['nothing-like-this'] },
    ];
    for (const f of filters) {
      const want = apps
        .filter((a) => appMatches(a, f))
        .map((a) => a.id)
        .sort();
      assert.deepEqual(
        (await s.apps.list(u.id, page(1, 100), f)).map((a) => a.id),
        want,
        JSON.stringify(f),
      );
    }
    assert.deepEqual(
      (await s.apps.list(u.id, page(2, 1), { terms: ['pets'] })).map((a) => a.id),
      ['pets-old'],
    );
  });

  it('apps: ListApps sorts (name, created_at, modified_at, id, relevance) both ways, filters by visibility, ties by id', async () => {
    const s = h.store;
    const u = user();
    await s.users.create(u);
    const apps = [
      app(u.id, { id: 'my-pets', name: 'Zoo', createdAt: 1, modifiedAt: 40, visibility: 50 }),
      app(u.id, { id: 'pets', name: 'Beta', createdAt: 2, modifiedAt: 10 }),
      app(u.id, { id: 'cats', name: 'Pets album', createdAt: 3, modifiedAt: 30 }),
      app(u.id, { id: 'pets-2', name: 'Alpha', createdAt: 4, modifiedAt: 30, visibility: 50 }),
    ];
    for (const a of apps) await s.apps.create(a);
    const list = async (field: AppSortField, ascending: boolean, filter?: AppFilter, visibility?: number) =>
      (await s.apps.list(u.id, page(1, 100), filter, { sort: { field, ascending }, ...(visibility ? { visibility } : {}) })).map((a) => a.id);
    assert.deepEqual(await list('modified_at', false), ['my-pets', 'pets-2', 'cats', 'pets']);
    assert.deepEqual(await list('modified_at', true), ['pets', 'cats', 'pets-2', 'my-pets']);
    assert.deepEqual(await list('created_at', false), ['pets-2', 'cats', 'pets', 'my-pets']);
    assert.deepEqual(await list('name', true), ['pets-2', 'pets', 'cats', 'my-pets']);
    assert.deepEqual(await list('id', false), ['pets-2', 'pets', 'my-pets', 'cats']);
    assert.deepEqual(await list('modified_at', false, undefined, 50), ['my-pets', 'pets-2']);
    const pets = { terms: ['pets'] };
    const want = apps
      .filter((a) => appMatches(a, pets))
      .sort((x, y) => appRelevance(x, 'pets') - appRelevance(y, 'pets') || (x.id < y.id ? -1 : 1))
      .map((a) => a.id);
    assert.deepEqual(want, ['pets', 'pets-2', 'cats', 'my-pets']);
    assert.deepEqual(await list('relevance', false, pets), want);
    assert.deepEqual(await list('relevance', true, pets), ['my-pets', 'cats', 'pets-2', 'pets']);
    assert.deepEqual(
      (await s.apps.list(u.id, page(2, 2), undefined, { sort: { field: 'modified_at', ascending: false } })).map((a) => a.id),
      ['cats', 'pets'],
    );
  });

  it('jobs: enqueue, getForVersion, duplicate, cancelForVersion only touches queued/running', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a);
    await s.models.create(m);
    const v = version(m, { status: { code: 21103, details: '', percentCompleted: 0 } });
    await s.versions.create(v);
    const queued = job(v, { createdAt: 1 });
    const running = job(v, { createdAt: 2, state: 'running', attempts: 1, leaseOwner: 'w1', leaseExpiresAt: 5000 });
    const done = job(v, { createdAt: 3, state: 'succeeded' });
    for (const j of [queued, running, done]) await s.jobs.enqueue(j);
    assert.deepEqual(await s.jobs.getForVersion(v.pk), [queued, running, done]);
    await assert.rejects(s.jobs.enqueue(queued), (e) => e instanceof DuplicateKeyError && e.entity === 'job');
    assert.equal(await s.jobs.cancelForVersion(v.pk, 777), 2);
    assert.deepEqual(
      (await s.jobs.getForVersion(v.pk)).map((j) => [j.state, j.updatedAt]),
      [
        ['cancelled', 777],
        ['cancelled', 777],
        ['succeeded', done.updatedAt],
      ],
    );
    assert.equal(await s.jobs.cancelForVersion(v.pk, 778), 0);
    assert.deepEqual(await s.jobs.getForVersion(uniq('none')), []);
  });
}
