import { randomInt } from 'node:crypto';
import { createRng } from '../../ml/classifier/rng.js';
import type { ModelPlugin } from '../../ports/plugins.js';

/**
 * Passes each input on iff keep_fraction > a uniform draw, independently per input (reference §5.4).
 * With `seed` ≥ 0 the draws are repeatable per request; -1 draws a fresh seed each call.
 * A dropped input still gets its output (status OK) but without data.
 */
export function randomSamplePlugin(): ModelPlugin {
  return {
    typeId: 'random-sample',
    inputKind: () => 'any',
    embedderId: () => undefined,
    async predict(call) {
      const keep = typeof call.params.keep_fraction === 'number' ? call.params.keep_fraction : 1;
      const seed = typeof call.params.seed === 'number' && call.params.seed >= 0 ? call.params.seed : randomInt(0, 2 ** 31);
      const rng = createRng(seed);
      return call.inputs.map((i) => ({ ok: true, data: keep > rng.next() ? { passthrough: i.data } : {} }));
    },
  };
}
