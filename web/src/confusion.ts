/** The confusion matrix as a dense grid (rows: actual, columns: predicted) from EvalMetrics' sparse cells. */
export function confusionGrid(cm: { matrix?: { actual?: string; predicted?: string; value?: number }[]; concept_ids?: string[] } | undefined): {
  ids: string[];
  cells: number[][];
  max: number;
} {
  const ids = [...(cm?.concept_ids ?? [])];
  for (const c of cm?.matrix ?? []) for (const id of [c.actual, c.predicted]) if (id && !ids.includes(id)) ids.push(id);
  const cells = ids.map(() => ids.map(() => 0));
  let max = 0;
  for (const c of cm?.matrix ?? []) {
    const r = ids.indexOf(c.actual ?? '');
    const k = ids.indexOf(c.predicted ?? '');
    if (r < 0 || k < 0) continue;
    cells[r]![k]! += Number(c.value ?? 0);
    max = Math.max(max, cells[r]![k]!);
  }
  return { ids, cells, max };
}
