import { newId } from '../domain/ids.js';
import { type Embedder, type EmbedInput, embedSettled } from '../ml/embedders/embedder.js';
import type { BudgetHold, ByteBudget } from '../net/byte-budget.js';
import { FetchBudgetExhausted, FetchError, fetchBytes } from '../net/fetch-url.js';
import type { GuardedFetch } from '../net/guarded-fetch.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedInput, ProcessingResult } from '../ports/inputs-store.js';
import type { Store } from '../ports/store.js';
import { Doorbell } from '../runtime/doorbell.js';
import { imageInfoOf } from './image-info.js';

export interface InputProcessorOptions {
  /** Inputs without a URL to fetch claimed per round (processed one after the other). */
  batchSize: number;
  /** URL inputs fetched and processed at once (their own lane: see round()). */
  fetchConcurrency: number;
  /** How long a claim holds without being finished; a crashed processor's inputs are retaken after it. */
  leaseMs: number;
  pollMs: number;
  /** Claims (crashes included) before an input fails for good. */
  maxAttempts: number;
  fetchTimeoutMs: number;
  maxImageBytes: number;
  workerId?: string;
  /** The process's download budget (MODELKEEP_FETCH_BUDGET_MB): a fetched input holds its bytes' share until it is finished. */
  fetchBudget?: ByteBudget;
  /**
   * The embedder id that indexes an input of `kind` in app `userId/appId` (its base workflow, decision
   * 0037), or undefined for a kind the base workflow does not index. Unset: every embedder of the
   * input's kind (tests that run a processor without apps).
   */
  embedderFor?: (userId: string, appId: string, kind: 'text' | 'image') => Promise<string | undefined>;
}

export const DEFAULT_INPUT_PROCESSOR_OPTIONS: InputProcessorOptions = {
  batchSize: 8,
  fetchConcurrency: 8,
  leaseMs: 120_000,
  pollMs: 1000,
  maxAttempts: 3,
  fetchTimeoutMs: 15_000,
  maxImageBytes: 20 * 1024 * 1024,
};

export interface ProcessorLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

type Lane = 'local' | 'fetch' | 'reindex';

/** How one claimed input ended in a round: processed (30000), failed (30002), or left for a retry. */
type Finish = 'processed' | 'failed' | 'retry';

/**
 * Turns pending inputs (30001) into processed ones: claims a batch (30003, leased), fetches URL
 * images and texts (data.text.url, stored as the input's text once fetched), computes each input's embeddings with every embedder of its kind (text or image), and
 * finishes each input with 30000 + vectors or 30002 + details. Durable without a queue: the claim
 * is on the input row, so inputs of a crashed process are retaken when their lease expires, and a
 * result only lands while this processor still holds the input.
 */
export class InputProcessor {
  readonly id: string;
  private stopping = false;
  private loops: Promise<void>[] | undefined;
  private readonly bells = { local: new Doorbell(), fetch: new Doorbell(), reindex: new Doorbell() };
  private readonly opts: InputProcessorOptions;

  /** `fetcher` carries the URL address policy; the composition root shares one per process. */
  constructor(
    private readonly store: Store,
    private readonly embedders: ReadonlyMap<string, Embedder>,
    private readonly clock: Clock,
    private readonly log: ProcessorLog,
    private readonly fetcher: GuardedFetch,
    opts: Partial<InputProcessorOptions> = {},
  ) {
    this.opts = { ...DEFAULT_INPUT_PROCESSOR_OPTIONS, ...opts };
    this.id = this.opts.workerId ?? `inputs-${process.pid}-${newId().slice(0, 8)}`;
  }

  start(): void {
    this.stopping = false;
    this.loops ??= [this.run('local'), this.run('fetch'), this.run('reindex')];
  }

  /** Wakes the loops now (inputs were just added in this process). */
  notify(): void {
    this.bells.local.ring();
    this.bells.fetch.ring();
    this.bells.reindex.ring();
  }

  /** Stops claiming and waits for the batches in hand to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.notify();
    await Promise.all(this.loops ?? []);
    this.loops = undefined;
  }

  /** Claims and processes one round of both lanes; returns how many inputs it claimed. */
  async runOnce(): Promise<number> {
    const [local, fetch, reindex] = await Promise.all([this.round('local'), this.round('fetch'), this.round('reindex')]);
    return local + fetch + reindex;
  }

  /**
   * Two lanes, so a URL that never answers holds no input that needs no fetch: 'local' (text, uploaded
   * bytes) one at a time — embedding is CPU work on this thread — and 'fetch' (URL images) up to
   * fetchConcurrency at once, since their time is spent waiting on other servers.
   */
  private async round(lane: Lane): Promise<number> {
    const now = this.clock.now();
    const limit = lane === 'fetch' ? this.opts.fetchConcurrency : this.opts.batchSize;
    const batch =
      lane === 'reindex'
        ? await this.store.inputs.claimReindex(this.id, limit, now + this.opts.leaseMs, now)
        : await this.store.inputs.claim(this.id, limit, now + this.opts.leaseMs, now, lane);
    if (batch.length === 0) return 0;
    const ends: Finish[] = [];
    // One look-up of each app's base workflow per round: a change applies from the next round on.
    const chosen = new Map<string, Promise<string | undefined>>();
    const pick = (c: ClaimedInput): Promise<string | undefined> | undefined => {
      const find = this.opts.embedderFor;
      if (!find) return undefined;
      const key = `${c.userId}/${c.appId}/${c.kind}`;
      if (!chosen.has(key)) chosen.set(key, find(c.userId, c.appId, c.kind));
      return chosen.get(key);
    };
    if (lane === 'reindex') for (const input of batch) ends.push(await this.reindexAndFinish(input, pick(input)));
    else if (lane === 'local') for (const input of batch) ends.push(await this.processAndFinish(input, pick(input)));
    else ends.push(...(await Promise.all(batch.map((input) => this.processAndFinish(input, pick(input))))));
    const count = (f: Finish): number => ends.filter((e) => e === f).length;
    this.log.info(
      {
        lane,
        worker: this.id,
        claimed: batch.length,
        processed: count('processed'),
        failed: count('failed'),
        retry: count('retry'),
        ms: this.clock.now() - now,
      },
      'input batch processed',
    );
    return batch.length;
  }

  private async processAndFinish(input: ClaimedInput, embedder: Promise<string | undefined> | undefined): Promise<Finish> {
    // The fetched bytes keep their share of the download budget until the result (which carries them) is stored.
    const hold = this.opts.fetchBudget?.hold();
    try {
      return await this.finishOne(input, embedder, hold);
    } finally {
      hold?.release();
    }
  }

  private async finishOne(input: ClaimedInput, embedder: Promise<string | undefined> | undefined, hold: BudgetHold | undefined): Promise<Finish> {
    const result = await this.process(input, embedder, hold);
    // undefined: retried once its lease expires. finish() false: deleted or taken over meanwhile, result dropped.
    if (!result) return 'retry';
    const landed = await this.store.inputs.finish(input.pk, this.id, result, this.clock.now());
    if (result.ok) return 'processed';
    if (landed) this.log.warn({ input: input.id, attempt: input.attempts, code: 30002, details: result.details }, 'input failed');
    return 'failed';
  }

  /** Re-indexing after a base workflow change (decision 0037): the input's stored text or bytes, the app's embedder now. */
  private async reindexAndFinish(input: ClaimedInput, embedder: Promise<string | undefined> | undefined): Promise<Finish> {
    const result = await this.guarded(input, async () => this.embedStored(input, embedder === undefined ? null : await embedder));
    if (!result) return 'retry';
    const landed = await this.store.inputs.finishReindex(input.pk, this.id, result, this.clock.now());
    if (result.ok) return 'processed';
    if (landed) this.log.warn({ input: input.id, attempt: input.attempts, code: 30502, details: result.details }, 'input re-index failed');
    return 'failed';
  }

  private async embedStored(c: ClaimedInput, only: string | undefined | null): Promise<ProcessingResult> {
    let payload: EmbedInput;
    if (c.kind === 'text') payload = { text: c.text ?? '' };
    else {
      const bytes = await this.store.inputs.imageBytes(c.pk);
      if (!bytes) return { ok: false, details: 'The input has no stored image bytes to re-index; delete it and add it again.' };
      payload = { imageBytes: bytes };
    }
    const embeddings = await this.embedAll(c, payload, only);
    if (!Array.isArray(embeddings)) return embeddings;
    return { ok: true, embeddings, imageInfo: null, fetchedBytes: null };
  }

  /** The input's vectors of `only` (null: every embedder of its kind; undefined: none), or its 30002-style failure. */
  private async embedAll(
    c: ClaimedInput,
    payload: EmbedInput,
    only: string | undefined | null,
  ): Promise<{ embedderId: string; vector: Float32Array }[] | { ok: false; details: string }> {
    const field = c.kind === 'text' ? (c.textUrl ? 'data.text.url' : 'data.text.raw') : c.imageUrl ? 'data.image.url' : 'data.image.base64';
    const embeddings: { embedderId: string; vector: Float32Array }[] = [];
    for (const e of this.embedders.values()) {
      if (e.kind !== c.kind || (only !== null && e.id !== only)) continue;
      const [outcome] = await embedSettled(e, [payload]);
      if (!outcome) throw new Error(`${e.id} returned no result`);
      if (!outcome.ok) return { ok: false, details: `${field} could not be used: ${outcome.error.reason}` };
      embeddings.push({ embedderId: e.id, vector: outcome.vector });
    }
    return embeddings;
  }

  private async run(lane: Lane): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.round(lane);
      } catch (err) {
        this.log.warn({ err, lane }, 'input processor: a round failed; its inputs are retried when their lease expires');
      }
      if (claimed > 0 || this.stopping) continue;
      await this.bells[lane].wait(this.opts.pollMs);
    }
  }

  /**
   * Never throws. Faults of the input become 30002 at once; our own (an embedder that cannot load,
   * a database hiccup) give undefined — the input keeps its lease and is retried when it expires —
   * until maxAttempts, then 30002 with the last error.
   */
  private async process(
    c: ClaimedInput,
    embedder: Promise<string | undefined> | undefined,
    hold: BudgetHold | undefined,
  ): Promise<ProcessingResult | undefined> {
    return this.guarded(c, async () => this.compute(c, embedder === undefined ? null : await embedder, hold));
  }

  private async guarded(c: ClaimedInput, work: () => Promise<ProcessingResult>): Promise<ProcessingResult | undefined> {
    if (c.attempts > this.opts.maxAttempts) {
      return {
        ok: false,
        details: `Processing was interrupted ${c.attempts - 1} times (the server stopped while processing this input); delete it and add it again.`,
      };
    }
    try {
      return await work();
    } catch (err) {
      // No budget in time is this server being busy, not the URL's fault: retried like our own faults below.
      if (err instanceof FetchError && !(err instanceof FetchBudgetExhausted)) return { ok: false, details: err.message };
      const message = err instanceof Error ? err.message : String(err);
      if (c.attempts >= this.opts.maxAttempts) {
        return {
          ok: false,
          details: `Processing failed ${c.attempts} times; last error: ${message}. Delete the input and add it again, or check the server log.`,
        };
      }
      this.log.warn({ err, input: c.id, attempt: c.attempts }, 'input processor: processing failed; retried when its lease expires');
      return undefined;
    }
  }

  /** `only`: the one embedder to index with (undefined: none), or null for every embedder of the input's kind. */
  private async compute(c: ClaimedInput, only: string | undefined | null, hold: BudgetHold | undefined): Promise<ProcessingResult> {
    let bytes: Uint8Array | null = null;
    let fetched: Uint8Array | null = null;
    let fetchedText: string | undefined;
    let text = c.text;
    if (c.kind === 'text' && text === null && c.textUrl) {
      const served = await fetchBytes(
        c.textUrl,
        'data.text.url',
        { timeoutMs: this.opts.fetchTimeoutMs, maxBytes: this.opts.maxImageBytes, client: this.fetcher },
        hold,
      );
      const decoded = utf8(served);
      if (decoded === undefined)
        return { ok: false, details: `data.text.url ${c.textUrl} did not answer with UTF-8 text; serve the text as UTF-8, or send it in data.text.raw.` };
      text = fetchedText = decoded;
    }
    if (c.kind === 'image') {
      bytes = (await this.store.inputs.imageBytes(c.pk)) ?? null;
      if (!bytes && c.imageUrl) {
        fetched = await fetchBytes(
          c.imageUrl,
          'data.image.url',
          { timeoutMs: this.opts.fetchTimeoutMs, maxBytes: this.opts.maxImageBytes, client: this.fetcher },
          hold,
        );
        bytes = fetched;
      }
      if (!bytes) return { ok: false, details: 'The input has no image bytes (neither data.image.base64 nor a fetchable data.image.url); add it again.' };
    }
    const field = c.kind === 'text' ? (c.textUrl ? 'data.text.url' : 'data.text.raw') : c.imageUrl ? 'data.image.url' : 'data.image.base64';
    const payload: EmbedInput = c.kind === 'text' ? { text: text ?? '' } : { imageBytes: bytes! };
    const embeddings = await this.embedAll(c, payload, only);
    if (!Array.isArray(embeddings)) return embeddings;
    let imageInfo = null;
    if (bytes) {
      imageInfo = await imageInfoOf(bytes);
      if (!imageInfo) return { ok: false, details: `${field} is not an image modelkeep can decode; send a JPEG, PNG, WebP, GIF, TIFF or AVIF file.` };
    }
    return { ok: true, embeddings, imageInfo, fetchedBytes: fetched, ...(fetchedText !== undefined ? { fetchedText } : {}) };
  }
}

/** The bytes as UTF-8 text (a leading byte-order mark dropped), or undefined when they are not UTF-8. */
function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
