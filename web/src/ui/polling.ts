import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `tick` every `everyMs` (never more than once a second) while `active`, and not while the tab
 * is hidden: an open console must not load the API (issue 15). A tab coming back ticks at once.
 */
export function usePolling(tick: () => void, active: boolean, everyMs = 1000): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const period = Math.max(1000, everyMs);
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      if (timer === undefined && document.visibilityState === 'visible') timer = setInterval(() => latest.current(), period);
    };
    const stop = () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') {
        latest.current();
        start();
      } else stop();
    };
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [active, everyMs]);
}
