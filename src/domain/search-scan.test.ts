import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUTO_APPROXIMATE_MIN_ROWS, chooseScan, efSearchFor, type ScanCase, wantsApproximate } from './search-scan.js';

const base: ScanCase = { mode: 'auto', vectors: 100_000, candidates: 100_000, depth: 20, minValue: 0, indexReady: true };

describe('chooseScan (decision 0042)', () => {
  const table: [string, Partial<ScanCase>, string][] = [
    ['auto, a large app, no filter: the graph, ef 32 per 10,000 vectors', {}, 'approximate ef=320 unfiltered'],
    ['auto, under the size: exact', { vectors: AUTO_APPROXIMATE_MIN_ROWS - 1, candidates: AUTO_APPROXIMATE_MIN_ROWS - 1 }, 'exact'],
    [
      'auto, at the size: the graph, the narrowest walk',
      { vectors: AUTO_APPROXIMATE_MIN_ROWS, candidates: AUTO_APPROXIMATE_MIN_ROWS },
      'approximate ef=64 unfiltered',
    ],
    ['exact mode: always exact', { mode: 'exact' }, 'exact'],
    ['hnsw mode: even a small app', { mode: 'hnsw', vectors: 50, candidates: 50 }, 'approximate ef=64 unfiltered'],
    ['index still building: exact', { indexReady: false }, 'exact'],
    ['min_value set: exact (the count needs every score)', { minValue: 0.7 }, 'exact'],
    ['page deeper than 1,000 hits: exact', { depth: 1001 }, 'exact'],
    ['a deep page within 1,000: ef at least the depth', { vectors: 20_000, candidates: 20_000, depth: 1000 }, 'approximate ef=1000 unfiltered'],
    ['a filter leaving half: ef doubled', { vectors: 40_000, candidates: 20_000 }, 'approximate ef=256 filtered'],
    ['a filter leaving half of 100,000: ef doubled', { candidates: 50_000 }, 'approximate ef=640 filtered'],
    ['a filter leaving a tenth of 1,000,000: ef ×10 up to 2,000', { vectors: 1e6, candidates: 1e5 }, 'approximate ef=2000 filtered'],
    ['a filter leaving a tenth: ef ×10', { vectors: 10_000, candidates: 1_000 }, 'approximate ef=640 filtered'],
    ['a filter leaving less than a tenth: exact over those', { candidates: 9_999 }, 'exact'],
    ['nothing left by the filters: exact (no hits)', { candidates: 0 }, 'exact'],
  ];
  for (const [name, over, want] of table)
    it(name, () => {
      const s = chooseScan({ ...base, ...over });
      assert.equal(s.kind === 'exact' ? 'exact' : `approximate ef=${s.ef} ${s.filtered ? 'filtered' : 'unfiltered'}`, want);
    });

  it('efSearchFor: 32 per 10,000 vectors, at least 64, 2,000 at most', () => {
    assert.deepEqual([0, 10_000, 20_000, 20_100, 100_000, 625_000, 1e6].map(efSearchFor), [64, 64, 64, 65, 320, 2000, 2000]);
  });

  it('wantsApproximate: auto from the threshold on, hnsw for any vectors, exact never', () => {
    assert.deepEqual(
      [
        wantsApproximate('auto', 9_999),
        wantsApproximate('auto', 10_000),
        wantsApproximate('hnsw', 1),
        wantsApproximate('hnsw', 0),
        wantsApproximate('exact', 1e6),
      ],
      [false, true, true, false, false],
    );
  });
});
