import { randomFillSync, randomUUID } from 'node:crypto';
import { invalidArgument } from './errors.js';

/** API-DECISIONS row 13: server ids are 32 lowercase hex characters. */
export const newId = (): string => randomUUID().replace(/-/g, '');

/**
 * `n` ids shaped like `newId()`'s (the digits of a random UUID v4), drawn in one go: a 128-input
 * PostModelOutputs needs up to 256.
 */
export function newIds(n: number): string[] {
  const bytes = randomFillSync(Buffer.allocUnsafe(16 * n));
  for (let o = 0; o < bytes.length; o += 16) {
    bytes[o + 6] = (bytes[o + 6]! & 0x0f) | 0x40; // version 4
    bytes[o + 8] = (bytes[o + 8]! & 0x3f) | 0x80; // RFC 4122 variant
  }
  const hex = bytes.toString('hex');
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = hex.slice(32 * i, 32 * i + 32);
  return out;
}

/** Hands out ids from batches of `batch`, drawing a new batch only when one is needed. */
export class IdPool {
  #ids: string[] = [];
  #next = 0;
  constructor(private readonly batch: number) {}

  next(): string {
    if (this.#next === this.#ids.length) {
      this.#ids = newIds(this.batch);
      this.#next = 0;
    }
    return this.#ids[this.#next++]!;
  }
}

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function isValidId(id: string): boolean {
  return USER_ID.test(id);
}

/** Throws 21202 naming the field when a user-chosen id is malformed. */
export function assertValidId(id: string, field: string): void {
  if (!isValidId(id)) {
    throw invalidArgument(
      `${field} '${id.length > 140 ? `${id.slice(0, 140)}…` : id}' is invalid: ids are 1-128 characters, start with a letter or digit, and contain only letters, digits, '_' and '-'`,
    );
  }
}
