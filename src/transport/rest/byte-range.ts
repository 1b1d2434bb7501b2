/**
 * One `Range: bytes=…` request header against a body of `size` bytes (RFC 9110 §14): Clarifai's
 * Python client downloads an export in ranges. Several ranges in one header are answered whole
 * (allowed: a server may ignore Range), an unsatisfiable one is 'unsatisfiable' (416).
 */
export type ByteRange = { start: number; end: number } | 'whole' | 'unsatisfiable';

export function byteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return 'whole';
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'whole';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
