import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SETTINGS } from './config.js';
import { editDistance, flagSuggestion, unknownEnvWarnings } from './unknown-env.js';

const KNOWN = SETTINGS.map((s) => s.env);

it('edit distance counts insertions, deletions and substitutions', () => {
  assert.equal(editDistance('PORT', 'PROT'), 2);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('same', 'same'), 0);
});

it('names the closest known setting for each unknown MODELKEEP_ variable', () => {
  const cases: Array<[string, string]> = [
    ['MODELKEEP_HTTP_PROT', 'MODELKEEP_HTTP_PORT'],
    ['MODELKEEP_GRPCPORT', 'MODELKEEP_GRPC_PORT'],
    ['MODELKEEP_DATABASE', 'MODELKEEP_DATABASE_URL'],
    ['MODELKEEP_LOGLEVEL', 'MODELKEEP_LOG_LEVEL'],
    ['MODELKEEP_CORS_ORIGIN', 'MODELKEEP_CORS_ORIGINS'],
  ];
  for (const [typo, meant] of cases) {
    const [w, ...more] = unknownEnvWarnings({ [typo]: '1' }, KNOWN);
    assert.equal(more.length, 0);
    assert.match(w!, new RegExp(`^${typo} is not a modelkeep setting and is ignored; did you mean ${meant}\\?`));
  }
});

it("says nothing about known settings, other variables, the client commands' variables, or the test and bench ones", () => {
  assert.deepEqual(
    unknownEnvWarnings(
      {
        MODELKEEP_HTTP_PORT: '1',
        PATH: '/bin',
        MODELKEEP_TEST_DATABASE_URL: 'x',
        MODELKEEP_BENCH_DATABASE_URL: 'y',
        MODELKEEP_PAT: 'p',
        MODELKEEP_URL: 'u',
        MODELKEEP_APP: 'a',
        MODELKEEP_CONTEXT: 'c',
        MODELKEEP_CONFIG: 'f',
      },
      KNOWN,
    ),
    [],
  );
});

it('suggests the flags an unknown one is a part of, else the nearest within two edits, else nothing', () => {
  const flags = SETTINGS.map((s) => s.flag);
  const cases: Array<[string, string | undefined]> = [
    ['port', '--http-port or --grpc-port or --metrics-port'],
    ['http-prot', '--http-port'],
    ['data-dirs', '--data-dir'],
    ['workr', '--worker'],
    ['frobnicate', undefined],
  ];
  for (const [flag, meant] of cases) assert.equal(flagSuggestion(flag, flags), meant, flag);
});
