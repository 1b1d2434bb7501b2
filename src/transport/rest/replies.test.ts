import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyReply } from 'fastify';
import { Code } from '../../domain/status-codes.js';
import type { DispatchResult } from '../../service/core/dispatcher.js';
import type { ApiStatus } from '../../service/core/status.js';
import { seal } from '../../service/reuse/sealed.js';
import { sendResult } from './replies.js';

/** The payload sendResult hands to Fastify, as text. */
function sent(r: DispatchResult): { text: string; buffer: boolean; http: number } {
  let payload: unknown;
  let http = 0;
  const reply = {
    code(c: number) {
      http = c;
      return reply;
    },
    header: () => reply,
    send(p: unknown) {
      payload = p;
      return reply;
    },
  };
  sendResult(reply as unknown as FastifyReply, r);
  const buffer = Buffer.isBuffer(payload);
  return { text: buffer ? (payload as Buffer).toString('utf8') : (payload as string), buffer, http };
}

const status: ApiStatus = { code: Code.SUCCESS, description: 'Ok', req_id: 'r1' };
const result = (body: Record<string, unknown>): DispatchResult => ({ status, body, code: 10000, retryable: false });

describe('sendResult', () => {
  it('prints the status first, then the body, for empty, small and large bodies', () => {
    const light = seal({ id: 'm', name: 'naïve 東京 🙂', model_version: { id: 'v' } });
    const outputs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${i}`, model: light, input: { data: { text: { raw: `ü ${i} "q" \\ 🙂` } } } }));
    for (const body of [{}, { outputs: outputs(2) }, { outputs: outputs(400) }]) {
      const got = sent(result(body));
      assert.equal(got.text, JSON.stringify({ status, ...body }));
      assert.equal(got.http, 200);
    }
    assert.equal(sent(result({ outputs: outputs(400) })).buffer, true, 'a large body goes out as one Buffer');
  });

  it('prints a sealed (cached) body the same every time', () => {
    const body = seal({ models: Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, name: 'é' })) });
    const first = sent(result(body)).text;
    assert.equal(first, JSON.stringify({ status, ...body }));
    assert.equal(sent(result(body)).text, first);
  });
});
