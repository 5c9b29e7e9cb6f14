/**
 * Fetching http(s) URLs the user opened, safely, and recording what a browser would meet.
 *
 * Only `global fetch` (no `node:*` import): the same code can run in a Web Worker. Rules:
 * - only `http:` and `https:`; no user name or password in the URL; no cookies or credentials
 *   are ever sent (`credentials: 'omit'`, no Cookie/Authorization header is set);
 * - redirects are followed by hand, at most 5, and never to another scheme (a redirect to `file:`,
 *   `data:`, or from http to https or back, is refused: the message names the URL to open instead);
 * - every request has a timeout (for the answer, and for each pause while reading its body);
 * - every request carries an `Origin` of another site, so the answer tells whether a web page
 *   could read it (CORS), and status, `Content-Type` and `Accept-Ranges` are recorded for the
 *   `http-*` rules.
 */
import { WorkbenchError } from '../errors';

/** The origin a browser page playing the stream would have: any other site. */
export const PROBE_ORIGIN = 'https://player.mwb-check.invalid';
export const MAX_REDIRECTS = 5;
export const DEFAULT_TIMEOUT_MS = 20_000;
/** Manifests (playlists, MPDs) larger than this are refused. */
export const MANIFEST_LIMIT = 16 * 1024 * 1024;

/** One request as a browser would have seen it (after redirects). */
export interface HttpExchange {
  /** The URL asked for. */
  url: string;
  /** Where the answer came from, after redirects. */
  finalUrl: string;
  redirects: number;
  /** The `Range` header sent, if any. */
  range?: string;
  /** HTTP status; 0 when no answer came (network error, timeout, refused redirect). */
  status: number;
  error?: string;
  contentType?: string;
  acceptRanges?: string;
  contentRange?: string;
  allowOrigin?: string;
  exposeHeaders?: string;
  /** A request for several ranges at once (an optimisation the rules do not judge). */
  multiRange?: boolean;
}

/**
 * Requests and bytes of one input (a URL, or a manifest and everything it leads to), and the first
 * exchange per URL (what the rules look at). Bounded: at most `maxUrls` URLs are kept.
 */
export class HttpLog {
  requests = 0;
  bytesFetched = 0;
  readonly byUrl = new Map<string, HttpExchange>();
  constructor(private readonly maxUrls = 20_000) {}

  record(ex: HttpExchange): void {
    this.requests++;
    if (ex.multiRange) return;
    const seen = this.byUrl.get(ex.url);
    // Keep the first answer, but prefer a ranged one: that is what `http-no-range` judges.
    if (!seen ? this.byUrl.size < this.maxUrls : !seen.range && ex.range && ex.status) this.byUrl.set(ex.url, ex);
  }

  get exchanges(): HttpExchange[] {
    return [...this.byUrl.values()];
  }
}

export function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s.trim());
}

/** Check a URL the user gave; returns it normalised. Refuses other schemes and credentials. */
export function checkHttpUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new WorkbenchError('EURL', `${input} is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WorkbenchError('EURL', `${input}: only http:// and https:// URLs can be opened (not ${url.protocol}).`);
  }
  if (url.username || url.password) {
    throw new WorkbenchError('EURL', `${url.host}: URLs with a user name or password are refused; credentials are never sent.`);
  }
  url.hash = '';
  return url.href;
}

/** A CORS preflight's answer: whether a page on another origin may send `Range`. */
export interface PreflightResult {
  url: string;
  status: number;
  allowOrigin?: string;
  allowHeaders?: string;
  error?: string;
}

/**
 * Ask what a browser asks before a ranged request it may not send as-is (Safari, XHR-based
 * players): `OPTIONS` with `Access-Control-Request-Headers: range`. One per origin is enough.
 */
export async function preflightRange(url: string, options: { log?: HttpLog; timeoutMs?: number } = {}): Promise<PreflightResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(checkHttpUrl(url), {
      method: 'OPTIONS',
      headers: { Origin: PROBE_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' },
      redirect: 'manual',
      credentials: 'omit',
      signal: controller.signal,
    });
    void res.body?.cancel().catch(() => {});
    if (options.log) options.log.requests++;
    const out: PreflightResult = { url, status: res.status };
    const allowOrigin = res.headers.get('access-control-allow-origin');
    const allowHeaders = res.headers.get('access-control-allow-headers');
    if (allowOrigin !== null) out.allowOrigin = allowOrigin;
    if (allowHeaders !== null) out.allowHeaders = allowHeaders;
    return out;
  } catch (err) {
    if (options.log) options.log.requests++;
    return { url, status: 0, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

export interface FetchOptions {
  /** Inclusive byte range. */
  range?: { start: number; end: number };
  /** A ready `Range` header (several ranges); not recorded as the URL's answer for the rules. */
  rangeHeader?: string;
  method?: 'GET' | 'HEAD';
  timeoutMs?: number;
  log?: HttpLog;
  signal?: AbortSignal;
}

export interface Fetched {
  response: Response;
  exchange: HttpExchange;
  /** Aborts the request (stop reading the body). */
  abort(): void;
  /** Milliseconds allowed between body chunks. */
  timeoutMs: number;
}

/**
 * One request (following redirects). Resolves once headers arrived, whatever the status; throws on
 * network errors, timeouts and refused redirects (after recording them in `log`).
 */
export async function safeFetch(input: string, options: FetchOptions = {}): Promise<Fetched> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { Origin: PROBE_ORIGIN };
  const exchange: HttpExchange = { url: input, finalUrl: input, redirects: 0, status: 0 };
  if (options.range) {
    headers.Range = `bytes=${options.range.start}-${options.range.end}`;
    exchange.range = headers.Range;
  } else if (options.rangeHeader) {
    headers.Range = options.rangeHeader;
    exchange.multiRange = true;
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let current = checkHttpUrl(input);
  const fail = (code: string, message: string): never => {
    exchange.error = message;
    options.log?.record(exchange);
    controller.abort();
    throw new WorkbenchError(code, message);
  };
  for (;;) {
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    try {
      response = await fetch(current, { method: options.method ?? 'GET', headers, redirect: 'manual', credentials: 'omit', signal: controller.signal });
    } catch (err) {
      clearTimeout(timer);
      const timedOut = controller.signal.aborted && !options.signal?.aborted;
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      return fail(
        timedOut ? 'ETIMEDOUT' : 'ENETWORK',
        timedOut ? `${current} did not answer within ${timeoutMs / 1000} s.` : `${current} could not be fetched: ${cause}.`,
      );
    }
    clearTimeout(timer);
    exchange.finalUrl = current;
    exchange.status = response.status;
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      void response.body?.cancel().catch(() => {});
      const location = response.headers.get('location');
      if (!location) return fail('EREDIRECT', `${current} answered ${response.status} without a Location header.`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return fail('EREDIRECT', `${current} redirects to ${location}, which is not a valid URL.`);
      }
      const from = new URL(current).protocol;
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        return fail('EREDIRECT', `${current} redirects to ${next.protocol} (${location}); only http(s) redirects are followed.`);
      }
      if (next.protocol !== from) {
        return fail('EREDIRECT', `${current} redirects to another scheme (${next.href}); redirects keep their scheme: open ${next.href} itself if you trust it.`);
      }
      if (next.username || next.password) return fail('EREDIRECT', `${current} redirects to a URL with credentials; refused.`);
      if (++exchange.redirects > MAX_REDIRECTS) {
        exchange.redirects--;
        return fail('EREDIRECT', `${input} redirects more than ${MAX_REDIRECTS} times (last to ${next.href}).`);
      }
      current = next.href;
      continue;
    }
    const h = response.headers;
    const set = (key: 'contentType' | 'acceptRanges' | 'contentRange' | 'allowOrigin' | 'exposeHeaders', name: string) => {
      const v = h.get(name);
      if (v !== null) exchange[key] = v;
    };
    set('contentType', 'content-type');
    set('acceptRanges', 'accept-ranges');
    set('contentRange', 'content-range');
    set('allowOrigin', 'access-control-allow-origin');
    set('exposeHeaders', 'access-control-expose-headers');
    options.log?.record(exchange);
    options.signal?.removeEventListener('abort', onAbort);
    return { response, exchange, abort: () => controller.abort(), timeoutMs };
  }
}

/** An HTTP error status as a user-facing error. */
export function statusError(ex: HttpExchange): WorkbenchError {
  return new WorkbenchError(ex.status === 404 || ex.status === 410 ? 'ENOENT' : 'EHTTP', `${ex.finalUrl} answered HTTP ${ex.status}.`);
}

/**
 * Read a body chunk by chunk, at most `limit` bytes (then stop and return what was read, with
 * `complete: false`). Each pause longer than the timeout aborts. Counts bytes into `log`.
 */
export async function readBody(
  fetched: Fetched,
  limit: number,
  log?: HttpLog,
): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const body = fetched.response.body;
  if (!body) return { bytes: new Uint8Array(0), complete: true };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let complete = true;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          fetched.abort();
          reject(new WorkbenchError('ETIMEDOUT', `${fetched.exchange.finalUrl} stopped sending data for ${fetched.timeoutMs / 1000} s.`));
        }, fetched.timeoutMs);
      });
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await Promise.race([reader.read(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (step.done) break;
      const chunk = step.value;
      if (log) log.bytesFetched += chunk.length;
      const room = limit - total;
      if (chunk.length >= room) {
        chunks.push(chunk.subarray(0, room));
        total += room;
        complete = chunk.length === room;
        if (!complete) break;
        continue;
      }
      chunks.push(chunk);
      total += chunk.length;
    }
  } finally {
    if (!complete) {
      fetched.abort();
      void reader.cancel().catch(() => {});
    } else {
      reader.releaseLock();
    }
  }
  const bytes = chunks.length === 1 ? chunks[0]! : new Uint8Array(total);
  if (chunks.length !== 1) {
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
  }
  return { bytes, complete };
}

/**
 * A text resource (a manifest): refuses error statuses and anything over `limit` bytes.
 */
export async function fetchText(url: string, options: { log?: HttpLog; limit?: number; timeoutMs?: number } = {}): Promise<{ text: string; exchange: HttpExchange }> {
  const limit = options.limit ?? MANIFEST_LIMIT;
  const fetched = await safeFetch(url, { log: options.log, timeoutMs: options.timeoutMs });
  if (fetched.response.status >= 400) {
    fetched.abort();
    throw statusError(fetched.exchange);
  }
  const declared = Number(fetched.response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    fetched.abort();
    throw new WorkbenchError('ETOOBIG', `${fetched.exchange.finalUrl} is ${declared} bytes; a manifest of more than ${limit / 1024 / 1024} MiB is not plausible.`);
  }
  const { bytes, complete } = await readBody(fetched, limit, options.log);
  if (!complete) throw new WorkbenchError('ETOOBIG', `${fetched.exchange.finalUrl} is larger than ${limit / 1024 / 1024} MiB; a manifest that big is not plausible.`);
  return { text: new TextDecoder().decode(bytes), exchange: fetched.exchange };
}

/** The last path segment of a URL (decoded), for labels: `video.mp4`; the host when there is none. */
export function urlName(url: string): string {
  const u = new URL(url);
  const last = u.pathname.split('/').filter(Boolean).pop();
  if (!last) return u.host;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
