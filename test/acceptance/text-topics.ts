// The text acceptance set (test/acceptance/text-classifier-accuracy.test.ts), also used by the
// calibration bench (bench/calibration.ts): 3 topics, seeded generated training sentences and
// hand-written held-out ones.
import { createRng } from '../../src/ml/classifier/rng.js';

export const TOPICS = {
  weather: {
    words: [
      'rain',
      'storm',
      'clouds',
      'wind',
      'snow',
      'thunder',
      'forecast',
      'sunshine',
      'fog',
      'temperature',
      'drizzle',
      'hail',
      'cold',
      'windy',
      'cloudy',
      'humid',
      'freezing',
      'sunny',
      'stormy',
      'umbrella',
    ],
    heldOut: [
      'heavy rain and strong wind are expected tomorrow',
      'the forecast says snow and freezing fog tonight',
      'thunder and hail woke the whole street up',
      'it will be sunny but cold, with a few clouds later',
      'a humid afternoon before the storm arrives',
    ],
  },
  cooking: {
    words: [
      'oven',
      'recipe',
      'flour',
      'butter',
      'garlic',
      'onions',
      'sauce',
      'pan',
      'dough',
      'soup',
      'kitchen',
      'spices',
      'bake',
      'simmer',
      'chop',
      'stir',
      'fry',
      'roast',
      'salt',
      'pepper',
    ],
    heldOut: [
      'chop the garlic and fry it in butter',
      'let the soup simmer while the dough rests',
      'this recipe needs flour, salt and a hot oven',
      'roast the onions in a heavy pan with spices',
      'stir the sauce slowly and add some pepper',
    ],
  },
  football: {
    words: [
      'goal',
      'striker',
      'referee',
      'penalty',
      'match',
      'stadium',
      'keeper',
      'league',
      'fans',
      'coach',
      'midfield',
      'team',
      'scored',
      'tackle',
      'offside',
      'corner',
      'season',
      'defender',
      'kickoff',
      'trophy',
    ],
    heldOut: [
      'the striker scored a late penalty to win the match',
      'the referee gave offside after the corner',
      'fans filled the stadium for the league final',
      'our keeper saved a shot in the last minute of the match',
      'the coach moved a defender into midfield this season',
    ],
  },
} as const;
export type Topic = keyof typeof TOPICS;
export const CONCEPTS = Object.keys(TOPICS) as Topic[];

const FILLERS = ['today', 'again', 'this morning', 'all week', 'last night', 'as usual', 'for once', 'right now', 'so much', 'honestly'];
const TEMPLATES = [
  'the {a} and the {b} {f}',
  'we talked about {a} {f}',
  'so much {a}, {b} and {c}',
  'i think the {a} was {b} {f}',
  '{a} {b} {f}, then {c}',
  'there was {a} and {b} everywhere {f}',
  'nothing but {a} {f}',
  'what about the {a} and {b}?',
];

/** 20 sentences per topic from its words, the shared templates and fillers (seeded: the same set every run). */
export function trainingSentences(perTopic: number, seed: number): { text: string; concept: Topic }[] {
  const rng = createRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const out: { text: string; concept: Topic }[] = [];
  for (const concept of CONCEPTS) {
    const seen = new Set<string>();
    while (seen.size < perTopic) {
      const text = pick(TEMPLATES)
        .replace('{a}', pick(TOPICS[concept].words))
        .replace('{b}', pick(TOPICS[concept].words))
        .replace('{c}', pick(TOPICS[concept].words))
        .replace('{f}', pick(FILLERS));
      if (!seen.has(text)) seen.add(text);
    }
    for (const text of seen) out.push({ text, concept });
  }
  return out;
}

/** The hand-written held-out sentences, each with its topic. */
export const heldOutSentences = (): { text: string; concept: Topic }[] =>
  CONCEPTS.flatMap((concept) => TOPICS[concept].heldOut.map((text) => ({ text, concept })));
