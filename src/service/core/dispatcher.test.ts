import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeChangeClock } from '../../../test/helpers/fake-change-clock.js';
import { Code } from '../../domain/status-codes.js';
import { loadClarifaiProtos } from '../../proto/load.js';
import type { AppResolver } from '../access/app-resolver.js';
import type { Authenticator } from '../access/auth.service.js';
import type { Caller, RpcImpl } from './context.js';
import { Dispatcher, type DispatchResult } from './dispatcher.js';

const protos = loadClarifaiProtos();
const caller: Caller = { userId: 'me', keyId: 'k', keyKind: 'pat', scopes: ['All'], appIds: [] };

function dispatcher(handle: RpcImpl['handle'], changes = new FakeChangeClock()): Dispatcher {
  return new Dispatcher({
    protos,
    impls: new Map<string, RpcImpl>([['ListApps', { access: 'user', handle }]]),
    auth: { authenticate: () => caller } as unknown as Authenticator,
    apps: {} as AppResolver,
    clock: { now: () => 0 },
    log: { error: () => undefined },
    changes,
  });
}

describe('Dispatcher', () => {
  it('answers synchronously when every step is (a cached read): no promise', () => {
    const r = dispatcher(() => ({ apps: [] })).call('ListApps', {}, 'Key x');
    assert.ok(!(r instanceof Promise));
    assert.equal((r as DispatchResult).code, 10000);
    assert.match((r as DispatchResult).status.req_id, /^[0-9a-f]{32}$/);
  });

  it('does not answer a call that wrote before its writes are published to other processes', async () => {
    const changes = new FakeChangeClock();
    let publish!: () => void;
    const published = new Promise<void>((r) => (publish = r));
    changes.published = (() => published) as unknown as () => undefined;
    const r = dispatcher(async () => ({ apps: [] }), changes).call('ListApps', {}, 'Key x');
    assert.ok(r instanceof Promise);
    let answered = false;
    void r.then(() => (answered = true));
    await new Promise((res) => setImmediate(res));
    assert.equal(answered, false, 'answered before the write was published');
    publish();
    assert.equal((await r).code, 10000);
  });

  it('a throw, sync or async, becomes its Clarifai status, never a rejection', async () => {
    const sync = dispatcher(() => {
      throw new Error('boom');
    }).call('ListApps', {}, 'Key x');
    assert.equal((sync as DispatchResult).code, Code.INTERNAL_SERVER_ISSUE);
    const later = await dispatcher(async () => Promise.reject(new Error('boom'))).call('ListApps', {}, 'Key x');
    assert.equal(later.code, (sync as DispatchResult).code);
  });
});
