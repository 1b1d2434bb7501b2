// The text of one raw mail message for benchmark #11 / #6 real: the Subject header (RFC 2047 words
// decoded) and the body's text/* MIME parts (multipart walked, base64 and quoted-printable decoded,
// bytes read as Latin-1, HTML tags and entities stripped; images and attachments skipped),
// whitespace collapsed, cut at 4,000 characters. The other headers are dropped: they name the
// corpus owner's own mail hosts and would make the task about the headers, not the text.

const MAX_CHARS = 4000;

const decodeQuotedPrintable = (s: string): string =>
  s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** RFC 2047 encoded words in a header (=?charset?Q?…?= / =?charset?B?…?=), bytes read as Latin-1. */
const decodeWords = (s: string): string =>
  s.replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('latin1') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );

/** Headers (folded lines unfolded) and body of one MIME entity. */
function entity(raw: string): { header(name: string): string; body: string } {
  const cut = /\r?\n\r?\n/.exec(raw);
  const head = cut ? raw.slice(0, cut.index) : raw;
  const body = cut ? raw.slice(cut.index + cut[0].length) : '';
  const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  return {
    header: (name) =>
      lines
        .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        ?.slice(name.length + 1)
        .trim() ?? '',
    body,
  };
}

const stripHtml = (s: string): string =>
  s
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/gi, (m, e: string) => (e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : (ENTITIES[e.toLowerCase()] ?? m)));

/** The readable text of a MIME entity: text/* parts decoded (base64, quoted-printable), HTML stripped; other parts skipped. */
function textParts(e: { header(name: string): string; body: string }, depth = 0): string[] {
  const type = e.header('content-type').toLowerCase() || 'text/plain';
  if (type.startsWith('multipart/') && depth < 5) {
    const boundary = /boundary="?([^";]+)"?/i.exec(e.header('content-type'))?.[1];
    if (boundary) {
      const parts = e.body.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \t]*$`, 'm')).slice(1);
      return parts.flatMap((p) => textParts(entity(p.replace(/^\r?\n/, '')), depth + 1));
    }
  }
  if (!type.startsWith('text/')) return [];
  const encoding = e.header('content-transfer-encoding').toLowerCase();
  let text =
    encoding === 'base64'
      ? Buffer.from(e.body.replace(/\s+/g, ''), 'base64').toString('latin1')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(e.body)
        : e.body;
  if (type.startsWith('text/html')) text = stripHtml(text);
  return [text];
}

/** Subject + readable body of one raw message (see the header comment for the rules). */
export function messageText(raw: string): string {
  const message = entity(raw);
  const body = textParts(message)
    .join('\n')
    .split(/\r?\n/)
    .filter((line) => !/^[A-Za-z0-9+/=]{60,}$/.test(line.trim())) // stray base64 (malformed MIME)
    .join('\n');
  return `${decodeWords(message.header('subject'))}\n${body}`.replace(/\s+/g, ' ').trim().slice(0, MAX_CHARS);
}
