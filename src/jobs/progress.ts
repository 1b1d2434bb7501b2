/**
 * `percent_completed` shown while a job works: 5–95 as its work advances, never 100 before the
 * terminal status is written (clients treat 100 as done).
 */
export const percentOf = (fraction: number): number => Math.min(95, Math.max(5, Math.floor(5 + 90 * fraction)));
