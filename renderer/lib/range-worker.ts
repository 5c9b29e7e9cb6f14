/**
 * A dedicated worker that does the page's large ranged reads (the Player's read-ahead): the
 * response is drained on this thread and gathered into slabs (256 KB, then 1 MB, then 4 MB, then
 * 8 MB at most), each transferred to the page as it fills, or 25 ms after its first byte when the
 * network is slower than that. The page's main thread, where Chromium parses appended media,
 * neither drains the response nor copies its bytes, and a segment inside one slab is a view of it
 * (issue #18: draining a 48 MB response took 82–100 ms of the main thread, and copying its
 * chunks into one buffer 40–62 ms more; see docs/performance.md).
 *
 * Protocol (range-reader.ts is the other side): `{ read, url, offset, size }` starts read `read`;
 * `{ cancel }` stops it. Answers: `{ read, slab, length }` (an ArrayBuffer, transferred, whose
 * first `length` bytes are the read's next ones), then `{ read, done: true }` or
 * `{ read, error: { name, message, status? } }`.
 */
import { RangeReadError, streamRange } from './range';

export type RangeWorkerRequest = { read: number; url: string; offset: number; size: number } | { cancel: number };

export type RangeWorkerAnswer =
  | { read: number; slab: ArrayBuffer; length: number }
  | { read: number; done: true }
  | { read: number; error: { name: string; message: string; status?: number } };

/** Slab sizes: small first (the first frame needs the first segment soon), then larger. */
const SLABS = [256 * 1024, 1024 * 1024, 4 * 1024 * 1024, 8 * 1024 * 1024];
/** A slab that has waited this long since its first byte goes as it is. */
const SLAB_WAIT_MS = 25;

const thisWorker = self as unknown as { onmessage: ((e: MessageEvent<RangeWorkerRequest>) => void) | null; postMessage(message: RangeWorkerAnswer, transfer?: Transferable[]): void };
const reads = new Map<number, AbortController>();

thisWorker.onmessage = (e) => {
  const req = e.data;
  if ('cancel' in req) {
    reads.get(req.cancel)?.abort();
    reads.delete(req.cancel);
    return;
  }
  const controller = new AbortController();
  reads.set(req.read, controller);
  let left = req.size;
  let made = 0;
  let slab: Uint8Array<ArrayBuffer> | null = null;
  let fill = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = () => {
    clearTimeout(timer);
    if (!slab || !fill) return;
    thisWorker.postMessage({ read: req.read, slab: slab.buffer, length: fill }, [slab.buffer]);
    slab = null;
    fill = 0;
  };
  streamRange(req.url, req.offset, req.size, controller.signal, (chunk) => {
    let at = 0;
    while (at < chunk.byteLength) {
      if (!slab) {
        slab = new Uint8Array(Math.min(left, SLABS[Math.min(made++, SLABS.length - 1)]!));
        timer = setTimeout(send, SLAB_WAIT_MS);
      }
      const n = Math.min(slab.byteLength - fill, chunk.byteLength - at);
      slab.set(chunk.subarray(at, at + n), fill);
      fill += n;
      at += n;
      left -= n;
      if (fill === slab.byteLength) send();
    }
  }).then(
    () => {
      send();
      thisWorker.postMessage({ read: req.read, done: true });
    },
    (err: unknown) => {
      clearTimeout(timer);
      if (controller.signal.aborted) return; // the page stopped it and expects nothing more
      const e = err as Error;
      thisWorker.postMessage({ read: req.read, error: { name: e.name ?? 'Error', message: e.message ?? String(err), ...(err instanceof RangeReadError && { status: err.status }) } });
    },
  ).finally(() => reads.delete(req.read));
};
