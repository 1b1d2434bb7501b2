/** Variables modelkeep's own tests and benchmarks read: not settings of a server, never warned about. */
const TOOLING_PREFIXES = ['MODELKEEP_TEST_', 'MODELKEEP_BENCH_'];
/** What the client commands read (src/cli: `modelkeep login`, contexts): a shell may well have them set while it runs serve. */
const CLIENT_VARIABLES = new Set(['MODELKEEP_URL', 'MODELKEEP_PAT', 'MODELKEEP_APP', 'MODELKEEP_CONTEXT', 'MODELKEEP_CONFIG']);

/** Edit distance (insertions, deletions, substitutions): small enough to be written here. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known name nearest to `name`; ties go to a name it begins (MODELKEEP_DATABASE: _DATABASE_URL over _DATA_DIR). */
export function nearestName(name: string, known: readonly string[]): string {
  const score = (k: string): number => editDistance(name, k) * 2 - (k.startsWith(name) || name.startsWith(k) ? 1 : 0);
  let best = known[0] ?? '';
  for (const k of known) if (score(k) < score(best)) best = k;
  return best;
}

/**
 * What to suggest for an unknown flag: every known flag that has it as a whole part (`port`:
 * http-port, grpc-port), else the nearest one within two edits, else nothing (a guess far off helps nobody).
 */
export function flagSuggestion(flag: string, known: readonly string[]): string | undefined {
  const byPart = known.filter((k) => k.split('-').includes(flag));
  if (byPart.length > 0) return byPart.map((k) => `--${k}`).join(' or ');
  const near = nearestName(flag, known);
  return near && editDistance(flag, near) <= 2 ? `--${near}` : undefined;
}

/**
 * One warning per MODELKEEP_* variable that is no setting, naming the closest known one: a typo
 * (MODELKEEP_HTTP_PROT) would otherwise be ignored without a word and the default used.
 */
export function unknownEnvWarnings(env: NodeJS.ProcessEnv, known: readonly string[]): string[] {
  const knownSet = new Set(known);
  const out: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('MODELKEEP_') || knownSet.has(name) || CLIENT_VARIABLES.has(name) || TOOLING_PREFIXES.some((p) => name.startsWith(p))) continue;
    out.push(`${name} is not a modelkeep setting and is ignored; did you mean ${nearestName(name, known)}? (modelkeep help lists every setting)`);
  }
  return out;
}
