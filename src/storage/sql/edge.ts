import { AsyncLocalStorage } from 'node:async_hooks';
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import { isWriteQuery } from '../changes/change-clock.js';

/**
 * Marks the async context of a `transaction(fn)` callback. A query on the root (non-transaction)
 * Kysely from inside `fn` would wait for the connection the transaction holds — on SQLite's single
 * connection that is a silent deadlock — so the edge driver refuses it with a clear error instead.
 */
export class TxScope {
  readonly #als = new AsyncLocalStorage<{ active: boolean }>();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // `active` is cleared when fn settles: work fn leaves running in the background may use the store later.
    const state = { active: true };
    try {
      return await this.#als.run(state, fn);
    } finally {
      state.active = false;
    }
  }

  assertOutside(): void {
    if (this.#als.getStore()?.active) {
      throw new Error('store misuse: a query on the root store (or a nested transaction) ran inside transaction(fn); use the repos passed to fn');
    }
  }
}

type Translate = (err: unknown) => unknown;

/** Told after each write statement and each commit, so caches of answers know the data moved. */
export type OnWrite = () => void;

/** Wraps a connection so every statement's driver error is translated where it happens. */
class EdgeConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly translate: Translate,
    private readonly onWrite: OnWrite,
  ) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(q);
    } catch (err) {
      throw this.translate(err);
    } finally {
      // Also after a failed write: a statement cut off mid-commit may still have been applied.
      if (isWriteQuery(q)) this.onWrite();
    }
  }

  streamQuery<R>(q: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(q, chunkSize);
  }
}

/** The driver errors -> RetryableStoreError edge, and the TxScope guard, around any Kysely driver. */
class EdgeDriver implements Driver {
  readonly #wrapped = new WeakMap<DatabaseConnection, EdgeConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly translate: Translate,
    private readonly scope: TxScope,
    private readonly onWrite: OnWrite,
  ) {}

  private async guard<T>(p: () => Promise<T>): Promise<T> {
    try {
      return await p();
    } catch (err) {
      throw this.translate(err);
    }
  }

  private unwrap(c: DatabaseConnection): DatabaseConnection {
    return c instanceof EdgeConnection ? c.inner : c;
  }

  init(): Promise<void> {
    return this.guard(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.scope.assertOutside();
    const inner = await this.guard(() => this.inner.acquireConnection());
    let conn = this.#wrapped.get(inner);
    if (!conn) {
      conn = new EdgeConnection(inner, this.translate, this.onWrite);
      this.#wrapped.set(inner, conn);
    }
    return conn;
  }

  beginTransaction(c: DatabaseConnection, s: TransactionSettings): Promise<void> {
    return this.guard(() => this.inner.beginTransaction(this.unwrap(c), s));
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    try {
      await this.guard(() => this.inner.commitTransaction(this.unwrap(c)));
    } finally {
      // The transaction's writes become visible to other readers only now.
      this.onWrite();
    }
  }

  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return this.guard(() => this.inner.rollbackTransaction(this.unwrap(c)));
  }

  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(c));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** A dialect identical to `base` except that its driver goes through the edge. */
export function edgeDialect(base: Dialect, translate: Translate, scope: TxScope, onWrite: OnWrite): Dialect {
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new EdgeDriver(base.createDriver(), translate, scope, onWrite),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
  };
}
