import assert from 'node:assert/strict';
import { it } from 'node:test';
import { HashingTextEmbedder } from '../../src/ml/embedders/text-hashing.js';
import { describeBoth } from '../helpers/both.js';

// Decision 0044: with MODELKEEP_INFERENCE_THREADS, a text batch of 32k+ characters is embedded on
// worker threads; the answer is the in-process one, and an input without words keeps its own status.

const MAIN = { user_id: 'clarifai', app_id: 'main' };
const WORDS = 'server cache flight hotel recipe oven match goal café naïve 東京 don’t 42 🙂 the of'.split(' ');
const long = (i: number): string => Array.from({ length: 1000 }, (_, j) => WORDS[(i * 5 + j * 7) % WORDS.length]).join(' ');

describeBoth(
  'MODELKEEP_INFERENCE_THREADS: big text batches on threads',
  (h) => {
    it('answers the in-process vectors, and a per-input 30002 for a text without words', async () => {
      const texts = Array.from({ length: 8 }, (_, i) => long(i));
      texts.splice(5, 0, '... !!! ...');
      assert.ok(texts.reduce((s, t) => s + t.length, 0) >= 32_768, 'the batch goes to the threads');
      const res = await h.api.call('PostModelOutputs', {
        user_app_id: MAIN,
        model_id: 'general-text-embedding',
        inputs: texts.map((raw) => ({ data: { text: { raw } } })),
      });
      assert.equal(res.body.status.code, 10010, JSON.stringify(res.body.status));
      const want = new HashingTextEmbedder();
      for (const [i, o] of (res.body.outputs as { status: { code: number; details?: string }; data?: { embeddings: { vector: number[] }[] } }[]).entries()) {
        if (i === 5) {
          assert.equal(o.status.code, 30002);
          assert.match(o.status.details ?? '', /no letters, digits or emoji/);
          continue;
        }
        assert.equal(o.status.code, 10000);
        const [v] = await want.embed([{ text: texts[i]! }]);
        const got = o.data!.embeddings[0]!.vector;
        assert.equal(got.length, v!.length);
        let worst = 0;
        for (let j = 0; j < got.length; j++) worst = Math.max(worst, Math.abs(got[j]! - v![j]!));
        assert.ok(worst < 1e-5, `output ${i}: max difference ${worst}`);
      }
    });
  },
  { MODELKEEP_INFERENCE_THREADS: '1' },
);
