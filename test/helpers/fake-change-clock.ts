import type { ChangeClock } from '../../src/ports/changes.js';

/** A ChangeClock a test moves by hand: set `value` (undefined = changes cannot be seen). */
export class FakeChangeClock implements ChangeClock {
  value: number | undefined = 1;

  token(): number | undefined {
    return this.value;
  }

  published(): undefined {
    return undefined;
  }
}
