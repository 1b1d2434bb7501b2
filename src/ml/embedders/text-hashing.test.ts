import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dot, EmbedInputError, embedSettled, lazy } from './embedder.js';
import { builtInEmbedders, TEXT_EMBEDDER_ID } from './registry.js';
import { embedText, HashingTextEmbedder, TEXT_DIM, tokenize } from './text-hashing.js';

const cos = (a: string, b: string): number => dot(embedText(a)!, embedText(b)!);

describe('general-text-embedding (hashing)', () => {
  const embedder = new HashingTextEmbedder();

  it('is deterministic across calls and instances', async () => {
    const text = 'Deterministic: the same text gives the same vector, byte for byte.';
    const [a] = await embedder.embed([{ text }]);
    const [b] = await new HashingTextEmbedder().embed([{ text }]);
    assert.deepEqual(a, b);
  });

  it('returns unit vectors of the declared dim, one per input in order', async () => {
    const texts = ['one', 'Two words', 'a much longer sentence with many words in it, repeated repeated repeated', '東京', '👍'];
    const vs = await embedder.embed(texts.map((text) => ({ text })));
    assert.equal(vs.length, texts.length);
    for (const v of vs) {
      assert.equal(v.length, TEXT_DIM);
      assert.ok(Math.abs(Math.sqrt(dot(v, v)) - 1) < 1e-5);
    }
    assert.ok(dot(vs[0]!, vs[1]!) < 0.5, 'different inputs must not collapse to one vector');
  });

  it('scores paraphrases above unrelated sentences', () => {
    const triples: Array<[string, string, string]> = [
      ['The small cat sleeps on the sofa', 'A little cat is sleeping on the couch', 'Stock markets fell after the rate decision'],
      ['How do I reset my password?', 'I forgot my password and need to reset it', 'The weather in Paris is sunny today'],
      ['Great food and friendly staff', 'The staff were friendly and the food was great', 'My flight was delayed by three hours'],
      ['我喜欢猫', '我很喜欢小猫', '今天天气很好'],
      ['Le chat dort sur le canapé', 'le chat dormait sur le canape', 'La bourse a chuté hier'],
    ];
    for (const [anchor, similar, unrelated] of triples) {
      const near = cos(anchor, similar);
      const far = cos(anchor, unrelated);
      assert.ok(near > far + 0.15, `${anchor}: similar ${near.toFixed(3)} vs unrelated ${far.toFixed(3)}`);
      assert.ok(Math.abs(far) < 0.1, `unrelated ${far.toFixed(3)} should be near 0`);
    }
  });

  it('sees morphology, spelling variants and accents through character n-grams', () => {
    assert.ok(cos('colour', 'color') > 0.1);
    assert.ok(cos('running quickly', 'runs quick') > cos('running quickly', 'sat slowly'));
    assert.ok(cos('Café crème', 'cafe creme') > 0.999);
    assert.ok(cos('HELLO World', 'hello world') > 0.999);
  });

  it('keeps negations (they change meaning) but damps other function words', () => {
    assert.ok(cos('this film was good', 'this film was not good') < 0.95);
    assert.ok(cos('the of and a to', 'cat') < 0.05);
    assert.ok(cos('a cat on the mat', 'the cat on a mat') > 0.8, 'articles matter little');
  });

  it('tokenizes unicode text', () => {
    assert.deepEqual(tokenize("Don't STOP — naïve café 😀 in 東京, 2024!"), ['dont', 'stop', 'naive', 'cafe', '😀', 'in', '東', '京', '2024']);
    assert.deepEqual(tokenize('नमस्ते दुनिया'), ['नमस्ते', 'दुनिया'], 'Devanagari vowel signs are kept');
    assert.deepEqual(tokenize('?!… ---'), []);
  });

  it('rejects inputs it cannot embed with an EmbedInputError naming the input', async () => {
    await assert.rejects(embedder.embed([{ text: 'ok' }, { imageBytes: new Uint8Array([1]) }]), (err: unknown) => {
      assert.ok(err instanceof EmbedInputError);
      assert.equal(err.index, 1);
      assert.match(err.message, /no text/);
      return true;
    });
    await assert.rejects(embedder.embed([{ text: ' ?! ' }]), /no letters, digits or emoji/);
  });

  it('embedSettled reports bad inputs one by one and keeps the good ones', async () => {
    const out = await embedSettled(embedder, [{ text: 'good' }, { text: '' }, { text: 'also good' }]);
    assert.deepEqual(
      out.map((o) => o.ok),
      [true, false, true],
    );
    assert.equal(!out[1]?.ok && out[1]?.error.index, 1);
    const [good] = await embedder.embed([{ text: 'good' }]);
    assert.deepEqual(out[0]?.ok && out[0].vector, good);
  });

  it('lazy shares one load between concurrent callers and retries after a failure', async () => {
    let calls = 0;
    const load = lazy(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return calls;
    });
    await assert.rejects(Promise.all([load(), load()]), /boom/);
    assert.equal(calls, 1);
    assert.deepEqual(await Promise.all([load(), load()]), [2, 2]);
    assert.equal(calls, 2);
  });

  it('is registered under its model id', () => {
    const e = builtInEmbedders().get(TEXT_EMBEDDER_ID);
    assert.equal(e?.kind, 'text');
    assert.equal(e?.dim, TEXT_DIM);
    assert.equal(builtInEmbedders(), builtInEmbedders(), 'one instance per process');
  });

  it('is fast (diagnostic: texts/s)', async (t) => {
    const texts = Array.from({ length: 5000 }, (_, i) => ({
      text: `Review ${i}: the delivery was quick and the product works exactly as described, would buy again.`,
    }));
    await embedder.embed(texts.slice(0, 200)); // JIT warm-up
    const start = performance.now();
    await embedder.embed(texts);
    const perSecond = texts.length / ((performance.now() - start) / 1000);
    t.diagnostic(`${Math.round(perSecond)} texts/s (18-word sentences, dim ${TEXT_DIM})`);
    assert.ok(perSecond > 300, `only ${Math.round(perSecond)} texts/s`);
  });
});
