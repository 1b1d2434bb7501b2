import { isProcessed } from '../../domain/base-workflow.js';
import { ApiError } from '../../domain/errors.js';
import type { Input } from '../../domain/inputs.js';
import type { JsonObject } from '../../domain/json.js';
import { Code } from '../../domain/status-codes.js';
import type { Store } from '../../ports/store.js';
import type { ApiObject } from '../core/context.js';
import type { Dispatcher, DispatchResult } from '../core/dispatcher.js';

// The bytes of an input's image, served by us as Clarifai serves its hosted copies: an image keeps
// `image.url` (uploaded bytes) and `image.hosted` {prefix, suffix, sizes} whose prefix/size/suffix
// URL answers the bytes to a request carrying the app's key — 200 with a key, 401 with a bad one,
// 404 with none (clarifai-python-grpc tests/client/test_secure_data_hosting.py).

/** Path prefix of hosted bytes on the REST port (outside /v2, so no proto binding can collide). */
export const HOSTED_PATH = '/hosted';
/** The one size we keep: the bytes as uploaded or fetched. */
export const HOSTED_SIZES = ['orig'] as const;

const suffixOf = (i: Pick<Input, 'userId' | 'appId' | 'id'>): string => `users/${i.userId}/apps/${i.appId}/inputs/${i.id}`;

/**
 * `image.hosted` (and `image.url` for uploaded bytes) of an image input whose bytes we hold: uploaded
 * ones at once, fetched ones once processing stored them. Undefined when there are none (yet).
 */
export function hostedImageFields(i: Input, base: string | undefined): { url?: string; hosted: ApiObject } | undefined {
  if (!base || i.kind !== 'image') return undefined;
  const hasBytes = i.imageUrl === null || isProcessed(i.status.code);
  if (!hasBytes) return undefined;
  const prefix = `${base}${HOSTED_PATH}`;
  const hosted = { prefix, suffix: suffixOf(i), sizes: [...HOSTED_SIZES] };
  return i.imageUrl === null ? { url: `${prefix}/${HOSTED_SIZES[0]}/${hosted.suffix}`, hosted } : { hosted };
}

const CONTENT_TYPES: Record<string, string> = {
  JPEG: 'image/jpeg',
  PNG: 'image/png',
  WEBP: 'image/webp',
  GIF: 'image/gif',
  TIFF: 'image/tiff',
  AVIF: 'image/avif',
};

export interface HostedBytes {
  bytes: Uint8Array;
  contentType: string;
}

export type HostedReader = (
  p: { size: string; userId: string; appId: string; inputId: string },
  authorization: string | undefined,
) => Promise<{ ok: true; value: HostedBytes } | { ok: false; result: DispatchResult }>;

/** Reads hosted bytes behind GetInput's checks (key, scope Inputs_Get, app access): whoever may read the input may read its image. */
export function hostedImageReader(store: Store, dispatcher: Dispatcher): HostedReader {
  return (p, authorization) =>
    dispatcher.runAs('GetInput', 'app-read', { user_app_id: { user_id: p.userId, app_id: p.appId }, input_id: p.inputId }, authorization, async (ctx) => {
      const missing = (why: string): ApiError =>
        new ApiError(
          Code.CONN_DOES_NOT_EXIST,
          `${why}; hosted URLs are ${HOSTED_PATH}/{size}/users/{user_id}/apps/{app_id}/inputs/{input_id}, as image.hosted of GetInput gives them.`,
        );
      if (!(HOSTED_SIZES as readonly string[]).includes(p.size)) throw missing(`Size '${p.size}' is not kept (only ${HOSTED_SIZES.join(', ')})`);
      const input = await store.inputs.get(ctx.app!.userId, ctx.app!.id, p.inputId);
      if (!input) throw missing(`Input '${p.inputId}' does not exist in app '${ctx.app!.userId}/${ctx.app!.id}'`);
      const bytes = input.kind === 'image' ? await store.inputs.imageBytes(input.pk) : undefined;
      if (!bytes)
        throw missing(
          `Input '${p.inputId}' has no image bytes here${input.kind === 'image' ? ' yet (its URL is fetched while it is processed)' : ' (it is a text input)'}`,
        );
      const format = String((input.imageInfo as JsonObject | null)?.format ?? '');
      return { bytes, contentType: CONTENT_TYPES[format] ?? 'application/octet-stream' };
    });
}
