import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { addSettingOptions, closest, settingFlags } from './settings-options.js';

const parse = (args: string[]) => {
  const program = new Command('modelkeep').exitOverride();
  program.command('models');
  let flags: Record<string, unknown> = {};
  addSettingOptions(program.command('serve', { isDefault: true }).exitOverride()).action((_o, cmd: Command) => {
    flags = settingFlags(cmd);
  });
  program.parse(args, { from: 'user' });
  return flags;
};

describe('setting options', () => {
  it('known settings, --no-<bool>, and unknown flags (for loadConfig to report) are collected', () => {
    assert.deepEqual(parse(['serve', '--http-port', '9000', '--no-worker']), { 'http-port': '9000', worker: false });
    assert.deepEqual(parse(['serve', '--worker']), { worker: true });
    assert.deepEqual(parse(['serve', '--bogus', '--other=1', '--app', 'a/b']), { bogus: true, other: '1', app: 'a/b' });
    assert.deepEqual(parse([]), {});
  });

  it('a stray word is an unknown command with a suggestion, or an unexpected argument', () => {
    assert.throws(() => parse(['modles']), /unknown command 'modles'. Did you mean models\?/);
    assert.throws(() => parse(['serve', '--host', 'x', 'extra']), /unexpected argument "extra"/);
  });

  it('closest: within two edits only', () => {
    assert.equal(closest('verions', ['versions', 'inputs']), 'versions');
    assert.equal(closest('xyz', ['versions', 'inputs']), undefined);
  });
});
