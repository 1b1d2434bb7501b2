import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyReply } from 'fastify';
import { Code } from '../../domain/status-codes.js';
import { loadClarifaiProtos } from '../../proto/load.js';
import type { DispatchResult } from '../../service/core/dispatcher.js';
import type { ApiStatus } from '../../service/core/status.js';
import { seal } from '../../service/reuse/sealed.js';
import { sendResult } from './replies.js';

/** The payload sendResult hands to Fastify, as text. */
function sent(r: DispatchResult, type?: Parameters<typeof sendResult>[2]): { text: string; buffer: boolean; http: number } {
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
  sendResult(reply as unknown as FastifyReply, r, type);
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

  it("with the response type, prints float fields in float32's shortest form, shared parts included (ADR 0047)", () => {
    const type = loadClarifaiProtos().type('MultiOutputResponse');
    const model = seal({ id: 'm', output_info: { output_config: { min_value: 1 / 3 } } });
    const outputs = Array.from({ length: 300 }, (_, i) => ({ id: `o${i}`, model, data: { concepts: [{ id: 'c', value: Math.fround(i / 301) }] } }));
    const got = sent(result({ outputs }), type).text;
    assert.equal(got.match(/"min_value":0\.33333334}/g)?.length, 300);
    const values = (JSON.parse(got).outputs as { data: { concepts: { value: number }[] } }[]).map((o) => o.data.concepts[0]!.value);
    assert.deepEqual(
      values.map((v) => Math.fround(v)),
      outputs.map((o) => o.data.concepts[0]!.value),
      'the same float32s',
    );
    assert.ok(!/\d\.\d{10,}/.test(got), 'no float64 digits');
    assert.equal(sent(result({ outputs }), undefined).text, JSON.stringify({ status, outputs }), 'without a type: as before');
  });
});
