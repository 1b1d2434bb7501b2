// The WebAssembly SIMD training kernels (simd.wat) and the memory they work in: the used rows of X,
// standardised and padded to a multiple of 4 floats, copied once per training; the float32
// weights; the logits / residuals of one block of rows; the block's gradient.
import { SIMD_WASM_BASE64 } from './simd-bytes.js';

interface Exports {
  logits(x: number, rows: number, d4: number, w: number, k: number, z: number): void;
  gradient(x: number, rows: number, d4: number, g: number, k: number, out: number): void;
  colstats(x: number, rows: number, d4: number, shift: number, sum: number, sq: number): void;
  standardise(x: number, rows: number, d4: number, mean: number, inv: number): void;
}

let compiled: WebAssembly.Module | undefined;
const moduleOnce = (): WebAssembly.Module => (compiled ??= new WebAssembly.Module(Buffer.from(SIMD_WASM_BASE64, 'base64')));

const PAGE = 65_536;
/** wasm32 addresses 4 GiB; V8 allows up to 65,536 pages of memory. */
const MAX_BYTES = 4 * 1024 ** 3 - PAGE;

export class SimdWorkspace {
  readonly d4: number;
  /** Standardised rows, padded (bytes 0 …). */
  readonly #xAt = 0;
  readonly #wAt: number;
  readonly #zAt: number;
  readonly #outAt: number;
  readonly #k: number;
  readonly #kernels: Exports;
  /** Float32 weights, k × d4 (write them, then call logits). */
  readonly w: Float32Array;
  /** Float64 logits of the block, then the residuals the gradient takes: block × k. */
  readonly z: Float64Array;
  /** Float32 gradient of the blocks since the last flush: k × d4. */
  readonly out: Float32Array;

  /** Per-feature mean and standard deviation of the used rows (constant features get scale 1). */
  readonly mean: Float32Array;
  readonly scale: Float32Array;

  /**
   * Copies rows `rows` of x (n × d), measures their per-feature mean and standard deviation and
   * standardises the copy in place. Throws RangeError when the set does not fit in one
   * WebAssembly memory (about 4 GiB).
   */
  constructor(x: Float32Array, d: number, rows: Uint32Array, k: number, block: number) {
    const d4 = (this.d4 = Math.ceil(d / 4) * 4);
    const used = rows.length;
    this.#k = k;
    this.#wAt = used * d4 * 4;
    this.#zAt = this.#wAt + k * d4 * 4;
    this.#outAt = this.#zAt + block * k * 8;
    const statsAt = this.#outAt + k * d4 * 4; // shift, mean, inv (f32 × d4), then sum, sq (f64 × d4)
    const total = statsAt + 3 * d4 * 4 + 2 * d4 * 8;
    if (total > MAX_BYTES)
      throw new RangeError(`train: ${used} × ${d} features need ${(total / 2 ** 30).toFixed(1)} GiB of training memory, over the 4 GiB limit`);
    const memory = new WebAssembly.Memory({ initial: Math.ceil(total / PAGE) });
    const kernels = (this.#kernels = new WebAssembly.Instance(moduleOnce(), { env: { memory } }).exports as unknown as Exports);
    const buf = memory.buffer;
    const xs = new Float32Array(buf, 0, used * d4);
    for (let r = 0; r < used; r++) xs.set(x.subarray(rows[r]! * d, rows[r]! * d + d), r * d4);

    // Sums around the first row (not around 0), so that features with a large offset keep their
    // variance's digits.
    const shiftAt = statsAt,
      meanAt = statsAt + d4 * 4,
      invAt = statsAt + 2 * d4 * 4;
    const sumAt = statsAt + 3 * d4 * 4,
      sqAt = sumAt + d4 * 8;
    const shift = new Float32Array(buf, shiftAt, d4);
    shift.set(xs.subarray(0, d4));
    kernels.colstats(0, used, d4, shiftAt, sumAt, sqAt);
    const sum = new Float64Array(buf, sumAt, d4),
      sq = new Float64Array(buf, sqAt, d4);
    const mean = (this.mean = new Float32Array(d)),
      scale = (this.scale = new Float32Array(d));
    const meanPad = new Float32Array(buf, meanAt, d4),
      inv = new Float32Array(buf, invAt, d4);
    for (let j = 0; j < d; j++) {
      const m1 = sum[j]! / used;
      const m = shift[j]! + m1;
      const sd = Math.sqrt(Math.max(0, sq[j]! / used - m1 * m1));
      mean[j] = m;
      scale[j] = sd > 1e-6 * (1 + Math.abs(m)) ? sd : 1;
      meanPad[j] = mean[j]!;
      inv[j] = 1 / scale[j]!;
    }
    kernels.standardise(0, used, d4, meanAt, invAt); // padding: mean 0, inv 0, stays 0
    this.w = new Float32Array(buf, this.#wAt, k * d4);
    this.z = new Float64Array(buf, this.#zAt, block * k);
    this.out = new Float32Array(buf, this.#outAt, k * d4);
  }

  /** z[r·k + c] = w_c · u_(from + r) for the `count` rows from `from` (no bias). */
  logits(from: number, count: number): void {
    this.#kernels.logits(this.#xAt + from * this.d4 * 4, count, this.d4, this.#wAt, this.#k, this.#zAt);
  }

  /** out[c·d4 + j] += Σ_r z[r·k + c] · u_(from + r)[j]. */
  gradient(from: number, count: number): void {
    this.#kernels.gradient(this.#xAt + from * this.d4 * 4, count, this.d4, this.#zAt, this.#k, this.#outAt);
  }
}
