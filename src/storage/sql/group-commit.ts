import { AsyncResource } from 'node:async_hooks';
import { type Kysely, sql } from 'kysely';
import type { TxScope } from './edge.js';

type Body<D, T> = (trx: Kysely<D>) => Promise<T>;

interface Unit<D> {
  readonly body: Body<D, unknown>;
  /** The caller's async context (AsyncResource.bind costs more: it defines properties on every call). */
  readonly context: AsyncResource;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

type Outcome<D> = { unit: Unit<D>; ok: true; value: unknown } | { unit: Unit<D>; ok: false; error: unknown };

/** Units in one SQLite transaction at most: bounds how long the first of them waits for its COMMIT. */
export const MAX_UNITS_PER_COMMIT = 64;

/** The batch's transaction is gone (SQLite rolled it back, or COMMIT failed): nothing of it was written. */
export class BatchLostError extends Error {
  constructor(readonly reason: unknown) {
    super(`the write was not committed: the transaction it shared was rolled back (${reason instanceof Error ? reason.message : String(reason)})`);
  }
}

/**
 * Group commit for SQLite's one connection (better-sqlite3 is synchronous, so a transaction is
 * CPU, and a COMMIT writes every page the transaction dirtied to the WAL: twenty-odd pages for one
 * model version). Write units asked for in one event-loop turn — and any asked for while a batch is
 * still running — run one after another in ONE `BEGIN IMMEDIATE … COMMIT`, each inside its own
 * SAVEPOINT: a unit that throws is rolled back to its savepoint and fails alone; the others commit.
 * Every unit's promise settles only after the COMMIT returned, so a caller never answers a write
 * that is not committed, and a unit fails with BatchLostError when the shared transaction could
 * not commit. Units run in the order they were asked for, each in its caller's async context.
 */
export class GroupCommit<D> {
  readonly #queue: Unit<D>[] = [];
  #scheduled = false;
  #running: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<D>,
    private readonly scope: TxScope,
    private readonly maxUnits = MAX_UNITS_PER_COMMIT,
  ) {}

  run<T>(fn: Body<D, T>): Promise<T> {
    try {
      // A transaction() inside a unit would wait for the batch that waits for it: refuse at once.
      this.scope.assertOutside();
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
      const body = (trx: Kysely<D>) => this.scope.run(() => fn(trx));
      this.#queue.push({ body, context: new AsyncResource('modelkeep.write'), resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Resolves once every unit asked for so far has settled (for close()). */
  async idle(): Promise<void> {
    while (this.#running || this.#queue.length > 0) {
      if (!this.#running) this.#start();
      await this.#running;
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#running) return; // a running batch takes new units, or schedules the next
    this.#scheduled = true;
    // setImmediate: the writes of requests read in this turn's I/O phase are queued by then.
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#running) this.#start();
    });
  }

  #start(): void {
    if (this.#queue.length === 0) return; // idle() took them already: no empty BEGIN … COMMIT
    this.#running = this.#batch().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  async #batch(): Promise<void> {
    const outcomes: Outcome<D>[] = [];
    let lost: unknown;
    try {
      await this.db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          while (this.#queue.length > 0 && outcomes.length < this.maxUnits) {
            const unit = this.#queue.shift()!;
            const outcome = await runUnit(conn, unit);
            outcomes.push(outcome.result);
            if (outcome.lost !== undefined) throw outcome.lost;
          }
          await sql`commit`.execute(conn);
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => undefined); // no transaction left is fine
          throw err;
        }
      });
    } catch (err) {
      lost = err;
    }
    for (const o of outcomes) {
      if (!o.ok) o.unit.reject(o.error);
      else if (lost !== undefined) o.unit.reject(new BatchLostError(lost));
      else o.unit.resolve(o.value);
    }
    // BEGIN itself failed (busy past busy_timeout, a closed database): the units waiting for it get that
    // error, as each would have after waiting for the lock in turn.
    if (outcomes.length === 0 && lost !== undefined) for (const u of this.#queue.splice(0, this.maxUnits)) u.reject(lost);
  }
}

/** One unit in its savepoint; `lost` when the shared transaction did not survive it. */
async function runUnit<D>(conn: Kysely<D>, unit: Unit<D>): Promise<{ result: Outcome<D>; lost?: unknown }> {
  await sql`savepoint unit`.execute(conn);
  let result: Outcome<D>;
  try {
    // In its caller's async context, as if it had run alone; inside it the TxScope of the unit.
    result = { unit, ok: true, value: await unit.context.runInAsyncScope(unit.body, null, conn) };
  } catch (error) {
    result = { unit, ok: false, error };
  }
  try {
    // Undo a failed unit's writes; the release then closes the savepoint either way.
    if (!result.ok) await sql`rollback to unit`.execute(conn);
    await sql`release unit`.execute(conn);
  } catch (err) {
    // "no such savepoint": SQLite rolled the whole transaction back (disk full, I/O error, or a unit ended it).
    return { result: result.ok ? { unit, ok: false, error: new BatchLostError(err) } : result, lost: err };
  }
  return { result };
}
