import type { FastifyInstance } from 'fastify';
import { JsonCodecError } from '../../proto/json-codec.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Every body is JSON: Clarifai's clients do not always send a content type (curl -d, DELETE bodies).
 * Read as bytes and decoded strictly: bytes that are not UTF-8 would otherwise become U+FFFD unseen.
 */
export function parseEveryBodyAsJson(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    let text: string;
    try {
      text = STRICT_UTF8.decode(body as Buffer).trim();
    } catch {
      return done(new JsonCodecError('', 'the body is not valid UTF-8; send JSON text encoded as UTF-8'), undefined);
    }
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new JsonCodecError('', `the body is not valid JSON (${(e as Error).message})`), undefined);
    }
  });
}
