import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFuzz } from './fuzzer.js';

/**
 * The CI share of the fuzz suite (issue 18): ~2,000 generated and mutated requests over REST and gRPC
 * at every implemented method, seeded and reproducible. Longer runs: `npm run fuzz -- --requests 20000`.
 * A failure names its case index; `npm run fuzz -- --seed S --only N` replays it alone.
 */
describe('fuzz: generated and mutated requests at every implemented RPC', () => {
  it('answers every case with a Clarifai status, never 5xx or a gRPC error, leaves other users and the database intact', { timeout: 600_000 }, async () => {
    const seed = Number(process.env.MODELKEEP_FUZZ_SEED ?? 20230120);
    const requests = Number(process.env.MODELKEEP_FUZZ_REQUESTS ?? 2000);
    const report = await runFuzz({ seed, requests });
    const shown = report.failures
      .slice(0, 10)
      .map((f) => `#${f.index} ${f.transport} ${f.rpc}: ${f.what}\n    sent: ${f.sent}`)
      .join('\n');
    assert.ok(report.implemented >= 40, `only ${report.implemented} implemented methods were found`);
    assert.equal(report.failures.length, 0, `${report.failures.length} failing cases (seed ${seed}):\n${shown}`);
    assert.deepEqual(report.canaryChanges, [], "another user's answers changed");
    assert.deepEqual(report.polluted, [], 'prototypes of the process changed');
    assert.equal(report.integrity, 'ok');
    // The run reached past the first checks: successes on both transports, not only refusals.
    assert.ok((report.codes['rest:10000'] ?? 0) > 20 && (report.codes['grpc:10000'] ?? 0) > 20, `too few successes: ${JSON.stringify(report.codes)}`);
  });
});
