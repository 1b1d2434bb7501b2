import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.js';

export const ApiContext = createContext<Api | null>(null);

/** The signed-in client; pages render only inside the signed-in shell, so it is always there. */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside the signed-in console');
  return api;
}
