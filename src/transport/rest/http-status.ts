const UNAUTHORIZED = new Set([11001, 11002, 11008, 11009, 11102]);
const FORBIDDEN = new Set([11007, 21201, 22103, 30103, 31103]);
const NOT_FOUND = new Set([11101, 21200, 22102, 30102, 31102]);

/** API-DECISIONS row 2: Clarifai status code -> HTTP status. The JSON body carries the real status either way. */
export function httpStatusFor(code: number): number {
  if (code === 10000 || code === 10010) return 200;
  // An upload's answers: accepted and in progress (68000), or fully received and being checked (21107).
  if (code === 68000 || code === 21107) return 200;
  if (UNAUTHORIZED.has(code)) return 401;
  if (FORBIDDEN.has(code)) return 403;
  if (NOT_FOUND.has(code)) return 404;
  if (code === 40010) return 409;
  if (code === 11005) return 429;
  if (code === 10040) return 501;
  // 10030 TRY_AGAIN: the database was unreachable; generic HTTP clients retry on 503.
  if (code === 10030) return 503;
  if (code >= 98000) return 500;
  return 400;
}
