import { CliError, UsageError } from '../errors.js';
import type { AppRef } from './app-ref.js';
import type { Status } from './messages.js';

/** The server answered with a Clarifai status other than success: exit 1, the status on stderr. */
export class ApiCallError extends CliError {
  constructor(
    readonly http: number,
    readonly status: Status,
    what: string,
  ) {
    super(
      `${what}: ${status.code} ${status.description ?? ''}${status.details ? `\n  ${status.details}` : ''}${status.req_id ? `\n  (request ${status.req_id})` : ''}`,
      1,
    );
    this.name = 'ApiCallError';
  }
}

/** Codes that mean the call as a whole did what was asked (10010: some outputs failed, each says why). */
const OK_CODES = new Set([10000, 10010]);
/** An upload's answer once every byte arrived: 21107 MODEL_BUILDING (the version is being checked). */
const UPLOAD_RECEIVED = 21107;

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/**
 * The one REST client every command uses: Clarifai's v2 JSON over Node's fetch, `Authorization: Key`.
 * Paths are built here (app-scoped or user-scoped), so commands never concatenate URLs.
 */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly pat: string,
    readonly app: AppRef | undefined,
    private readonly timeoutMs = 60_000,
    /** What failed, in the user's words ("modelkeep models get"), when a call names nothing better. */
    private readonly label?: string,
  ) {}

  /** `/v2/users/{user}/apps/{app}{rest}`; needs an app from --app, MODELKEEP_APP or the context. */
  appPath(rest: string): string {
    if (!this.app)
      throw new UsageError('this command needs an app: pass --app <user>/<app>, set MODELKEEP_APP, or save one with `modelkeep context set-app <user>/<app>`');
    return `/v2/users/${enc(this.app.userId)}/apps/${enc(this.app.appId)}${rest}`;
  }

  /** `/v2/users/{user}{rest}`: the app's user if an app is known, else the caller (`me`). */
  userPath(rest: string): string {
    return `/v2/users/${enc(this.app?.userId ?? 'me')}${rest}`;
  }

  get<T>(path: string, query?: Query, what?: string): Promise<T> {
    return this.call<T>('GET', path, { query, what });
  }

  post<T>(path: string, body: unknown, what?: string): Promise<T> {
    return this.call<T>('POST', path, { body, what });
  }

  patch<T>(path: string, body: unknown, what?: string): Promise<T> {
    return this.call<T>('PATCH', path, { body, what });
  }

  put<T>(path: string, body: unknown, what?: string): Promise<T> {
    return this.call<T>('PUT', path, { body, what });
  }

  /**
   * The bytes at `url`'s path on this server (an export's url), with the key. The path is taken
   * against --url, so a server that names itself by another address is still reached the way the
   * user reaches it.
   */
  async download(url: string, what: string): Promise<Buffer> {
    const path = new URL(url, this.baseUrl).pathname;
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, { headers: { authorization: `Key ${this.pat}` } });
    } catch (e) {
      throw new CliError(`cannot reach ${this.baseUrl} (${(e as Error).message}): is the server running?`, 1);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!res.ok) {
      let status: Status = { code: 0, description: `HTTP ${res.status}` };
      try {
        status = (JSON.parse(bytes.toString('utf8')) as { status?: Status }).status ?? status;
      } catch {
        // not a JSON status: keep the HTTP one
      }
      throw new ApiCallError(res.status, status, what);
    }
    return bytes;
  }

  delete<T>(path: string, body?: unknown, what?: string): Promise<T> {
    return this.call<T>('DELETE', path, { body, what });
  }

  /**
   * POSTs `bytes` (a file, read as it is sent) as the raw body, e.g. a model package; `sent` hears each
   * chunk as it goes out. No time limit: a large upload takes as long as the network needs.
   */
  postBytes<T>(path: string, bytes: { stream: AsyncIterable<Uint8Array>; length: number }, query: Query, what: string, sent?: (n: number) => void): Promise<T> {
    return this.call<T>('POST', path, { query, what, raw: { ...bytes, sent } });
  }

  async call<T>(
    method: string,
    path: string,
    opts: {
      query?: Query;
      body?: unknown;
      what?: string;
      raw?: { stream: AsyncIterable<Uint8Array>; length: number; sent?: ((n: number) => void) | undefined };
    } = {},
  ): Promise<T> {
    const what = opts.what ?? this.label ?? `${method} ${path}`;
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { authorization: `Key ${this.pat}`, accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let body: BodyInit | undefined = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const raw = opts.raw;
    if (raw) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(raw.length);
      // Node's fetch sends an async iterable as a streamed body (with duplex: 'half').
      body = (async function* () {
        for await (const chunk of raw.stream) {
          raw.sent?.(chunk.length);
          yield chunk;
        }
      })() as unknown as BodyInit;
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body,
        ...(raw ? { duplex: 'half' } : { signal: AbortSignal.timeout(this.timeoutMs) }),
      } as RequestInit);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new CliError(`cannot reach ${this.baseUrl} (${why}): is the server running? Check --url or the context (modelkeep context list)`, 1);
    }
    const text = await res.text();
    let answer: { status?: Status };
    try {
      answer = text ? (JSON.parse(text) as { status?: Status }) : {};
    } catch {
      throw new CliError(`${what}: the server answered HTTP ${res.status} with a body that is not JSON; is ${this.baseUrl} a modelkeep server?`, 1);
    }
    const status = answer.status;
    if (!res.ok || (status && !OK_CODES.has(status.code) && !(raw && status.code === UPLOAD_RECEIVED))) {
      throw new ApiCallError(res.status, status ?? { code: 0, description: `HTTP ${res.status}` }, what);
    }
    return answer as T;
  }

  /** GET /healthz (outside the API): whether the server is up, and its version when it says. */
  async health(): Promise<{ ok: boolean; version?: string }> {
    try {
      const res = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(this.timeoutMs) });
      const body = (await res.json().catch(() => ({}))) as { version?: string };
      return { ok: res.ok, ...(typeof body.version === 'string' ? { version: body.version } : {}) };
    } catch {
      return { ok: false };
    }
  }
}

const enc = encodeURIComponent;
