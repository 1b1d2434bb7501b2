/**
 * PostModelVersionsUpload from a test: over gRPC as Clarifai's clients stream it (upload_config, then
 * content_parts, every answer collected), over REST as one POST of the package to the upload route.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { messageCodec } from '../../src/proto/message-codec.js';
import type { Harness } from './both.js';
import { type ApiObject, testProtos } from './clients.js';
import { type Api, sleep } from './models.js';
import { TEST_PAT } from './server.js';

export interface UploadResult {
  /** Every answer of the stream, in order (REST: the one answer). */
  answers: ApiObject[];
  /** The last answer. */
  last: ApiObject;
  /** REST's HTTP status; 200 for gRPC. */
  http: number;
}

export interface UploadOptions {
  modelVersion?: ApiObject;
  /** Bytes per content_part over gRPC. */
  partBytes?: number;
  /** total_size to announce (default: the package's size). */
  totalSize?: number;
  /** Messages to send instead of the usual ones (gRPC only). */
  messages?: ApiObject[];
  token?: string;
}

export function grpcUploadStream(port: number, token: string = TEST_PAT): grpc.ClientDuplexStream<ApiObject, ApiObject> {
  const rpc = testProtos().rpcs.get('PostModelVersionsUpload')!;
  const req = messageCodec(rpc.requestType);
  const res = messageCodec(rpc.responseType);
  const Ctor = grpc.makeGenericClientConstructor(
    {
      PostModelVersionsUpload: {
        path: '/clarifai.api.V2/PostModelVersionsUpload',
        requestStream: true,
        responseStream: true,
        requestSerialize: (o: ApiObject) => req.encode(o),
        requestDeserialize: (b: Buffer) => req.decode(b),
        responseSerialize: (o: ApiObject) => res.encode(o),
        responseDeserialize: (b: Buffer) => res.decode(b),
      },
    },
    'V2',
  );
  const client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    PostModelVersionsUpload(md: grpc.Metadata): grpc.ClientDuplexStream<ApiObject, ApiObject>;
  };
  const md = new grpc.Metadata();
  md.set('authorization', `Key ${token}`);
  const call = client.PostModelVersionsUpload(md);
  call.on('close', () => client.close());
  return call;
}

export async function uploadPackage(h: Harness, uai: ApiObject, modelId: string, bytes: Uint8Array, opts: UploadOptions = {}): Promise<UploadResult> {
  const mv = opts.modelVersion ?? {};
  if (h.api.transport === 'rest') {
    const q = new URLSearchParams();
    if (Object.keys(mv).length > 0) q.set('model_version', JSON.stringify(mv));
    const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/v2/users/${uai.user_id}/apps/${uai.app_id}/models/${modelId}/versions/upload?${q}`, {
      method: 'POST',
      headers: { authorization: `Key ${opts.token ?? TEST_PAT}`, 'content-type': 'application/octet-stream' },
      body: Buffer.from(bytes),
    });
    const last = (await res.json()) as ApiObject;
    return { answers: [last], last, http: res.status };
  }
  const call = grpcUploadStream(h.server.grpcPort, opts.token);
  const answers: ApiObject[] = [];
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (a: ApiObject) => answers.push(a));
    call.on('end', () => resolve());
    call.on('error', reject);
  });
  const part = opts.partBytes ?? 64 * 1024;
  const messages = opts.messages ?? [
    { upload_config: { user_app_id: uai, model_id: modelId, model_version: mv, total_size: String(opts.totalSize ?? bytes.length) } },
    ...Array.from({ length: Math.ceil(bytes.length / part) }, (_, i) => ({
      content_part: {
        data: Buffer.from(bytes.subarray(i * part, (i + 1) * part)).toString('base64'),
        part_number: String(i + 1),
        range_start: String(i * part),
      },
    })),
  ];
  for (const m of messages) call.write(m);
  call.end();
  await done;
  return { answers, last: answers[answers.length - 1] ?? {}, http: 200 };
}

/** Polls an uploaded version until its check is over (no longer 21107 MODEL_BUILDING): the version as it ended. */
export async function waitBuilt(api: Api, uai: ApiObject, modelId: string, versionId: string, timeoutMs = 30_000): Promise<ApiObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
    if (v.status.code !== 21107) return v;
    assert.ok(Date.now() < deadline, `still building: ${JSON.stringify(v.status)}`);
    await sleep(50);
  }
}
