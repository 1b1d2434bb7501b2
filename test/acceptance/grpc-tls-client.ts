/**
 * Child process of official-grpc-client.test.ts (not a test file itself): drives modelkeep over TLS
 * with the official `ClarifaiStub.grpc(addr)` exactly as its README shows. It runs in its own process
 * because grpc-js reads GRPC_DEFAULT_SSL_ROOTS_FILE_PATH once, when it is first loaded; the parent
 * sets that variable (or not) in this process's environment.
 *
 * Usage: MK_GRPC_ADDR=localhost:PORT MK_PAT=... node --import tsx grpc-tls-client.ts flow|probe
 * Prints one JSON line: {steps: {...responses}} or {error: {code, details}}.
 */
import { createRequire } from 'node:module';

type Obj = Record<string, any>;
type Stub = Record<string, (req: Obj, md: unknown, opts: Obj, cb: (err: (Error & { code?: number; details?: string }) | null, res: Obj) => void) => void>;

const require = createRequire(import.meta.url);
const { ClarifaiStub, grpc } = require('clarifai-nodejs-grpc') as {
  ClarifaiStub: { grpc(base?: string): Stub };
  grpc: { Metadata: new () => { set(k: string, v: string): void } };
};

const addr = process.env.MK_GRPC_ADDR!;
const pat = process.env.MK_PAT!;
const stub = ClarifaiStub.grpc(addr);

function call(method: string, req: Obj, key = pat): Promise<Obj> {
  const md = new grpc.Metadata();
  md.set('authorization', `Key ${key}`);
  return new Promise((resolve, reject) => {
    stub[method]!.call(stub, req, md, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function flow(): Promise<Obj> {
  const steps: Obj = {};
  const uai = { user_id: 'me', app_id: 'tls-app' };
  steps.listApps = await call('ListApps', { user_app_id: { user_id: 'me' } });
  steps.postApps = await call('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'tls-app' }] });
  steps.postModels = await call('PostModels', { user_app_id: uai, model: { id: 'pets', notes: 'my pets' } });
  steps.postModelVersions = await call('PostModelVersions', {
    user_app_id: uai,
    model_id: 'pets',
    model_versions: [
      {
        output_info: {
          data: {
            concepts: [
              { id: 'cat', value: 1 },
              { id: 'dog', value: 1 },
            ],
          },
        },
      },
    ],
  });
  const vid = steps.postModelVersions.model?.model_version?.id as string;
  steps.getModelVersion = await call('GetModelVersion', { user_app_id: uai, model_id: 'pets', version_id: vid });
  steps.patchModels = await call('PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'pets', description: 'Pets and more' }] });
  steps.patchModelVersions = await call('PatchModelVersions', {
    user_app_id: uai,
    model_id: 'pets',
    action: 'merge',
    // google.protobuf.Value is protobufjs's built-in wrapper type: its fields are camelCase even with keepCase.
    model_versions: [{ id: vid, description: 'v1', output_info: { params: { fields: { max_concepts: { numberValue: 5 } } } } }],
  });
  steps.listModels = await call('ListModels', { user_app_id: uai });
  steps.getModelOutputInfo = await call('GetModelOutputInfo', { user_app_id: uai, model_id: 'pets' });
  steps.deleteModel = await call('DeleteModel', { user_app_id: uai, model_id: 'pets' });
  steps.getDeleted = await call('GetModel', { user_app_id: uai, model_id: 'pets' });
  steps.getMissing = await call('GetModel', { user_app_id: uai, model_id: 'no-such-model' });
  steps.wrongKey = await call('ListApps', { user_app_id: { user_id: 'me' } }, 'wrong-key-0123456789abcdef');
  return steps;
}

const mode = process.argv[2] ?? 'flow';
try {
  const result = mode === 'probe' ? { probe: await call('ListApps', { user_app_id: { user_id: 'me' } }) } : { steps: await flow() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (e) {
  const err = e as { code?: number; details?: string; message?: string };
  process.stdout.write(`${JSON.stringify({ error: { code: err.code, details: err.details ?? err.message } })}\n`);
}
process.exit(0);
