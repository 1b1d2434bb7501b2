import type { Metric } from 'prom-client';
import type { CallOutcome } from '../service/core/call-observer.js';

interface Entry {
  labels: { rpc: string; transport: string; code: string };
  count: number;
  sum: number;
  /** Per bucket (not cumulative); the last one is +Inf. */
  buckets: Float64Array;
}

/**
 * The per-call part of the request metrics: a count, a sum and a bucket per (rpc, transport, code),
 * kept in plain numbers. prom-client's own Histogram validates and hashes the labels of every
 * observation (about a microsecond a call, measured with bench #12 in docs/decisions/0026); here a
 * call costs one Map lookup and three additions, and the labels are built once per series. The
 * registry still writes the text format: `histogram()` is a metric object it collects like its own.
 */
export class RequestStats {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly bounds: readonly number[]) {}

  record(o: CallOutcome): void {
    const key = `${o.rpc} ${o.transport} ${o.code}`;
    let e = this.#entries.get(key);
    if (!e) {
      e = { labels: { rpc: o.rpc, transport: o.transport, code: String(o.code) }, count: 0, sum: 0, buckets: new Float64Array(this.bounds.length + 1) };
      this.#entries.set(key, e);
    }
    const seconds = o.durationMs / 1000;
    e.count++;
    e.sum += seconds;
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    e.buckets[i]!++;
  }

  /** Every series with its total count (modelkeep_requests_total). */
  counts(): { labels: Entry['labels']; count: number }[] {
    return [...this.#entries.values()].map((e) => ({ labels: e.labels, count: e.count }));
  }

  /** A histogram metric in the shape prom-client's registry collects (name_bucket with `le`, _sum, _count). */
  histogram(name: string, help: string): Metric {
    const self = this;
    const metric = {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      collect: undefined,
      async get() {
        const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
        for (const e of self.#entries.values()) {
          let acc = 0;
          self.bounds.forEach((le, i) => {
            acc += e.buckets[i]!;
            values.push({ labels: { ...e.labels, le }, value: acc, metricName: `${name}_bucket` });
          });
          values.push({ labels: { ...e.labels, le: '+Inf' }, value: e.count, metricName: `${name}_bucket` });
          values.push({ labels: e.labels, value: e.sum, metricName: `${name}_sum` });
          values.push({ labels: e.labels, value: e.count, metricName: `${name}_count` });
        }
        return { name, help, type: metric.type, aggregator: metric.aggregator, values };
      },
      reset() {},
    };
    return metric as unknown as Metric;
  }
}
