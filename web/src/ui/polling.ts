import { useEffect, useRef } from 'preact/hooks';
import { Poller } from '../poller.js';

const browserEnv = {
  visible: () => document.visibilityState === 'visible',
  setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
  clearInterval: (h: unknown) => clearInterval(h as ReturnType<typeof setInterval>),
};

/**
 * Calls `tick` every `everyMs` (never more than once a second) while `active`, and not while the tab
 * is hidden (rules in poller.ts): an open console must not load the API. A tab coming back ticks at once.
 */
export function usePolling(tick: () => void, active: boolean, everyMs = 1000): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const poller = new Poller(() => latest.current(), everyMs, browserEnv);
    const onVisibility = () => poller.visibilityChanged();
    poller.start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      poller.stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [active, everyMs]);
}
