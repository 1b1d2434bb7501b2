/** Domain milliseconds -> the RFC 3339 strings API objects carry. */
export const ts = (ms: number): string => new Date(ms).toISOString();

/** API timestamp string -> milliseconds (the codecs already validated the format). */
export const fromTs = (s: string): number => Date.parse(s);
