/** Batching for uploads: PostInputs takes at most 128 inputs; smaller batches make the progress bar move. */
export const UPLOAD_BATCH = 32;

export function batches<T>(items: readonly T[], size = UPLOAD_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Pasted text: one input per non-empty line. */
export const linesOf = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The concepts typed for an upload ("cat, -dog": cat positive, dog an explicit negative). */
export function conceptsOf(text: string): { id: string; value: number }[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== '-')
    .map((s) => (s.startsWith('-') ? { id: s.slice(1), value: 0 } : { id: s, value: 1 }));
}
