import { UsageError } from '../errors.js';

export interface AppRef {
  userId: string;
  appId: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** `user/app`, or a bare `app` of the caller (user `me`). */
export function parseAppRef(value: string, source = '--app'): AppRef {
  const parts = value.split('/');
  if (parts.length === 1 && ID.test(parts[0]!)) return { userId: 'me', appId: parts[0]! };
  if (parts.length === 2 && ID.test(parts[0]!) && ID.test(parts[1]!)) return { userId: parts[0]!, appId: parts[1]! };
  throw new UsageError(`${source} must be <user>/<app> or <app> (got ${JSON.stringify(value)})`);
}

export const formatAppRef = (a: AppRef): string => `${a.userId}/${a.appId}`;
