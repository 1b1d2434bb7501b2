// `general-text-embedding`: a deterministic, weight-free text embedder (see README.md for why it
// was chosen over GloVe and for measured numbers).
//
// Three feature families are hashed into one signed vector:
//   - word unigrams          (what the text is about)
//   - word bigrams           (a little word order: "not good", "new york")
//   - character 3-5-grams of each word, fastText-style with boundary marks
//                            (morphology and typos: "cats"~"cat", "colour"~"color")
// Each family is L2-normalised on its own before mixing, so that the many character n-grams
// cannot drown the few word features; then cos(a, b) ≈ Σ w²·cos_family / Σ w².
// Counts are damped with 1 + ln(tf). There is no corpus for idf, so common English function words
// get a fixed low weight instead (negations excepted: they flip meaning).
import { type Embedder, type EmbedInput, EmbedInputError, l2normalise } from './embedder.js';

export const TEXT_EMBEDDER_ID = 'general-text-embedding';

/** 2048: measured collision noise vs cost trade-off, see README.md. Must be a power of two. */
export const TEXT_DIM = 2048;

const FAMILY_WEIGHT = { word: 1.0, bigram: 0.6, char: 0.8 } as const;
const STOPWORD_WEIGHT = 0.2;
const CHAR_MIN = 3;
const CHAR_MAX = 5;
const BOUNDARY = 0x02; // marks word start/end in character n-grams; never part of a token
// Distinct seeds keep the same string in different families from landing in the same bucket.
const SEED = { word: 0x811c9dc5, bigram: 0x9e3779b1, char: 0x85ebca6b } as const;

// prettier-ignore
const STOPWORDS = new Set(
  (
    'a an the and or but if then so than that this these those there here of to in on at by for ' +
    'with from into onto over under about as is am are was were be been being have has had do does did ' +
    'i me my we our you your he him his she her it its they them their what which who whom whose ' +
    'will would shall should can could may might must just also very too s t d ll re ve m'
  ).split(' '),
);

/** NFKC, lowercase, accents folded on Latin letters only (in Devanagari, Thai… marks are letters' vowels). */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/(\p{Script=Latin})\p{Mn}+/gu, '$1')
    .normalize('NFKC')
    .toLowerCase();
}

// Chinese and Japanese are written without spaces: each Han/kana character is a word, so the word
// unigrams and bigrams become the character unigrams and bigrams usual for CJK retrieval.
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;
const WORD = new RegExp(String.raw`[${CJK}]|(?:(?![${CJK}])[\p{L}\p{M}\p{N}])+|\p{Extended_Pictographic}`, 'gu');

/** Unicode-aware words: runs of letters, marks and digits; an apostrophe inside a word is dropped ("don't" → "dont"); each emoji is a word. */
export function tokenize(text: string): string[] {
  const folded = normaliseText(text).replace(/(?<=[\p{L}\p{N}])['’](?=\p{L})/gu, '');
  return folded.match(WORD) ?? [];
}

// FNV-1a over UTF-16 code units, then murmur3's finaliser so low bits (bucket) and bit 31 (sign) are well mixed.
function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, 0x01000193);
}
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
function hashString(seed: number, s: string): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return fmix(h);
}

/** 32-bit feature hash → occurrences and the feature's fixed weight (low for stopwords). */
type Counts = Map<number, { n: number; w: number }>;

function add(counts: Counts, hash: number, weight: number): void {
  const e = counts.get(hash);
  if (e) e.n++;
  else counts.set(hash, { n: 1, w: weight });
}

/** Hashes one family into a dim-sized scratch vector (sublinear tf, signed), normalises it, then adds weight × it to `out`. */
function mixFamily(out: Float32Array, counts: Counts, weight: number, scratch: Float32Array): void {
  if (counts.size === 0) return;
  scratch.fill(0);
  const mask = out.length - 1;
  for (const [hash, { n, w }] of counts) {
    // The sign bit makes colliding features cancel on average instead of piling up.
    scratch[hash & mask]! += (hash & 0x80000000 ? -w : w) * (1 + Math.log(n));
  }
  l2normalise(scratch);
  for (let i = 0; i < out.length; i++) out[i]! += weight * scratch[i]!;
}

/** The embedding of one text, or null when it has no words, digits or emoji. */
export function embedText(text: string, dim: number = TEXT_DIM): Float32Array | null {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  const words: Counts = new Map();
  const bigrams: Counts = new Map();
  const chars: Counts = new Map();
  const weightOf = (t: string): number => (STOPWORDS.has(t) ? STOPWORD_WEIGHT : 1);

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const w = weightOf(t);
    add(words, hashString(SEED.word, t), w);
    const next = tokens[i + 1];
    // A bigram of two function words ("of the") says nothing; one with a single function word says a little.
    if (next !== undefined && w + weightOf(next) > 2 * STOPWORD_WEIGHT) {
      add(bigrams, hashString(SEED.bigram, `${t} ${next}`), w === 1 && weightOf(next) === 1 ? 1 : 0.5);
    }
    if (w === 1) addCharGrams(chars, t); // function words' n-grams would only add shared noise
  }

  const out = new Float32Array(dim);
  const scratch = new Float32Array(dim);
  mixFamily(out, words, FAMILY_WEIGHT.word, scratch);
  mixFamily(out, bigrams, FAMILY_WEIGHT.bigram, scratch);
  mixFamily(out, chars, FAMILY_WEIGHT.char, scratch);
  return l2normalise(out);
}

/** Character n-grams of `<token>` hashed without allocating substrings. */
function addCharGrams(chars: Counts, token: string): void {
  const codes = [BOUNDARY];
  for (let i = 0; i < token.length; i++) codes.push(token.charCodeAt(i));
  codes.push(BOUNDARY);
  for (let start = 0; start + CHAR_MIN <= codes.length; start++) {
    let h: number = SEED.char;
    for (let n = 1; n <= CHAR_MAX && start + n <= codes.length; n++) {
      h = fnvStep(h, codes[start + n - 1]!);
      if (n >= CHAR_MIN) add(chars, fmix(h ^ n), 1);
    }
  }
}

/** Why a text cannot be embedded (also said by the text-embedding threads). */
export const NO_WORDS = 'the text has no letters, digits or emoji to embed';

/** The refusal of an input that carries no text (also the pooled embedder's, before any work). */
export function noTextError(index: number): EmbedInputError {
  return new EmbedInputError(`no text; ${TEXT_EMBEDDER_ID} embeds text only (data.text.raw)`, index);
}

export class HashingTextEmbedder implements Embedder {
  readonly id = TEXT_EMBEDDER_ID;
  readonly kind = 'text' as const;
  readonly dim: number;

  constructor(dim: number = TEXT_DIM) {
    if (!Number.isInteger(Math.log2(dim))) throw new Error(`dim must be a power of two, got ${dim}`);
    this.dim = dim;
  }

  /** Nothing to load; present so every built-in embedder can be warmed up the same way. */
  async load(): Promise<void> {}

  async embed(batch: EmbedInput[]): Promise<Float32Array[]> {
    return batch.map((input, index) => {
      if (typeof input.text !== 'string') throw noTextError(index);
      const v = embedText(input.text, this.dim);
      if (!v) {
        throw new EmbedInputError(NO_WORDS, index);
      }
      return v;
    });
  }
}
