import assert from 'node:assert/strict';
import { it } from 'node:test';
import { builtInEmbedders } from '../../src/ml/embedders/registry.js';
import { fetchPolicy } from '../../src/net/fetch-policy.js';
import { GuardedFetch } from '../../src/net/guarded-fetch.js';
import { systemClock } from '../../src/ports/clock.js';
import { InputProcessor } from '../../src/processing/input-processor.js';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { textInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';

// Issue 18 item 7, decision 0034: apps take turns in the processing queue, so one app's backlog
// does not hold another app's inputs behind it (claims were oldest first across all apps before).
// The server runs without its processor (NO_WORKER) so the queue is built first; then one real
// processor round of 8 runs on the server's store, and the API shows what it took.

describeBoth(
  'input processing: fair across apps',
  (h) => {
    const api = apiOf(h);

    it("another app's text input is processed in the first round while a 512-input backlog of one app waits", async () => {
      const busy = await newApp(api, uid('busy'));
      const other = await newApp(api, uid('other'));
      for (let b = 0; b < 4; b++) {
        const inputs = Array.from({ length: 128 }, (_, i) => textInput(`a${b * 128 + i}`, `backlog text number ${b * 128 + i}`));
        await api.ok('PostInputs', { user_app_id: busy, inputs });
      }
      await api.ok('PostInputs', { user_app_id: other, inputs: [textInput('b', 'a text of another app')] });
      const processor = new InputProcessor(
        h.server.store,
        builtInEmbedders(),
        systemClock,
        { warn: () => undefined, info: () => undefined },
        new GuardedFetch(fetchPolicy()),
        { batchSize: 8 },
      );
      assert.equal(await processor.runOnce(), 8);
      // Oldest first, 'b' would have come after all 512; it takes its turn after the busy app's first.
      assert.equal((await api.ok('GetInput', { user_app_id: other, input_id: 'b' })).input.status.code, 30000);
      const counts = (await api.ok('GetInputCount', { user_app_id: busy })).counts;
      assert.deepEqual([counts.processed, counts.to_process], [7, 505]);
      assert.equal((await api.ok('GetInput', { user_app_id: busy, input_id: 'a0' })).input.status.code, 30000, 'the busy app keeps its own order');
    });
  },
  NO_WORKER,
);
