/**
 * The renderer's one ranged read: `size` bytes at `offset` of a URL, as a browser player fetches
 * them. `onBytes` sees the bytes as they arrive (the Player's read-ahead hands out each segment as
 * soon as it is in, without waiting for the rest of a large read).
 */
export async function fetchRange(
  url: string,
  offset: number,
  size: number,
  signal?: AbortSignal,
  onBytes?: (received: number, bytes: Uint8Array<ArrayBuffer>) => void,
): Promise<ArrayBuffer> {
  if (size <= 0) return new ArrayBuffer(0);
  if (!onBytes) {
    const { res, what } = await request(url, offset, size, signal);
    return fetchBody(res, offset, size, what);
  }
  const out = new Uint8Array(size);
  let received = 0;
  await streamRange(url, offset, size, signal, (chunk) => {
    out.set(chunk, received);
    received += chunk.byteLength;
    onBytes(received, out);
  });
  return out.buffer;
}

/** What `fetchRange` does, for a reader that does it elsewhere (off the page's main thread: range-worker.ts). */
export type FetchRange = typeof fetchRange;

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
