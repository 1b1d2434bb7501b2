import type { CompiledQuery } from 'kysely';
import type { ChangeClock } from '../../ports/changes.js';

const READ_ONLY_RAW = /^\s*(select|pragma|explain|show)\b/i;

/** Whether a statement may change data (anything but a SELECT; raw SQL by its first word). */
export function isWriteQuery(q: CompiledQuery): boolean {
  const kind = q.query.kind;
  if (kind === 'SelectQueryNode') return false;
  if (kind === 'RawNode') return !READ_ONLY_RAW.test(q.sql);
  return true;
}

/**
 * The ChangeClock of one process: `written()` is called by the storage edge after every write
 * statement and every commit on this process's connections; `external()` reports whether another
 * process changed the database (SQLite: PRAGMA data_version; PostgreSQL: a LISTEN connection), or
 * undefined when that cannot be known right now.
 */
export class ProcessChangeClock implements ChangeClock {
  #n = 0;
  #lastExternal: number | undefined;
  #writes = 0;
  #published = 0;
  #pending: { upTo: number; done: Promise<void> } | undefined;

  /** `fence` resolves once a marker sent after the writes so far has reached every listener (none on SQLite). */
  constructor(
    private readonly external: () => number | undefined,
    private readonly fence?: () => Promise<void>,
  ) {}

  written(): void {
    this.#n++;
    this.#writes++;
  }

  published(): Promise<void> | undefined {
    if (!this.fence || this.#writes === this.#published) return undefined;
    const upTo = this.#writes;
    // A fence sent now covers every write committed so far; one in flight covers those before it.
    if (this.#pending && this.#pending.upTo >= upTo) return this.#pending.done;
    const done = this.fence().then(() => {
      this.#published = Math.max(this.#published, upTo);
    });
    this.#pending = { upTo, done };
    return done;
  }

  token(): number | undefined {
    let ext: number | undefined;
    try {
      ext = this.external();
    } catch {
      ext = undefined; // closed database, or the connection is gone: vouch for nothing
    }
    if (ext === undefined) return undefined;
    if (ext !== this.#lastExternal) {
      this.#lastExternal = ext;
      this.#n++;
    }
    return this.#n;
  }
}
