import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { UntypedDb } from './untyped-db.js';

/** A query built and compiled once; each run only swaps its parameter values. */
export interface Precompiled<R> {
  readonly sql: string;
  run(db: UntypedDb, values: readonly unknown[]): Promise<R[]>;
  /** The whole result, for writes (numAffectedRows). */
  execute(db: UntypedDb, values: readonly unknown[]): Promise<QueryResult<R>>;
}

/**
 * Building a Kysely query is cheap but not free, and the hot paths (auth, GetModel) run a handful of
 * fixed-shape queries per request. `build` receives one placeholder per value; we record where each
 * placeholder landed in the compiled parameters (other parameters, e.g. a LIMIT, stay as compiled).
 * The compiled query runs on any Kysely of the same dialect, transaction-bound ones included.
 */
export function precompile<R>(arity: number, build: (...values: string[]) => Compilable<R>): Precompiled<R> {
  const marks = Array.from({ length: arity }, (_, i) => `\u0000precompiled:${i}`);
  const compiled = build(...marks).compile();
  const slots = compiled.parameters.map((p) => (typeof p === 'string' ? marks.indexOf(p) : -1));
  for (let i = 0; i < arity; i++) {
    if (!slots.includes(i)) throw new Error(`precompiled query does not use value ${i}: ${compiled.sql}`);
  }
  const execute = (db: UntypedDb, values: readonly unknown[]): Promise<QueryResult<R>> => {
    const parameters = slots.map((s, i) => (s >= 0 ? values[s] : compiled.parameters[i]));
    const q: CompiledQuery<R> = { ...compiled, parameters };
    return db.executeQuery(q);
  };
  return {
    sql: compiled.sql,
    execute,
    run: async (db, values) => (await execute(db, values)).rows,
  };
}
