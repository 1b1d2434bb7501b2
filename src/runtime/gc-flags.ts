import { setFlagsFromString } from 'node:v8';

/**
 * The V8 setting a long-running server process starts with (serve): no allocation-site pretenuring.
 *
 * Why (BENCHMARKS.md, "GetModel per-request cost regression (2026-12-04)"; decision 0048): V8 moves
 * an allocation site to old-space allocation once most of its objects survive a scavenge, and it
 * rarely moves it back. At start-up (module loading, the first requests while a mark-compact runs)
 * a site on the request path can be judged long-lived; from then on each request's objects are
 * born old and hold their young children through every scavenge, so ~4 MB is promoted per
 * scavenge, scavenges cost ~10× and the helper threads mark old space non-stop — about half the
 * requests/s of the same process that escaped it. It happened to one start of the server in four
 * or five, and stayed for the life of the process. A server's per-request objects all die young,
 * so it loses nothing by allocating them young.
 *
 * Set before the server's modules run: the flag is read when allocation sites are created and
 * when scavenges weigh their survivors.
 */
export function disablePretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
