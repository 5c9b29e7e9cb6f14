/**
 * `readArriving` done by the read worker (range-worker.ts): same arguments, same answers, same
 * errors, but the response is drained off the page's main thread and its bytes cross over in
 * slabs that are kept as they are (`ArrivedBytes.inParts`: a segment inside one slab is a view
 * of it). Where there is no Worker (Node, the tests of the loader) or the worker cannot start,
 * the reads happen here, on the main thread, as `readArriving` does them.
 */
import { ArrivedBytes, RangeReadError, readArriving, type ArrivingRead } from './range';
import type { RangeWorkerAnswer, RangeWorkerRequest } from './range-worker';

interface Pending {
  url: string;
  offset: number;
  size: number;
  signal?: AbortSignal;
  arrived: ArrivedBytes;
  onBytes: (arrived: ArrivedBytes) => void;
  resolve(): void;
  reject(err: unknown): void;
  /** Removes the abort listener. */
  unlisten(): void;
}

class OffThreadReads {
  private worker: Worker | null = null;
  /** The worker could not start: every read happens on the main thread. */
  private broken = typeof Worker === 'undefined';
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  readonly readArriving: ArrivingRead = (url, offset, size, signal, onBytes) => {
    if (this.broken || size <= 0) return readArriving(url, offset, size, signal, onBytes);
    signal?.throwIfAborted();
    const worker = this.start();
    if (!worker) return readArriving(url, offset, size, signal, onBytes);
    const read = ++this.seq;
    return new Promise<void>((resolve, reject) => {
      const abort = () => {
        this.pending.delete(read);
        worker.postMessage({ cancel: read } satisfies RangeWorkerRequest);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.pending.set(read, {
        url,
        offset,
        size,
        signal,
        arrived: ArrivedBytes.inParts(),
        onBytes,
        resolve,
        reject,
        unlisten: () => signal?.removeEventListener('abort', abort),
      });
      // The worker has no page to resolve a relative URL against.
      worker.postMessage({ read, url: new URL(url, location.href).href, offset, size } satisfies RangeWorkerRequest);
    });
  };

  private start(): Worker | null {
    if (this.worker) return this.worker;
    try {
      this.worker = new Worker(new URL('./range-worker.ts', import.meta.url), { type: 'module', name: 'mwb-range' });
    } catch {
      this.broken = true;
      return null;
    }
    this.worker.onmessage = (e: MessageEvent<RangeWorkerAnswer>) => this.answer(e.data);
    // A worker that cannot start (a blocked script, say) reports it here: its reads start again on
    // this thread (what they had handed on is handed on again; a loader takes each piece once).
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.broken = true;
      this.worker?.terminate();
      this.worker = null;
      const left = [...this.pending.values()];
      this.pending.clear();
      for (const p of left) {
        p.unlisten();
        readArriving(p.url, p.offset, p.size, p.signal, p.onBytes).then(p.resolve, p.reject);
      }
    };
    return this.worker;
  }

  private answer(msg: RangeWorkerAnswer): void {
    const p = this.pending.get(msg.read);
    if (!p) return; // aborted meanwhile
    if ('slab' in msg) {
      p.arrived.push(new Uint8Array(msg.slab, 0, msg.length));
      p.onBytes(p.arrived);
      return;
    }
    this.pending.delete(msg.read);
    p.unlisten();
    if ('done' in msg) {
      if (p.arrived.received === p.size) p.resolve();
      else p.reject(new RangeReadError(206, `Reading bytes ${p.offset}–${p.offset + p.size - 1} returned ${p.arrived.received} bytes instead of ${p.size}`));
    } else p.reject(msg.error.status === undefined ? Object.assign(new Error(msg.error.message), { name: msg.error.name }) : new RangeReadError(msg.error.status, msg.error.message));
  }
}

/** The page's one read worker (started at the first read). */
export const offThreadReads = new OffThreadReads();
