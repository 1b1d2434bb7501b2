import { newId as defaultNewId } from '../../domain/ids.js';
import { hasContent } from '../../domain/model-rules.js';
import type { ScoredConcept } from '../../domain/output-config.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { BudgetHold } from '../../net/byte-budget.js';
import { FetchDeferred } from '../../net/fetch-url.js';
import type { InputKind, PredictInput } from '../../ports/plugins.js';
import { mapLimit } from '../../runtime/map-limit.js';
import { asJson } from '../core/context.js';
import { InputFetchError, type UrlFetcher } from './fetch-url.js';

/** One request input: its id and echo for the output, and either what the plugin gets or why not. */
export interface DecodedInput {
  id: string;
  /** `input` as printed in the output (base64 bytes are not sent back). */
  echo: api.Input;
  input?: PredictInput;
  error?: { code: number; details: string };
  /** Its download was deferred (the download budget was taken while the hold had bytes): fetch it with fetchPending. */
  pending?: Download;
}

interface Download {
  url: string;
  field: UrlField;
  data: api.Data;
}

/**
 * Clarifai answers a base64 image with `"base64": "dHJ1ZQ=="` (base64 of "true") instead of echoing
 * the bytes; we do the same, which keeps a 128-image answer small.
 */
const BASE64_ECHO = 'dHJ1ZQ==';

/** Downloads at most this many URLs of one request at a time. */
const FETCH_CONCURRENCY = 8;

/**
 * A request whose inputs name URLs is downloaded and predicted this many inputs at a time, and each
 * group's bytes are let go before the next is fetched: one request holds at most this many downloads
 * (24 image URLs held until all were done took RSS from 448 to 966 MiB; issue 18 item 3).
 */
export const URL_GROUP = 8;

const hasUrl = (raw: api.Input): boolean => Boolean(raw.data?.image?.url || raw.data?.text?.url);

/** The groups a request's inputs are decoded and predicted in: all at once, or URL_GROUP at a time when any names a URL. */
export function inputGroups(raws: readonly api.Input[]): api.Input[][] {
  if (!raws.some(hasUrl)) return [raws.slice()];
  const groups: api.Input[][] = [];
  for (let i = 0; i < raws.length; i += URL_GROUP) groups.push(raws.slice(i, i + URL_GROUP));
  return groups;
}

const WANTS: Record<Exclude<InputKind, 'any'>, string> = {
  text: 'text (data.text.raw or data.text.url)',
  image: 'an image (data.image.base64 or data.image.url)',
  concepts: 'concepts (data.concepts with id and value)',
};

function echoOf(raw: api.Input, id: string): api.Input {
  const data = raw.data ?? {};
  const image = data.image;
  const echoData = image?.base64 ? { ...data, image: { ...image, base64: BASE64_ECHO } } : data;
  return { id, data: echoData };
}

function conceptsOf(data: api.Data): ScoredConcept[] {
  return (data.concepts ?? []).map((c) => {
    const id = c.id || c.name || '';
    return { id, name: c.name || id, value: typeof c.value === 'number' ? c.value : 0 };
  });
}

/** What an input has, in words, for "this model takes X; this input has Y". */
function present(data: api.Data): string {
  const has = (['text', 'image', 'concepts', 'video', 'audio', 'embeddings'] as const).filter((k) => hasContent(data[k]));
  return has.length > 0 ? has.map((k) => `data.${k}`).join(' and ') : 'no data';
}

type Decoded = Omit<DecodedInput, 'id' | 'echo'>;

/** Decodes one input without I/O; an image given by URL comes back as the URL to download. */
function decodeOne(raw: api.Input, kind: InputKind, modelDesc: string): Decoded | { url: string; field: UrlField; data: api.Data } {
  const data = raw.data ?? {};
  // The common case first: a text model given text (which is content, so the checks below pass).
  if (kind === 'text') {
    const text = data.text;
    if (text && typeof text.raw === 'string' && text.raw !== '') return { input: { data: asJson(data), text: text.raw } };
  }
  if (!hasContent(data))
    return { error: { code: Code.INPUT_INVALID_ARGUMENT, details: `the input has no data; ${modelDesc} takes ${kind === 'any' ? 'any data' : WANTS[kind]}` } };
  const wrong = (): Decoded => ({
    error: { code: Code.INPUT_FAILED, details: `${modelDesc} takes ${WANTS[kind as Exclude<InputKind, 'any'>]}; this input has ${present(data)}` },
  });
  switch (kind) {
    case 'any':
      return { input: { data: asJson(data) } };
    case 'text': {
      const text = data.text ?? {};
      if (typeof text.url === 'string' && text.url !== '') return { url: text.url, field: 'data.text.url', data };
      return wrong();
    }
    case 'concepts':
      return Array.isArray(data.concepts) && data.concepts.length > 0 ? { input: { data: asJson(data), concepts: conceptsOf(data) } } : wrong();
    case 'image': {
      const image = data.image ?? {};
      if (typeof image.base64 === 'string' && image.base64 !== '') return { input: { data: asJson(data), imageBytes: Buffer.from(image.base64, 'base64') } };
      if (typeof image.url === 'string' && image.url !== '') return { url: image.url, field: 'data.image.url', data };
      return wrong();
    }
  }
}

type UrlField = 'data.image.url' | 'data.text.url';

async function fetchOne({ url, field, data }: Download, fetchUrl: UrlFetcher, hold: BudgetHold | undefined): Promise<Decoded> {
  try {
    const bytes = await fetchUrl(url, field, hold);
    if (field === 'data.image.url') return { input: { data: asJson(data), imageBytes: bytes } };
    try {
      return { input: { data: asJson(data), text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) } };
    } catch {
      return {
        error: {
          code: Code.INPUT_FAILED,
          details: `data.text.url ${url} did not answer with UTF-8 text; serve the text as UTF-8, or send it in data.text.raw.`,
        },
      };
    }
  } catch (e) {
    if (e instanceof InputFetchError) return { error: { code: e.code, details: e.details } };
    if (e instanceof FetchDeferred) return { pending: { url, field, data } };
    throw e;
  }
}

/**
 * Fetches `downloads` into their inputs, FETCH_CONCURRENCY at a time. Settles only once every download
 * has ended, even when one throws (then rethrown): the caller releases the hold after it, and a download
 * still running then would reserve into a hold nobody releases.
 */
async function fetchInto(downloads: { into: DecodedInput; download: Download }[], fetchUrl: UrlFetcher, hold: BudgetHold | undefined): Promise<void> {
  let failure: { err: unknown } | undefined;
  await mapLimit(downloads, FETCH_CONCURRENCY, async ({ into, download }) => {
    if (failure) return;
    try {
      const got = await fetchOne(download, fetchUrl, hold);
      delete into.pending;
      Object.assign(into, got);
    } catch (err) {
      failure ??= { err };
    }
  });
  if (failure) throw failure.err;
}

/**
 * Fetches the inputs whose download was deferred (`pending`). Call it once the hold has been given
 * back: its first download may then wait for budget, so every call gets at least one input further.
 */
export async function fetchPending(inputs: readonly DecodedInput[], fetchUrl: UrlFetcher, hold: BudgetHold): Promise<void> {
  const downloads = inputs.filter((d) => d.pending).map((d) => ({ into: d, download: d.pending! }));
  await fetchInto(downloads, fetchUrl, hold);
}

/**
 * Decodes every input for a model that takes `kind`, downloading image and text URLs a few at a time.
 * An input that cannot be used gets its own status (30002 / 30104 / 30106); the others go on.
 * Inputs without an id get one from `newId`. With a `hold`, the downloads' budget stays in it (release
 * it once their bytes are dropped) and a download the budget cannot serve while the hold has bytes is
 * left `pending` (see fetchPending).
 */
export async function decodeInputs(
  raws: readonly api.Input[],
  kind: InputKind,
  modelDesc: string,
  fetchUrl: UrlFetcher,
  newId: () => string = defaultNewId,
  hold?: BudgetHold,
): Promise<DecodedInput[]> {
  const out = new Array<DecodedInput>(raws.length);
  const downloads: { into: DecodedInput; download: Download }[] = [];
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i]!;
    const id = raw.id || newId();
    const d = decodeOne(raw, kind, modelDesc);
    if ('url' in d) {
      out[i] = { id, echo: echoOf(raw, id) };
      downloads.push({ into: out[i]!, download: { url: d.url, field: d.field, data: d.data } });
    } else {
      out[i] = { id, echo: echoOf(raw, id), ...d };
    }
  }
  if (downloads.length === 0) return out;
  await fetchInto(downloads, fetchUrl, hold);
  return out;
}
