/**
 * `percent_completed` shown while a job works: 5–95 as its work advances, never 100 before the
 * terminal status is written (clients treat 100 as done).
 */
export const percentOf = (fraction: number): number => Math.min(95, Math.max(5, Math.floor(5 + 90 * fraction)));

/**
 * The 10% step to log for a progress report, or undefined when it crosses none since `lastLogged`
 * (a tenth, 0–9). 100% is never logged as progress: the job's end has its own line.
 */
export function progressStep(lastLogged: number, fraction: number): number | undefined {
  const tenth = Math.floor(Math.min(1, Math.max(0, fraction)) * 10);
  return tenth > lastLogged && tenth < 10 ? tenth : undefined;
}
