// npm run fuzz -- [--requests N] [--seed S] [--only i,j,…]
// The long run of the fuzz suite (issue 18); `npm test` runs ~2,000 cases of it (test/fuzz/fuzz.test.ts).
import { parseArgs } from 'node:util';
import { runFuzz } from '../test/fuzz/fuzzer.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, seed: { type: 'string' }, only: { type: 'string' } } });
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const only = values.only?.split(',').map(Number);
const started = Date.now();
const report = await runFuzz({
  seed,
  requests: Number(values.requests),
  ...(only ? { only } : {}),
  progress: (done, total) => process.stderr.write(`\r${done}/${total} cases, ${Math.round((Date.now() - started) / 1000)} s`),
});
process.stderr.write('\n');
for (const f of report.failures) console.log(`#${f.index} ${f.transport} ${f.rpc}: ${f.what}\n    sent: ${f.sent}`);
console.log(JSON.stringify({ ...report, failures: report.failures.length }, null, 2));
const ok = report.failures.length === 0 && report.canaryChanges.length === 0 && report.polluted.length === 0 && report.integrity === 'ok';
console.log(ok ? `passed (seed ${seed})` : `FAILED (seed ${seed}): replay a case with --seed ${seed} --only <index>`);
process.exit(ok ? 0 : 1);
