import type { Status } from './api-types.js';

/** A Clarifai status other than success, as the console shows it: code, description, details. */
export class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly details: string,
    readonly httpStatus: number,
    readonly reqId: string,
  ) {
    super(`${code} ${description}${details ? `: ${details}` : ''}`);
  }
  /** The key is unknown, revoked or expired: the console signs out rather than show every page failing. */
  get signsOut(): boolean {
    return this.httpStatus === 401 || AUTH_LOST_CODES.has(this.code);
  }
}

// 11102 key invalid / revoked, 11008 / 11009 key not found or expired (API-DECISIONS row 2: HTTP 401).
const AUTH_LOST_CODES = new Set([11102, 11008, 11009]);
const SUCCESS = new Set([10000, 10010]);

/**
 * The failure in a response, or undefined for a success. A body that is not a Clarifai response (a
 * proxy's HTML page, an empty body) becomes a failure that says so, so nothing is swallowed.
 */
export function failureOf(httpStatus: number, body: unknown): ApiFailure | undefined {
  const status = (body as { status?: Status } | null)?.status;
  if (!status || typeof status.code !== 'number') {
    if (httpStatus >= 200 && httpStatus < 300)
      return new ApiFailure(
        0,
        'Not a Clarifai response',
        'The server answered without a status; check that the console is served by modelkeep.',
        httpStatus,
        '',
      );
    return new ApiFailure(0, `HTTP ${httpStatus}`, 'The server answered without a Clarifai status.', httpStatus, '');
  }
  if (SUCCESS.has(status.code)) return undefined;
  return new ApiFailure(status.code, status.description ?? '', status.details ?? '', httpStatus, status.req_id ?? '');
}

/** The app-scoped REST prefix for the signed-in user. */
export const appPath = (app: string): string => `/v2/users/me/apps/${encodeURIComponent(app)}`;

/** Builds a query string from the set values (empty strings, undefined and false left out). */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * The REST client: every call sends `Authorization: Key <PAT>` and throws an ApiFailure for any
 * non-success status; `onAuthLost` runs first when the key no longer works.
 */
export class Api {
  constructor(
    private readonly pat: string,
    private readonly onAuthLost: (f: ApiFailure) => void,
    private readonly origin = '',
  ) {}

  async call<T>(method: Method, path: string, body?: unknown): Promise<T & { status: Status }> {
    let res: Response;
    try {
      res = await fetch(this.origin + path, {
        method,
        headers: { authorization: `Key ${this.pat}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiFailure(0, 'Network error', `The request did not reach modelkeep (${(e as Error).message}); is the server running?`, 0, '');
    }
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    const failure = failureOf(res.status, json);
    if (failure) {
      if (failure.signsOut) this.onAuthLost(failure);
      throw failure;
    }
    return json as T & { status: Status };
  }
  /** Bytes behind the key (hosted image bytes): a blob, or the ApiFailure the server answered. */
  async blob(path: string): Promise<Blob> {
    const res = await fetch(this.origin + path, { headers: { authorization: `Key ${this.pat}` } });
    if (res.ok) return res.blob();
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    const failure = failureOf(res.status, json) ?? new ApiFailure(0, `HTTP ${res.status}`, '', res.status, '');
    if (failure.signsOut) this.onAuthLost(failure);
    throw failure;
  }
  get<T>(path: string) {
    return this.call<T>('GET', path);
  }
  post<T>(path: string, body: unknown) {
    return this.call<T>('POST', path, body);
  }
  patch<T>(path: string, body: unknown) {
    return this.call<T>('PATCH', path, body);
  }
  delete<T>(path: string, body?: unknown) {
    return this.call<T>('DELETE', path, body);
  }
}

/**
 * The same-origin path of an input's hosted image bytes (image.hosted: prefix / size / suffix). The
 * console talks to its own origin only, so the server's public base (MODELKEEP_PUBLIC_URL) is dropped.
 */
export function hostedImagePath(hosted: { prefix?: string; suffix?: string; sizes?: string[] } | undefined): string | undefined {
  if (!hosted?.prefix || !hosted.suffix) return undefined;
  const size = hosted.sizes?.[0] ?? 'orig';
  let prefix = hosted.prefix;
  try {
    prefix = new URL(prefix).pathname;
  } catch {
    // already a path
  }
  return `${prefix.replace(/\/+$/, '')}/${size}/${hosted.suffix.replace(/^\/+/, '')}`;
}
