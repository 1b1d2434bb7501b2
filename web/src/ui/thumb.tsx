import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { hostedImagePath } from '../api.js';
import { useApi } from '../context.js';

/**
 * An input's image from its hosted bytes. Those need the key in a header, which an <img src> cannot
 * send, so the bytes are fetched and shown through a blob: URL (revoked when the card goes).
 */
export function Thumb({ hosted, alt }: { hosted: { prefix?: string; suffix?: string; sizes?: string[] } | undefined; alt: string }): JSX.Element | null {
  const api = useApi();
  const path = hostedImagePath(hosted);
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (!path) return;
    let url: string | null = null;
    let live = true;
    api.blob(path).then(
      (b) => {
        if (!live) return;
        url = URL.createObjectURL(b);
        setSrc(url);
      },
      (e: unknown) => live && setFailed(String((e as Error).message ?? e)),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path]);
  if (!path) return null;
  if (failed) return <small class="failure">{failed}</small>;
  return src ? <img class="thumb" src={src} alt={alt} loading="lazy" /> : <span class="muted">loading image…</span>;
}
