import { randomUUID } from 'node:crypto';
import { invalidArgument } from './errors.js';

/** API-DECISIONS row 13: server ids are 32 lowercase hex characters. */
export const newId = (): string => randomUUID().replace(/-/g, '');

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
