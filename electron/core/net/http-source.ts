/**
 * A ByteSource over an http(s) URL, read with `Range` requests: a multi-GB remote MP4 costs its
 * metadata, not its size. Small reads fetch a window (64 KiB by default) that later reads of
 * nearby headers hit; several windows are kept, so concurrent fragment reads do not evict each
 * other, and concurrent reads of the same window share one request.
 *
 * A server that ignores `Range` (answers 200 with the whole body) still works: the body is read
 * forward only as far as needed and reused while reads move forward; going back starts a new
 * request. The `http-no-range` rule reports it.
 *
 * No `node:*` import (global fetch only), like the rest of the engine.
 */
import type { ByteSource } from '../boxes/source';
import { WorkbenchError } from '../errors';
import { HttpLog, readBody, safeFetch, statusError, type Fetched, type HttpExchange } from './http';

export interface HttpSourceOptions {
  /** Bytes fetched for a small read (a box header and what follows). Default 64 KiB. */
  window?: number;
  /** Bytes of windows kept in memory (oldest dropped first). Default 32 MiB. */
  cacheBytes?: number;
  timeoutMs?: number;
  /** Where requests and bytes are counted (shared by every source of one input). */
  log?: HttpLog;
}

export interface HttpByteSource extends ByteSource {
  readonly url: string;
  /** The first answer (after redirects): status, Content-Type, CORS… */
  readonly exchange: HttpExchange;
  /** Whether the server honours `Range`. */
  readonly ranges: boolean;
  readonly log: HttpLog;
}

interface Window {
  start: number;
  bytes: Uint8Array;
}

/** `bytes a-b/total` → total, or undefined. */
function totalOf(contentRange: string | undefined): number | undefined {
  const m = contentRange ? /\/(\d+)\s*$/.exec(contentRange) : null;
  return m ? Number(m[1]) : undefined;
}

/** The parts of a multipart/byteranges body, each with its start offset (from its Content-Range). */
export function parseByteranges(body: Uint8Array, boundary: string): Window[] {
  const out: Window[] = [];
  const text = new TextDecoder('latin1');
  const marker = new TextEncoder().encode(`--${boundary}`);
  const find = (from: number, needle: Uint8Array): number => {
    outer: for (let i = from; i <= body.length - needle.length; i++) {
      for (let j = 0; j < needle.length; j++) if (body[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  };
  const crlf2 = new Uint8Array([13, 10, 13, 10]);
  let at = find(0, marker);
  while (at >= 0) {
    const headStart = at + marker.length;
    if (body[headStart] === 45 && body[headStart + 1] === 45) break; // closing --boundary--
    const headEnd = find(headStart, crlf2);
    if (headEnd < 0) break;
    const head = text.decode(body.subarray(headStart, headEnd));
    const m = /content-range:\s*bytes\s+(\d+)-(\d+)\//i.exec(head);
    if (!m) break;
    const start = Number(m[1]);
    const length = Number(m[2]) - start + 1;
    const dataStart = headEnd + 4;
    if (dataStart + length > body.length) break;
    out.push({ start, bytes: body.slice(dataStart, dataStart + length) });
    at = find(dataStart + length, marker);
  }
  return out;
}

/** Open a URL for random access. Throws (naming the URL) when it cannot be read at all. */
export async function openHttpSource(url: string, options: HttpSourceOptions = {}): Promise<HttpByteSource> {
  const windowSize = Math.max(4096, options.window ?? 64 * 1024);
  const maxBytes = Math.max(2 * windowSize, options.cacheBytes ?? 32 * 1024 * 1024);
  let cachedBytes = 0;
  const log = options.log ?? new HttpLog();
  const timeoutMs = options.timeoutMs;
  let windows: Window[] = [];
  const inflight = new Map<number, Promise<Window>>();
  let closed = false;
  const controllers = new Set<Fetched>();

  const first = await safeFetch(url, { range: { start: 0, end: windowSize - 1 }, log, timeoutMs });
  const status = first.response.status;
  let size: number;
  let ranges: boolean;
  /** Forward reader of a whole-body answer (server without Range support). */
  let forward: { fetched: Fetched; reader: ReadableStreamDefaultReader<Uint8Array>; pos: number; pending: Uint8Array | null } | null = null;

  if (status === 206) {
    const total = totalOf(first.exchange.contentRange);
    if (total === undefined) {
      first.abort();
      throw new WorkbenchError('EHTTP', `${first.exchange.finalUrl} answered a range request without the total size in Content-Range (${first.exchange.contentRange ?? 'none'}).`);
    }
    size = total;
    ranges = true;
    const { bytes } = await readBody(first, windowSize, log);
    windows.push({ start: 0, bytes });
    cachedBytes = bytes.length;
  } else if (status === 200) {
    ranges = false;
    const length = Number(first.response.headers.get('content-length') ?? NaN);
    if (!Number.isSafeInteger(length) || length < 0) {
      first.abort();
      throw new WorkbenchError('EHTTP', `${first.exchange.finalUrl} ignores Range requests and sends no Content-Length, so its size is unknown; enable range requests on the server.`);
    }
    size = length;
    if (!first.response.body) throw new WorkbenchError('EHTTP', `${first.exchange.finalUrl} answered without a body.`);
    forward = { fetched: first, reader: first.response.body.getReader(), pos: 0, pending: null };
  } else if (status === 416) {
    first.abort();
    size = totalOf(first.exchange.contentRange) ?? 0;
    ranges = true;
  } else {
    first.abort();
    throw statusError(first.exchange);
  }

  const remember = (w: Window) => {
    windows.push(w);
    cachedBytes += w.bytes.length;
    let drop = 0;
    while (cachedBytes > maxBytes && drop < windows.length - 1) cachedBytes -= windows[drop++]!.bytes.length;
    if (drop) windows = windows.slice(drop);
  };

  const lookup = (offset: number, want: number): Uint8Array | undefined => {
    for (let i = windows.length - 1; i >= 0; i--) {
      const w = windows[i]!;
      if (offset >= w.start && offset + want <= w.start + w.bytes.length) return w.bytes.subarray(offset - w.start, offset - w.start + want);
    }
    return undefined;
  };

  async function rangeGet(start: number, length: number): Promise<Uint8Array> {
    const fetched = await safeFetch(url, { range: { start, end: start + length - 1 }, log, timeoutMs });
    controllers.add(fetched);
    try {
      const s = fetched.response.status;
      if (s !== 206 && s !== 200) {
        fetched.abort();
        throw statusError(fetched.exchange);
      }
      if (s === 200) {
        // The server stopped honouring Range: read on from this whole body, forward only.
        ranges = false;
        if (!fetched.response.body) throw statusError(fetched.exchange);
        if (forward) {
          forward.fetched.abort();
          void forward.reader.cancel().catch(() => {});
        }
        forward = { fetched, reader: fetched.response.body.getReader(), pos: 0, pending: null };
        return forwardRead(start, length);
      }
      return (await readBody(fetched, length, log)).bytes;
    } finally {
      controllers.delete(fetched);
    }
  }

  /**
   * Several ranges in one request (`Range: bytes=a-b,c-d,…`, answered as multipart/byteranges by
   * nginx, Apache and most static servers). Returns the ranges still missing: all of them when the
   * server does not do multi-range (it answered 200: the body is dropped at once; or one range).
   */
  let multi: boolean | undefined;
  async function multiGet(list: { start: number; length: number }[]): Promise<{ start: number; length: number }[]> {
    const header = list.map((r) => `${r.start}-${r.start + r.length - 1}`).join(',');
    const fetched = await safeFetch(url, { rangeHeader: `bytes=${header}`, log, timeoutMs });
    const type = fetched.response.headers.get('content-type') ?? '';
    const boundary = /multipart\/byteranges;\s*boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (fetched.response.status !== 206 || !boundary) {
      fetched.abort();
      multi = false;
      return list;
    }
    const budget = list.reduce((n, r) => n + r.length + 512, 4096);
    const { bytes, complete } = await readBody(fetched, budget, log);
    if (!complete) {
      multi = false;
      return list;
    }
    multi = true;
    for (const part of parseByteranges(bytes, boundary)) remember(part);
    return list.filter((r) => !lookup(r.start, r.length));
  }

  /** Sequential access to a whole-body answer; restarts from 0 when asked to go back. */
  let chain: Promise<unknown> = Promise.resolve();
  function forwardRead(offset: number, length: number): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      if (!forward || offset < forward.pos) {
        if (forward) {
          forward.fetched.abort();
          void forward.reader.cancel().catch(() => {});
        }
        const again = await safeFetch(url, { log, timeoutMs });
        if (again.response.status >= 400 || !again.response.body) {
          again.abort();
          throw statusError(again.exchange);
        }
        forward = { fetched: again, reader: again.response.body.getReader(), pos: 0, pending: null };
      }
      const f = forward;
      const out = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        let chunk = f.pending;
        f.pending = null;
        if (!chunk) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const idle = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new WorkbenchError('ETIMEDOUT', `${url} stopped sending data.`)), f.fetched.timeoutMs);
          });
          try {
            const step = await Promise.race([f.reader.read(), idle]);
            if (step.done) break;
            chunk = step.value;
            log.bytesFetched += chunk.length;
          } finally {
            clearTimeout(timer);
          }
        }
        const chunkStart = f.pos;
        const chunkEnd = f.pos + chunk.length;
        const want = offset + got;
        if (chunkEnd <= want) {
          f.pos = chunkEnd;
          continue;
        }
        const from = Math.max(0, want - chunkStart);
        const take = Math.min(chunk.length - from, length - got);
        out.set(chunk.subarray(from, from + take), got);
        got += take;
        f.pos = chunkStart + from + take;
        if (from + take < chunk.length) f.pending = chunk.subarray(from + take);
      }
      return got === length ? out : out.subarray(0, got);
    };
    const p = chain.then(run, run);
    chain = p.catch(() => {});
    return p;
  }

  async function window(start: number, wanted = windowSize): Promise<Window> {
    const hit = inflight.get(start);
    if (hit) return hit;
    const length = Math.min(wanted, size - start);
    const p = (ranges ? rangeGet(start, length) : forwardRead(start, length)).then((bytes) => {
      const w = { start, bytes };
      remember(w);
      return w;
    });
    inflight.set(start, p);
    try {
      return await p;
    } finally {
      inflight.delete(start);
    }
  }

  async function read(offset: number, length: number): Promise<Uint8Array> {
    if (closed) throw new Error(`${url} is closed.`);
    if (!Number.isFinite(offset) || offset < 0 || offset >= size || length <= 0) return new Uint8Array(0);
    const want = Math.min(length, size - offset);
    const cached = lookup(offset, want);
    if (cached) return cached;
    for (const [start, p] of inflight) {
      if (offset >= start && offset + want <= start + Math.min(windowSize, size - start)) {
        const w = await p;
        return w.bytes.subarray(offset - w.start, Math.min(w.bytes.length, offset - w.start + want));
      }
    }
    if (want > windowSize) return ranges ? rangeGet(offset, want) : forwardRead(offset, want);
    const w = await window(offset);
    return w.bytes.subarray(0, Math.min(want, w.bytes.length));
  }

  return {
    size,
    name: url,
    url,
    exchange: first.exchange,
    get ranges() {
      return ranges;
    },
    log,
    read,
    async prefetch(list) {
      const wanted = list
        .map((r) => ({ start: r.offset, length: Math.min(r.length, 16 * 1024 * 1024, size - r.offset) }))
        .filter((r) => !closed && r.start >= 0 && r.start < size && r.length > 0 && !lookup(r.start, r.length));
      if (wanted.length > 1 && ranges && multi !== false) {
        const rest = await multiGet(wanted);
        if (!rest.length) return;
        wanted.splice(0, wanted.length, ...rest);
      }
      for (const r of wanted) await window(r.start, r.length);
    },
    tryRead: (offset, length) => (closed || length <= 0 ? undefined : lookup(offset, Math.min(length, size - offset))),
    close: async () => {
      closed = true;
      windows = [];
      cachedBytes = 0;
      for (const c of controllers) c.abort();
      if (forward) {
        forward.fetched.abort();
        void forward.reader.cancel().catch(() => {});
        forward = null;
      }
    },
  };
}
