/** Rows for comparing two versions: each leaf of the two objects by dotted path, and whether they differ. */
export function compareRows(a: unknown, b: unknown, prefix = ''): { path: string; a: string; b: string; differs: boolean }[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(a) && !isObj(b)) {
    const sa = a === undefined ? '' : JSON.stringify(a);
    const sb = b === undefined ? '' : JSON.stringify(b);
    return [{ path: prefix, a: sa, b: sb, differs: sa !== sb }];
  }
  const keys = [...new Set([...Object.keys(isObj(a) ? a : {}), ...Object.keys(isObj(b) ? b : {})])].sort();
  return keys.flatMap((k) => compareRows(isObj(a) ? a[k] : undefined, isObj(b) ? b[k] : undefined, prefix ? `${prefix}.${k}` : k));
}
