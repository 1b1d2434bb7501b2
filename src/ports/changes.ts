/**
 * Tells readers whether the database may have changed since they last looked, so answers built
 * from it can be reused until it does. Sample `token()` BEFORE reading: an answer tagged with a token
 * is valid exactly as long as `token()` still returns that token.
 */
export interface ChangeClock {
  /**
   * A number that differs after any committed write, by this process or (as soon as it is seen) by
   * another; undefined when changes by other processes cannot be seen right now (a PostgreSQL
   * listener that is reconnecting): then nothing may be reused.
   */
  token(): number | undefined;

  /**
   * Called before a write is acknowledged: resolves once every other process can have seen this
   * process's writes so far (PostgreSQL: our own NOTIFY came back through the listener, so the other
   * listeners have been sent theirs). Undefined when there is nothing to wait for.
   */
  published(): Promise<void> | undefined;
}
