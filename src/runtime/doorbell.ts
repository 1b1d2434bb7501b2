/**
 * What the background loops (job worker, input processor) sleep on between polls: a wait that ends
 * after `ms`, or at once when `ring()` is called (work was just added in this process, or stop()).
 */
export class Doorbell {
  #ring: (() => void) | undefined;

  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      const ring = (): void => {
        clearTimeout(t);
        done();
      };
      this.#ring = ring;
      const self = this;
      function done(): void {
        if (self.#ring === ring) self.#ring = undefined;
        resolve();
      }
    });
  }

  /** Ends the current wait, if any (a ring with nobody waiting is not remembered: the loop polls next anyway). */
  ring(): void {
    this.#ring?.();
  }
}
