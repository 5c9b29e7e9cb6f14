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
  const what = `bytes ${offset}–${offset + size - 1}`;
  const res = await fetch(url, { headers: { Range: `bytes=${offset}-${offset + size - 1}` }, signal });
  if (res.status !== 206 && res.status !== 200) throw new RangeReadError(res.status, `Reading ${what} failed: HTTP ${res.status}`);
  if (res.status === 200 || !res.body || !onBytes) {
    // A server that ignores Range sends the whole body.
    const whole = await res.arrayBuffer();
    const buf = res.status === 200 && (offset > 0 || whole.byteLength !== size) ? whole.slice(offset, offset + size) : whole;
    if (buf.byteLength !== size) throw new RangeReadError(res.status, `Reading ${what} returned ${buf.byteLength} bytes instead of ${size}`);
    onBytes?.(size, new Uint8Array(buf));
    return buf;
  }
  const out = new Uint8Array(size);
  let received = 0;
  const reader = res.body.getReader();
  // (Node's fetch does not end a body being read when the signal aborts: cancel it here.)
  const stop = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (received + value.byteLength > size) {
        await reader.cancel();
        throw new RangeReadError(res.status, `Reading ${what} returned more than ${size} bytes`);
      }
      out.set(value, received);
      received += value.byteLength;
      onBytes(received, out);
    }
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  signal?.throwIfAborted();
  if (received !== size) throw new RangeReadError(res.status, `Reading ${what} returned ${received} bytes instead of ${size}`);
  return out.buffer;
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
