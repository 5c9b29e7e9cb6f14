/**
 * The renderer's one ranged read: `size` bytes at `offset` of a URL, as a browser player fetches
 * them, whole. `readArriving` hands the bytes on as they arrive instead (the Player's read-ahead
 * hands out each segment as soon as it is in, without waiting for the rest of a large read).
 */
export async function fetchRange(url: string, offset: number, size: number, signal?: AbortSignal): Promise<ArrayBuffer> {
  if (size <= 0) return new ArrayBuffer(0);
  const { res, what } = await request(url, offset, size, signal);
  return fetchBody(res, offset, size, what);
}

/**
 * The bytes of a read so far, from its first byte: one buffer the read fills (`contiguous`), or
 * the buffers it arrived in, kept in order without a copy (the read worker's slabs).
 */
export class ArrivedBytes {
  private readonly parts: Uint8Array<ArrayBuffer>[] = [];
  /** Where each part starts in the read. */
  private readonly starts: number[] = [];
  private readonly whole: Uint8Array<ArrayBuffer> | null;
  /** Bytes in so far. */
  received = 0;

  private constructor(whole: Uint8Array<ArrayBuffer> | null) {
    this.whole = whole;
    if (whole) {
      this.parts.push(whole);
      this.starts.push(0);
    }
  }

  /** Bytes copied into one buffer of `size` as they arrive: every slice is a view. */
  static contiguous(size: number): ArrivedBytes {
    return new ArrivedBytes(new Uint8Array(size));
  }

  /** Bytes kept in the buffers they arrive in. */
  static inParts(): ArrivedBytes {
    return new ArrivedBytes(null);
  }

  /** The next bytes of the read. */
  push(bytes: Uint8Array<ArrayBuffer>): void {
    if (this.whole) this.whole.set(bytes, this.received);
    else {
      this.starts.push(this.received);
      this.parts.push(bytes);
    }
    this.received += bytes.byteLength;
  }

  /** Bytes `[from, to)` of the read (`to` ≤ `received`): a view where they lie in one buffer, else a copy. */
  slice(from: number, to: number): Uint8Array<ArrayBuffer> {
    if (from < 0 || to > this.received || to < from) throw new RangeError(`bytes ${from}–${to} of a read with ${this.received} in`);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= from) lo = mid;
      else hi = mid - 1;
    }
    const first = this.parts[lo]!;
    const at = from - this.starts[lo]!;
    if (to - this.starts[lo]! <= first.byteLength) return first.subarray(at, at + (to - from));
    const out = new Uint8Array(to - from);
    let filled = 0;
    for (let i = lo; filled < out.length; i++) {
      const part = this.parts[i]!;
      const a = i === lo ? at : 0;
      const n = Math.min(part.byteLength - a, out.length - filled);
      out.set(part.subarray(a, a + n), filled);
      filled += n;
    }
    return out;
  }
}

/**
 * A ranged read that hands its bytes on as they arrive (`onBytes` after each arrival, with all
 * of them so far); resolves once all `size` are in. `readArriving` does it on this thread, into one
 * buffer; the read worker (range-reader.ts) does it off the page's main thread.
 */
export type ArrivingRead = (url: string, offset: number, size: number, signal: AbortSignal | undefined, onBytes: (arrived: ArrivedBytes) => void) => Promise<void>;

export const readArriving: ArrivingRead = async (url, offset, size, signal, onBytes) => {
  const arrived = ArrivedBytes.contiguous(Math.max(0, size));
  await streamRange(url, offset, size, signal, (chunk) => {
    arrived.push(chunk);
    onBytes(arrived);
  });
};

/**
 * The bytes of a ranged read, chunk by chunk as the network delivers them (exactly `size` bytes
 * in all, or it throws): what `fetchRange` assembles, and what the read worker passes on as is.
 */
export async function streamRange(url: string, offset: number, size: number, signal: AbortSignal | undefined, onChunk: (chunk: Uint8Array<ArrayBuffer>) => void): Promise<void> {
  if (size <= 0) return;
  const { res, what } = await request(url, offset, size, signal);
  if (!res.body) {
    const buf = await fetchBody(res, offset, size, what);
    onChunk(new Uint8Array(buf));
    return;
  }
  // A server that ignores Range sends the whole body: its first `offset` bytes are skipped.
  let skip = res.status === 200 ? offset : 0;
  let received = 0;
  const reader = res.body.getReader();
  // (Node's fetch does not end a body being read when the signal aborts: cancel it here.)
  const stop = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let chunk = value as Uint8Array<ArrayBuffer>;
      if (skip > 0) {
        const drop = Math.min(skip, chunk.byteLength);
        skip -= drop;
        chunk = chunk.subarray(drop);
        if (!chunk.byteLength) continue;
      }
      if (received + chunk.byteLength > size) {
        if (res.status === 206) {
          await reader.cancel();
          throw new RangeReadError(res.status, `Reading ${what} returned more than ${size} bytes`);
        }
        chunk = chunk.subarray(0, size - received);
      }
      received += chunk.byteLength;
      onChunk(chunk);
      if (received === size && res.status === 200) {
        await reader.cancel();
        break;
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  signal?.throwIfAborted();
  if (received !== size) throw new RangeReadError(res.status, `Reading ${what} returned ${received} bytes instead of ${size}`);
}

async function request(url: string, offset: number, size: number, signal?: AbortSignal): Promise<{ res: Response; what: string }> {
  const what = `bytes ${offset}–${offset + size - 1}`;
  const res = await fetch(url, { headers: { Range: `bytes=${offset}-${offset + size - 1}` }, signal });
  if (res.status !== 206 && res.status !== 200) throw new RangeReadError(res.status, `Reading ${what} failed: HTTP ${res.status}`);
  return { res, what };
}

/** The whole body at once (a server that ignores Range sends the whole file: the range is cut from it). */
async function fetchBody(res: Response, offset: number, size: number, what: string): Promise<ArrayBuffer> {
  const whole = await res.arrayBuffer();
  const buf = res.status === 200 && (offset > 0 || whole.byteLength !== size) ? whole.slice(offset, offset + size) : whole;
  if (buf.byteLength !== size) throw new RangeReadError(res.status, `Reading ${what} returned ${buf.byteLength} bytes instead of ${size}`);
  return buf;
}

export class RangeReadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RangeReadError';
  }
}
