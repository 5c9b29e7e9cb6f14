/**
 * A dedicated worker that does the page's large ranged reads (the Player's read-ahead): the
 * network's chunks arrive on this thread and cross to the page as transferred buffers, a few
 * dozen messages for 50 MB, so the page's main thread, where Chromium parses appended media,
 * does not also drain the response (issue #18: 90 ms of main-thread time per 50 MB read there,
 * about 25 ms this way).
 *
 * Protocol (range-reader.ts is the other side): `{ read, url, offset, size }` starts read `read`;
 * `{ cancel }` stops it. Answers: `{ read, chunk }` (an ArrayBuffer, transferred), then
 * `{ read, done: true }` or `{ read, error: { name, message, status? } }`.
 */
import { RangeReadError, streamRange } from './range';

export type RangeWorkerRequest = { read: number; url: string; offset: number; size: number } | { cancel: number };

export type RangeWorkerAnswer =
  | { read: number; chunk: ArrayBuffer }
  | { read: number; done: true }
  | { read: number; error: { name: string; message: string; status?: number } };

const scope = self as unknown as { onmessage: ((e: MessageEvent<RangeWorkerRequest>) => void) | null; postMessage(message: RangeWorkerAnswer, transfer?: Transferable[]): void };
const reads = new Map<number, AbortController>();

scope.onmessage = (e) => {
  const req = e.data;
  if ('cancel' in req) {
    reads.get(req.cancel)?.abort();
    reads.delete(req.cancel);
    return;
  }
  const controller = new AbortController();
  reads.set(req.read, controller);
  streamRange(req.url, req.offset, req.size, controller.signal, (chunk) => {
    // The network's own buffer crosses as is; a view into a larger one is copied first.
    const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk.buffer : chunk.slice().buffer;
    scope.postMessage({ read: req.read, chunk: own }, [own]);
  }).then(
    () => scope.postMessage({ read: req.read, done: true }),
    (err: unknown) => {
      if (controller.signal.aborted) return; // the page stopped it and expects nothing more
      const e = err as Error;
      scope.postMessage({ read: req.read, error: { name: e.name ?? 'Error', message: e.message ?? String(err), ...(err instanceof RangeReadError && { status: err.status }) } });
    },
  ).finally(() => reads.delete(req.read));
};
