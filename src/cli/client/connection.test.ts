import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from '../errors.js';
import { parseAppRef } from './app-ref.js';
import { resolveConnection } from './connection.js';
import { type CliConfigFile, configPath, readConfigFile, writeConfigFile } from './contexts.js';

const file: CliConfigFile = {
  current: 'a',
  contexts: { a: { url: 'http://ctx-a:1', pat: 'pat-a', app: 'u/app-a' }, b: { url: 'http://ctx-b:2/', pat: 'pat-b' } },
};

describe('connection precedence: flag > env > context', () => {
  const table: [string, NodeJS.ProcessEnv, Record<string, string>, [string, string, string | undefined, string | undefined]][] = [
    ['current context', {}, {}, ['http://ctx-a:1', 'pat-a', 'u/app-a', 'a']],
    ['--context', {}, { context: 'b' }, ['http://ctx-b:2', 'pat-b', undefined, 'b']],
    ['MODELKEEP_CONTEXT', { MODELKEEP_CONTEXT: 'b' }, {}, ['http://ctx-b:2', 'pat-b', undefined, 'b']],
    ['env over context', { MODELKEEP_URL: 'http://env:3', MODELKEEP_PAT: 'pat-env', MODELKEEP_APP: 'e/app' }, {}, ['http://env:3', 'pat-env', 'e/app', 'a']],
    [
      'flags over env',
      { MODELKEEP_URL: 'http://env:3', MODELKEEP_PAT: 'pat-env' },
      { url: 'http://flag:4', pat: 'pat-flag', app: 'f/app' },
      ['http://flag:4', 'pat-flag', 'f/app', 'a'],
    ],
  ];
  for (const [name, env, flags, [url, pat, app, context]] of table) {
    it(name, () => {
      const c = resolveConnection(file, env, flags);
      assert.deepEqual([c.url, c.pat, c.app ? `${c.app.userId}/${c.app.appId}` : undefined, c.context], [url, pat, app, context]);
    });
  }

  it('no login and a missing context are usage errors saying what to do', () => {
    assert.throws(
      () => resolveConnection({ contexts: {} }, {}, {}),
      (e: Error) => e instanceof UsageError && /modelkeep login --url/.test(e.message),
    );
    assert.throws(() => resolveConnection(file, {}, { context: 'zzz' }), /no context named "zzz" \(known: a, b\)/);
    assert.throws(() => resolveConnection(file, {}, { url: 'ftp://x' }), /must be http/);
  });

  it('app references: user/app, or a bare app of the caller', () => {
    assert.deepEqual(parseAppRef('u/a'), { userId: 'u', appId: 'a' });
    assert.deepEqual(parseAppRef('a'), { userId: 'me', appId: 'a' });
    assert.throws(() => parseAppRef('a/b/c'), /--app must be <user>\/<app>/);
  });
});

describe('config file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mk-cfg-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('MODELKEEP_CONFIG, XDG_CONFIG_HOME, then ~/.config', () => {
    assert.equal(configPath({ MODELKEEP_CONFIG: '/x/c.json', XDG_CONFIG_HOME: '/y' }), '/x/c.json');
    assert.equal(configPath({ XDG_CONFIG_HOME: '/y', HOME: '/h' }), '/y/modelkeep/config.json');
    assert.equal(configPath({ HOME: '/h' }), '/h/.config/modelkeep/config.json');
  });

  it('written 0600 (even over a looser file) and read back; missing is empty', () => {
    const f = path.join(dir, 'sub', 'config.json');
    assert.deepEqual(readConfigFile(f), { contexts: {} });
    writeConfigFile(f, file);
    assert.equal(statSync(f).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(f)).mode & 0o777, 0o700);
    assert.deepEqual(JSON.parse(JSON.stringify(readConfigFile(f))), file);
    writeFileSync(f, readFileSync(f), { mode: 0o644 });
    writeConfigFile(f, file);
    assert.equal(statSync(f).mode & 0o777, 0o600);
  });

  it('a malformed file is reported, not overwritten; prototype keys are refused', () => {
    const f = path.join(dir, 'bad.json');
    for (const [text, why] of [
      ['{bad', /not valid JSON/],
      ['[]', /expected a JSON object/],
      ['{"contexts":{"__proto__":{"url":"u","pat":"p"}}}', /"__proto__" is not allowed/],
      ['{"contexts":{"a":{"url":1}}}', /needs "url" and "pat"/],
    ] as const) {
      writeFileSync(f, text);
      assert.throws(() => readConfigFile(f), why);
      assert.equal(readFileSync(f, 'utf8'), text);
    }
  });
});
