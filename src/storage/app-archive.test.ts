import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { app, model, version } from '../../test/contract/fixtures.js';
import { ARCHIVE_TABLES, ArchiveError, exportApp, importApp, NOT_ARCHIVED } from './app-archive.js';
import type { KyselyStore } from './kysely-store.js';
import { openKyselyStore } from './open-store.js';
import { ARTIFACT_PART_BYTES } from './repos/concepts.repo.js';

describe('app archive', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-archive-'));
  let store: KyselyStore;
  const lines: string[] = [];
  const iter = async function* (ls: string[]) {
    yield* ls;
  };

  before(async () => {
    store = await openKyselyStore(`sqlite:${path.join(dir, 'a.db')}`);
    await store.users.create({ id: 'alice', createdAt: 1 });
    await store.apps.create({
      userId: 'alice',
      id: 'pets',
      name: 'Pets',
      description: 'd',
      defaultLanguage: 'en',
      defaultWorkflowId: '',
      visibility: 10,
      metadata: { k: 1 },
      createdAt: 2,
      modifiedAt: 3,
    });
    await exportApp(store, 'alice', 'pets', async (l) => void lines.push(l), 0);
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('covers the whole schema: every table is archived or deliberately left out, every key column is remapped', async () => {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(store.db);
    const known = new Set([...ARCHIVE_TABLES.map((t) => t.name), ...NOT_ARCHIVED]);
    const unknown = rows.map((r) => r.name).filter((n) => !known.has(n));
    assert.deepEqual(unknown, [], 'new tables must be added to ARCHIVE_TABLES (parents first) or NOT_ARCHIVED');
    for (const spec of ARCHIVE_TABLES) {
      const cols = (await sql<{ name: string }>`select name from pragma_table_info(${spec.name})`.execute(store.db)).rows.map((r) => r.name);
      for (const k of spec.key) assert.ok(cols.includes(k), `${spec.name}.${k}`);
      const pkCols = cols.filter((c) => c === 'pk' || c.endsWith('_pk'));
      const listed = [...Object.keys(spec.refs ?? {}), ...Object.keys(spec.nullableRefs ?? {}), ...(spec.own ? [spec.own.column] : [])];
      assert.deepEqual(
        pkCols.filter((c) => !listed.includes(c)),
        [],
        `${spec.name}: internal key columns must be listed in own / refs`,
      );
      assert.ok(spec.via || (cols.includes('user_id') && cols.includes(spec.name === 'apps' ? 'id' : 'app_id')), `${spec.name} is scoped to its app`);
    }
  });

  it('writes a header, the rows and an end marker with counts', () => {
    const first = JSON.parse(lines[0]!);
    assert.equal(first.format, 'modelkeep-app-archive');
    assert.deepEqual(first.app, { user_id: 'alice', app_id: 'pets' });
    assert.deepEqual(JSON.parse(lines[1]!), {
      table: 'apps',
      row: {
        user_id: 'alice',
        id: 'pets',
        name: 'Pets',
        description: 'd',
        default_language: 'en',
        default_workflow_id: '',
        visibility: 10,
        metadata: '{"k":1}',
        created_at: 2,
        modified_at: 3,
      },
    });
    assert.equal(JSON.parse(lines.at(-1)!).rows.apps, 1);
  });

  it('refuses an app that does not exist, an existing target, a truncated or foreign file — writing nothing', async () => {
    await assert.rejects(
      exportApp(store, 'alice', 'nope', async () => undefined),
      ArchiveError,
    );
    await assert.rejects(importApp(store, iter(lines)), /already exists/);
    await assert.rejects(importApp(store, iter(lines.slice(0, -1)), { userId: 'bob', appId: 'x' }), /truncated/);
    await assert.rejects(importApp(store, iter(['{"format":"other"}'])), /not a modelkeep app archive/);
    await assert.rejects(importApp(store, iter([lines[0]!, '{"table":"apps","row":{}}', lines.at(-1)!]), { userId: 'bob', appId: 'x' }));
    assert.equal(await store.users.get('bob'), undefined, 'a failed import leaves nothing behind, not even the user');
  });

  it('a large artifact travels as its parts, one archive line each, and reads back whole', async () => {
    const a = app('alice', { id: 'big' });
    await store.apps.create(a);
    const m = model(a);
    await store.models.create(m);
    const v = version(m);
    await store.versions.create(v);
    const bytes = new Uint8Array(ARTIFACT_PART_BYTES + 1000).map((_, i) => (i * 7) & 0xff);
    await store.artifacts.put(v.pk, bytes);
    const out: string[] = [];
    await exportApp(store, 'alice', 'big', async (l) => void out.push(l), 0);
    assert.ok(
      out.every((l) => l.length < ARTIFACT_PART_BYTES * 1.5),
      'no line holds the whole artifact',
    );
    await importApp(store, iter(out), { userId: 'alice', appId: 'big-copy' });
    const copy = (await store.models.get('alice', 'big-copy', m.id))!;
    const cv = (await store.versions.latestOf([copy.pk])).get(copy.pk)!;
    const back = await store.artifacts.get(cv.pk);
    assert.ok(back && Buffer.from(back).equals(Buffer.from(bytes)));
  });

  it('imports under another name, creating the user', async () => {
    const r = await importApp(store, iter(lines), { userId: 'bob', appId: 'copy' });
    assert.equal(r.createdUser, true);
    const copy = await store.apps.get('bob', 'copy');
    assert.equal(copy?.name, 'Pets');
    assert.deepEqual(copy?.metadata, { k: 1 });
  });

  it("imported pending inputs take turns in this store's queue, not the source's (decision 0034)", async () => {
    const input = (appId: string, n: number, userId = 'alice') => ({
      pk: `${appId}-pk${n}`,
      userId,
      appId,
      id: `${appId}-${n}`,
      kind: 'text' as const,
      text: 't',
      imageUrl: null,
      imageBytes: null,
      metadata: {},
      concepts: [],
      datasetIds: [],
      createdAt: 100 + n,
    });
    const mkApp = (id: string) =>
      store.apps.create({
        userId: 'alice',
        id,
        name: id,
        description: '',
        defaultLanguage: 'en',
        defaultWorkflowId: '',
        visibility: 10,
        metadata: {},
        createdAt: 2,
        modifiedAt: 3,
      });
    await mkApp('queued');
    // Another app has 300 queued; the archived inputs sat far back in their source's queue.
    await mkApp('busy');
    for (let b = 0; b < 3; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => input('busy', b * 100 + i));
      await store.inputs.create(
        batch,
        batch.map(() => []),
      );
    }
    await store.inputs.create([input('queued', 1), input('queued', 2)], [[], []]);
    await store.db.updateTable('inputs').set({ turn: 10_000 }).where('app_id', '=', 'queued').execute();
    const out: string[] = [];
    await exportApp(store, 'alice', 'queued', async (l) => void out.push(l), 0);
    await store.apps.delete('alice', 'queued');
    await importApp(store, iter(out), { userId: 'alice', appId: 'moved' });
    const first = (await store.inputs.claim('w', 4, 1000, 10)).map((c) => c.id);
    assert.deepEqual(
      first.filter((id) => id.startsWith('queued-')),
      ['queued-1', 'queued-2'],
      `claimed first: ${first.join(', ')}`,
    );
  });
});
