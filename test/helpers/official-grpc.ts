import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';

type Callback<Res> = (err: grpc.ServiceError | null, res: Res) => void;
type UnaryMethod<Req, Res> = (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: Callback<Res>) => unknown;

/**
 * A promise-returning caller for the official clarifai-nodejs-grpc client's callback methods, sending
 * `Authorization: Key <pat>` and a 30 s deadline: `const unary = officialUnary(PAT); await unary(client.getInput.bind(client), req)`.
 */
export function officialUnary(pat: string) {
  return <Req, Res>(fn: UnaryMethod<Req, Res>, req: Req): Promise<Res> => {
    const md = new grpc.Metadata();
    md.set('authorization', `Key ${pat}`);
    return new Promise((resolve, reject) => {
      fn(req, md, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  };
}

/** Asserts a response message of the official client carries SUCCESS, naming the status otherwise. */
export const assertSuccess = (res: { getStatus(): { getCode(): number; getDescription(): string; getDetails(): string } | undefined }): void =>
  assert.equal(res.getStatus()?.getCode(), 10000, `${res.getStatus()?.getDescription()}: ${res.getStatus()?.getDetails()}`);
