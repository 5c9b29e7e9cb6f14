/** The renderer's one ranged read: `size` bytes at `offset` of a URL, as a browser player fetches them. */
export async function fetchRange(url: string, offset: number, size: number, signal?: AbortSignal): Promise<ArrayBuffer> {
  if (size <= 0) return new ArrayBuffer(0);
  const res = await fetch(url, { headers: { Range: `bytes=${offset}-${offset + size - 1}` }, signal });
  if (res.status !== 206 && res.status !== 200) throw new RangeReadError(res.status, `Reading bytes ${offset}–${offset + size - 1} failed: HTTP ${res.status}`);
  const buf = await res.arrayBuffer();
  // A server that ignores Range sends the whole body.
  if (res.status === 200) return buf.slice(offset, offset + size);
  if (buf.byteLength !== size) throw new RangeReadError(res.status, `Reading bytes ${offset}–${offset + size - 1} returned ${buf.byteLength} bytes instead of ${size}`);
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
