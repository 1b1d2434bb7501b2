import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Registry } from 'prom-client';
import { RequestStats } from './request-stats.js';

const call = (ms: number, code = 10000) => ({
  rpc: 'GetModel',
  transport: 'rest' as const,
  code,
  retryable: false,
  reqId: 'r',
  userId: undefined,
  appId: undefined,
  durationMs: ms,
});

it('request histogram: cumulative buckets, +Inf, sum and count per series, written by the prom-client registry', async () => {
  const stats = new RequestStats([0.001, 0.01]);
  const registry = new Registry();
  registry.registerMetric(stats.histogram('t_seconds', 'test'));
  for (const ms of [0.5, 1, 5, 50]) stats.record(call(ms)); // 1 ms is "le 0.001": bounds are inclusive
  stats.record(call(2, 21200));
  const text = await registry.metrics();
  const lines = text.split('\n');
  assert.ok(lines.includes('# TYPE t_seconds histogram'));
  for (const want of [
    't_seconds_bucket{rpc="GetModel",transport="rest",code="10000",le="0.001"} 2',
    't_seconds_bucket{rpc="GetModel",transport="rest",code="10000",le="0.01"} 3',
    't_seconds_bucket{rpc="GetModel",transport="rest",code="10000",le="+Inf"} 4',
    't_seconds_count{rpc="GetModel",transport="rest",code="10000"} 4',
    't_seconds_bucket{rpc="GetModel",transport="rest",code="21200",le="0.001"} 0',
    't_seconds_bucket{rpc="GetModel",transport="rest",code="21200",le="0.01"} 1',
    't_seconds_count{rpc="GetModel",transport="rest",code="21200"} 1',
  ])
    assert.ok(lines.includes(want), `${want} in\n${text}`);
  const sum = lines.find((l) => l.startsWith('t_seconds_sum{rpc="GetModel",transport="rest",code="10000"}'));
  assert.ok(Math.abs(Number(sum?.split(' ')[1]) - 0.0565) < 1e-12);
  assert.deepEqual(
    stats.counts().map((c) => [c.labels.code, c.count]),
    [
      ['10000', 4],
      ['21200', 1],
    ],
  );
});
