import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { ApiObject } from './clients.js';
import type { Api } from './models.js';

/** A small solid-colour PNG, base64-encoded (distinct colours give distinct images). */
export async function pngBase64(rgb: [number, number, number], size = 32): Promise<string> {
  const png = await sharp({ create: { width: size, height: size, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
  return png.toString('base64');
}

const DONE = new Set([30000, 30002]);

/** Polls GetInput until processing ends (30000 / 30002); the first image loads the image model, hence the long limit. */
export async function waitForInput(api: Api, uai: ApiObject, inputId: string, timeoutMs = 120_000): Promise<ApiObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await api.ok('GetInput', { user_app_id: uai, input_id: inputId });
    if (DONE.has(body.input.status.code)) return body.input;
    assert.ok(Date.now() < deadline, `input ${inputId} still ${JSON.stringify(body.input.status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const textInput = (id: string, raw: string, concepts: [string, number][] = [], extra: ApiObject = {}): ApiObject => ({
  id,
  data: { text: { raw }, concepts: concepts.map(([cid, value]) => ({ id: cid, value })) },
  ...extra,
});

/** An HTTP server on 127.0.0.1 serving fixed bodies by path; anything else is 404. */
export async function fileServer(files: Record<string, Buffer>): Promise<{ url: (p: string) => string; close(): Promise<void>; server: Server }> {
  const server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end('no such file');
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: (p) => `http://127.0.0.1:${port}${p}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Labels of an API input as [id, value] pairs (gRPC leaves a 0 value out). */
export const labelsOf = (input: ApiObject): [string, number][] => (input.data?.concepts ?? []).map((c: ApiObject) => [c.id, c.value ?? 0]);
