import assert from 'node:assert/strict';
import { it } from 'node:test';
import { asJson, type CallContext, typedRpcs } from './context.js';

// The type checks are the point (npm test type-checks first): an unused @ts-expect-error fails tsc.
it('typedRpcs checks each handler against its RPC, then hands the table on untyped', async () => {
  const rpcs = typedRpcs({
    GetModel: { access: 'app-read', handle: (_ctx, req) => ({ model: { id: req.model_id ?? '', name: req.version_id ?? '' } }) },
  });
  typedRpcs({
    // @ts-expect-error GetModelRequest has no field model_idd
    GetModel: { access: 'app-read', handle: (_ctx, req) => ({ model: { id: req.model_idd } }) },
  });
  typedRpcs({
    // @ts-expect-error SingleModelResponse.model.id is a string
    GetModel: { access: 'app-read', handle: () => ({ model: { id: 7 } }) },
  });
  // @ts-expect-error GetModle is not an RPC of clarifai.api.V2
  typedRpcs({ GetModle: { access: 'app-read', handle: () => ({}) } });
  const answer = await rpcs.GetModel.handle({} as CallContext, { model_id: 'm1', version_id: 'v1' });
  assert.deepEqual(answer, { model: { id: 'm1', name: 'v1' } });
});

it('asJson turns a typed message into the domain JSON it already is', () => {
  const info = { output_config: { max_concepts: 3 } };
  assert.equal(asJson(info), info);
  assert.deepEqual(asJson(undefined), {});
});
