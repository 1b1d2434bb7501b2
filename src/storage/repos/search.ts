/**
 * Text matching for ListModels, done the same way on both dialects.
 *
 * `query` words: the store keeps `models.search_text` = the lower-cased letter/digit tokens of id,
 * name, description and notes, space separated and padded (` gen image | ... `), so a word matches
 * with `search_text LIKE '% word %'`. Tokenising in JS gives identical Unicode case folding on
 * SQLite and PostgreSQL, and ids like `general-image_v2` match `image` and `v2`.
 *
 * `name` wildcards: `lower(col) LIKE pattern`. Both lower() implementations here fold ASCII only
 * (SQLite without ICU; PostgreSQL on our COLLATE "C" columns), so the pattern is folded the same way.
 */

const TOKEN = /[\p{L}\p{N}]+/gu;

export const tokens = (s: string): string[] => s.toLowerCase().match(TOKEN) ?? [];

/** Fields are separated by ` | ` so a multi-token phrase never matches across two fields. */
export function searchText(m: { id: string; name: string; description: string; notes: string }): string {
  return ` ${[m.id, m.name, m.description, m.notes].map((f) => tokens(f).join(' ')).join(' | ')} `;
}

/**
 * LIKE pattern for one query word; a word with punctuation (`face-detect`) becomes the phrase of
 * its tokens. Undefined when the word has no letters or digits (it can match nothing meaningful).
 */
export function wordPattern(word: string): string | undefined {
  const t = tokens(word);
  return t.length === 0 ? undefined : `% ${t.join(' ')} %`;
}

/** The escape character of every LIKE the store writes. */
export const LIKE_ESCAPE = '\\';

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Text LIKE matches literally: its own metacharacters escaped (case is left as it is). */
export const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => LIKE_ESCAPE + c);

/** `gen*` -> `gen%`; LIKE's own metacharacters in the pattern are matched literally. */
export function wildcardToLike(pattern: string): string {
  return asciiLower(pattern).split('*').map(likeLiteral).join('%');
}
