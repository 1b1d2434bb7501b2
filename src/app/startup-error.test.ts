import assert from 'node:assert/strict';
import { it } from 'node:test';
import { listenError, StartupError } from './startup-error.js';

it('a taken port becomes one sentence naming the setting to change', () => {
  const cases: Array<[unknown, 'REST' | 'gRPC', RegExp]> = [
    [
      Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080'), { code: 'EADDRINUSE' }),
      'REST',
      /^The REST port 8080 on 127\.0\.0\.1 is already in use by another process: stop it, or choose another port with MODELKEEP_HTTP_PORT \(--http-port\)\.$/,
    ],
    // grpc-js reports it inside its own message, without a code
    [
      new Error('No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 127.0.0.1:8080]'),
      'gRPC',
      /MODELKEEP_GRPC_PORT \(--grpc-port\)\.$/,
    ],
  ];
  for (const [err, what, want] of cases) {
    const e = listenError(err, what, '127.0.0.1', 8080);
    assert.ok(e instanceof StartupError);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, want);
    assert.doesNotMatch(e.message, /\n/);
  }
});

it('other listen errors pass unchanged', () => {
  const err = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES' });
  assert.equal(listenError(err, 'REST', '0.0.0.0', 80), err);
});
