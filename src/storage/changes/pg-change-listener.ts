import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CHANGES_CHANNEL } from '../migrations/003_change_notifications.js';

const RETRY_MS = [100, 500, 2000, 5000];
const PING_MS = 5000;
/** A fence that has not come back by then is given up (the write is committed either way). */
const FENCE_TIMEOUT_MS = 1000;

/**
 * The listener's connection settings: the pool's, with an application_name that tells it apart in
 * pg_stat_activity (the URL's own name + " changes", else "modelkeep changes").
 */
export function listenerConfig(pool: pg.ClientConfig & { connectionString: string }): pg.ClientConfig {
  const u = new URL(pool.connectionString);
  const name = u.searchParams.get('application_name');
  u.searchParams.delete('application_name');
  return { ...pool, connectionString: u.toString(), application_name: `${name ?? 'modelkeep'} changes` };
}

/**
 * Hears other processes' commits on PostgreSQL: every table NOTIFYs CHANGES_CHANNEL with its schema
 * (migration 003); this LISTENs on a connection of its own and counts the notifications for our
 * schema. `seen()` is undefined until it listens, and again as soon as the connection breaks or stops
 * answering its ping, so a cache never trusts a count that may have missed a change; it reconnects
 * by itself. It starts on the first `seen()`, so commands that never read through a cache open no
 * extra connection.
 */
export class PgChangeListener {
  #count = 0;
  #listening = false;
  #started = false;
  #closed = false;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #schema: string | undefined;
  readonly #fences = new Map<string, () => void>();

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly report: (err: Error) => void,
  ) {}

  seen(): number | undefined {
    if (!this.#started) {
      this.#started = true;
      void this.#connect(0);
    }
    return this.#listening ? this.#count : undefined;
  }

  /**
   * Sends a marker on the channel from our own connection and resolves when it comes back. PostgreSQL
   * delivers notifications in commit order and signals every listener at once, so by then every
   * other process's listener has been sent the notifications of our earlier commits too.
   */
  fence(): Promise<void> {
    const client = this.#client;
    const schema = this.#schema;
    if (!this.#listening || !client || !schema) return Promise.resolve();
    const id = randomUUID();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#fences.delete(id);
        resolve();
      };
      const timer = setTimeout(done, FENCE_TIMEOUT_MS);
      this.#fences.set(id, done);
      client.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, `${schema}:fence:${id}`]).catch(done);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listening = false;
    clearTimeout(this.#timer);
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
  }

  async #connect(attempt: number): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(this.config);
    this.#client = client;
    let pingPending = false;
    const down = (err?: Error): void => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#listening = false;
      clearTimeout(this.#timer);
      for (const done of [...this.#fences.values()]) done(); // they cannot come back on this connection
      if (err && !this.#closed) this.report(err);
      client.end().catch(() => undefined);
      if (!this.#closed) this.#timer = setTimeout(() => void this.#connect(attempt + 1), RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]).unref();
    };
    client.on('error', down);
    client.on('end', () => down(new Error('change listener connection ended')));
    try {
      await client.connect();
      const { rows } = await client.query<{ s: string | null }>('select current_schema() as s');
      const schema = rows[0]?.s;
      // The schema may not exist yet (created by the first migrate): try again shortly.
      if (!schema) throw new Error('no current schema yet');
      const fencePrefix = `${schema}:fence:`;
      client.on('notification', (n) => {
        if (n.channel !== CHANGES_CHANNEL || !n.payload) return;
        if (n.payload === schema) this.#count++;
        else if (n.payload.startsWith(fencePrefix)) this.#fences.get(n.payload.slice(fencePrefix.length))?.();
      });
      this.#schema = schema;
      await client.query(`listen ${CHANGES_CHANNEL}`);
      if (this.#client !== client) return;
      this.#count++; // anything may have changed while nobody listened
      this.#listening = true;
      attempt = 0;
      const ping = (): void => {
        if (this.#client !== client) return;
        // A connection that stopped answering (network cut without a reset) would drop notifications silently.
        if (pingPending) return down(new Error(`change listener connection did not answer within ${PING_MS} ms`));
        pingPending = true;
        client.query('select 1').then(
          () => (pingPending = false),
          (e: Error) => down(e),
        );
        this.#timer = setTimeout(ping, PING_MS).unref();
      };
      this.#timer = setTimeout(ping, PING_MS).unref();
    } catch (err) {
      down(err as Error);
    }
  }
}
