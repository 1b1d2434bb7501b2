import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { curlFor } from '../curl.js';
import { navigate } from '../nav.js';
import type { Chip as ChipData } from '../version-status.js';

export function Link(props: { href: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' | undefined }): JSX.Element {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} onClick={onClick} class={props.class} aria-current={props['aria-current']}>
      {props.children}
    </a>
  );
}

/** An API error as Clarifai reports it: code, description, details, request id. Never swallowed. */
export function ErrorBox({ error }: { error: unknown }): JSX.Element | null {
  if (!error) return null;
  if (error instanceof ApiFailure) {
    return (
      <div class="error" role="alert">
        <strong>
          {error.code ? `${error.code} ` : ''}
          {error.description}
        </strong>
        {error.details && <p>{error.details}</p>}
        {error.reqId && <small>req_id {error.reqId}</small>}
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      <strong>{String((error as Error).message ?? error)}</strong>
    </div>
  );
}

export function Chip({ chip }: { chip: ChipData }): JSX.Element {
  return <span class={`chip chip-${chip.tone}`}>{chip.label}</span>;
}

export interface Load<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `fn` when `deps` change (and on reload); an older answer never overwrites a newer one. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Load<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    fn().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error: unknown) => mine === seq.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Runs an action (create, patch, delete), keeping its error to show and a busy flag for the button. */
export function useAction(): { busy: boolean; error: unknown; run: (fn: () => Promise<unknown>) => Promise<boolean>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(undefined) };
}

/** The equivalent curl of a request, with a copy button. */
export function Curl({ method, path, body }: { method: string; path: string; body?: unknown }): JSX.Element {
  const text = curlFor(method, location.origin, path, body);
  return (
    <details class="curl">
      <summary>Equivalent curl</summary>
      <pre>{text}</pre>
      <CopyButton text={text} label="Copy curl" />
    </details>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }): JSX.Element {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch {
      setDone(false);
    }
  };
  return (
    <button type="button" class="secondary" onClick={copy}>
      {done ? 'Copied' : label}
    </button>
  );
}

/** API paging: Clarifai lists have no total, so "next" is offered while a page comes back full. */
export function Pager({ page, perPage, count, onPage }: { page: number; perPage: number; count: number; onPage: (p: number) => void }): JSX.Element {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" class="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous
      </button>
      <span>Page {page}</span>
      <button type="button" class="secondary" disabled={count < perPage} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </nav>
  );
}

export const when = (iso: unknown): string => {
  if (typeof iso !== 'string' || !iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

export function Field(props: { label: string; children: ComponentChildren; hint?: string; error?: string | undefined; id: string }): JSX.Element {
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <small id={`${props.id}-hint`}>{props.hint}</small>}
      {props.error && (
        <small class="field-error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}
