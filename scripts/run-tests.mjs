#!/usr/bin/env node
// Runs every *.test.ts under src/, test/, scripts/ and web/ with node's test runner (through tsx).
// Node 20's `node --test` finds nothing without explicit files, so they are listed here.
// Usage: node scripts/run-tests.mjs [path-filter ...]
//
// With MODELKEEP_TEST_DATABASE_URL=postgres://… set, two more runs follow the main one:
//   - test/integration again, every server on a fresh PostgreSQL schema (MODELKEEP_TEST_BACKEND=postgres);
//   - test/scale: real API and worker processes on one PostgreSQL (one file at a time: they load the machine).
// Without it both are skipped, and the summary says so.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
};
for (const root of ['src', 'test', 'scripts', 'web']) walk(root);
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}
const pgUrl = process.env.MODELKEEP_TEST_DATABASE_URL;
const isScale = (f) => f.split(path.sep).join('/').startsWith('test/scale/');
const isIntegration = (f) => f.split(path.sep).join('/').startsWith('test/integration/');
const main = selected.filter((f) => !isScale(f));
const pgIntegration = selected.filter(isIntegration);
const scale = selected.filter(isScale);

const totals = { pass: 0, fail: 0, skipped: 0 };
/** No single test or suite takes this long on a healthy run (the longest take about two minutes). */
const TEST_TIMEOUT_MS = 10 * 60_000;
const PHASE_LIMIT_MS = Number(process.env.MODELKEEP_TEST_PHASE_MINUTES ?? 40) * 60_000;
/** Runs node's test runner on `list`, passing its output through and adding up its closing counts. */
const run = (label, list, env, concurrency) =>
  new Promise((resolve) => {
    console.log(`\n==> ${label}: ${list.length} file(s)`);
    const reporter = process.stdout.isTTY ? 'spec' : 'tap';
    // A hung test must fail CI in minutes, not use up its whole limit: each test (a suite too) gets
    // TEST_TIMEOUT_MS, files whose tests are done but whose handles stay open are made to exit
    // (--test-force-exit), and a phase still running after PHASE_LIMIT_MS is killed and counted failed.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-force-exit',
        `--test-timeout=${TEST_TIMEOUT_MS}`,
        `--test-reporter=${reporter}`,
        `--test-concurrency=${concurrency}`,
        ...list,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
    );
    const watchdog = setTimeout(() => {
      console.log(`\n==> ${label}: still running after ${PHASE_LIMIT_MS / 60_000} min; stopped (MODELKEEP_TEST_PHASE_MINUTES sets the limit)`);
      totals.fail += 1;
      child.kill('SIGKILL');
    }, PHASE_LIMIT_MS);
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    });
    child.on('close', (code) => {
      clearTimeout(watchdog);
      // A test cancelled (its hook failed, or its file timed out) did not pass: counted as failed.
      for (const m of tail.matchAll(/^(?:#|\u2139) (pass|fail|cancelled|skipped) (\d+)$/gm)) totals[m[1] === 'cancelled' ? 'fail' : m[1]] += Number(m[2]);
      resolve(code ?? 1);
    });
  });

const summary = [];
let failed = false;
const record = async (label, list, env, concurrency) => {
  if (list.length === 0) return;
  const status = await run(label, list, env, concurrency);
  failed ||= status !== 0;
  summary.push(`${status === 0 ? 'passed ' : 'FAILED '} ${label}`);
};
const skip = (label, list) => {
  if (list.length > 0)
    summary.push(`SKIPPED ${label}: MODELKEEP_TEST_DATABASE_URL is not set (e.g. MODELKEEP_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)`);
};

if (!pgUrl) console.log('note: MODELKEEP_TEST_DATABASE_URL is not set; PostgreSQL suites are skipped (SQLite suites run).');
await record('unit, contract, integration (SQLite) and acceptance tests', main, { MODELKEEP_TEST_BACKEND: 'sqlite' }, 2);
if (pgUrl) {
  await record('integration suite on PostgreSQL (MODELKEEP_TEST_BACKEND=postgres)', pgIntegration, { MODELKEEP_TEST_BACKEND: 'postgres' }, 2);
  await record('scale tests: API and worker processes on one PostgreSQL', scale, { MODELKEEP_TEST_BACKEND: 'postgres' }, 1);
} else {
  skip('integration suite on PostgreSQL', pgIntegration);
  skip('scale tests (processes on one PostgreSQL)', scale);
}
console.log(`\n==> summary\n${summary.map((s) => `  ${s}`).join('\n')}`);
console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failed ? 1 : 0);
