import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package required on the first call rather than imported at start-up (the start-up ADR,
 * 0018's addenda), for code that needs it synchronously; async code uses `await import()` instead.
 * `T` is the package's type: `onFirstUse<typeof import('piscina')>('piscina')`.
 */
export function onFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}
