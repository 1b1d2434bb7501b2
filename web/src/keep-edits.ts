/**
 * A form refreshed from the server while the user types: fields the user has not touched (still equal to
 * what was loaded before) take the new values; fields the user changed keep the user's text.
 */
export function keepEdits<T extends Record<string, unknown>>(loadedBefore: T, loadedNow: T, current: T): T {
  const merged: Record<string, unknown> = { ...loadedNow };
  for (const k of Object.keys(loadedNow)) if (current[k] !== loadedBefore[k]) merged[k] = current[k];
  return merged as T;
}
