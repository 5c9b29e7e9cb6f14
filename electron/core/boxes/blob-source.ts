/**
 * A browser `Blob`/`File` as a `ByteSource`. `Blob.slice()` is random access and copies nothing,
 * so a dropped 2 GB file is read exactly like a local one: box headers and metadata by offset,
 * never the `mdat` payloads, never the whole file.
 *
 * In a dedicated Web Worker, `FileReaderSync` reads small ranges synchronously: walking the top
 * level of a big fMP4 is a few thousand small reads, and a promise per read (`blob.arrayBuffer()`
 * resolves on a later task) would cost more than the read itself. Elsewhere (main thread, Node's
 * `Blob` in tests) every read is `blob.slice(…).arrayBuffer()`.
 */
import { WorkbenchError } from '../errors';
import type { ByteSource } from './source';

export interface BlobSourceOptions {
  /** Small reads are served from a read-ahead window of this many bytes. Default 16 KiB (as the fs source). */
  readAhead?: number;
  /** Reads up to this size use `FileReaderSync` when it exists (workers). Default 1 MiB; 0 disables. */
  syncBelow?: number;
}

interface SyncReader {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

function syncReader(): SyncReader | null {
  const Ctor = (globalThis as { FileReaderSync?: new () => SyncReader }).FileReaderSync;
  return typeof Ctor === 'function' ? new Ctor() : null;
}

/** The error for a browser file that can no longer be read (the page's own reads use it too). */
export function unreadable(name: string, err: unknown): WorkbenchError {
  const why = err instanceof Error ? err.message : String(err);
  return new WorkbenchError(
    'EIO',
    `${name} could not be read (${why}): the browser loses access to a chosen file when it is moved, changed or deleted; choose or drop it again.`,
    { cause: err },
  );
}

/** A `Blob` source; `prefetch` (see ByteSource) reads the ranges concurrently and keeps them. */
export interface BlobSource extends ByteSource {
  /**
   * In Chromium a Blob read is an inter-process round trip that overlaps well with others: the
   * fragments of a 2 GB fMP4 load about twice as fast 32 at a time as one after another. Ranges
   * are read as windows of at least the read-ahead size; at most 4096 are kept (64 MiB).
   */
  prefetch(ranges: readonly { offset: number; length: number }[]): Promise<void>;
  /** Forget prefetched windows (after the walk that wanted them). */
  dropPrefetched(): void;
}

export function blobSource(blob: Blob, name = (blob as Partial<File>).name || '(blob)', options: BlobSourceOptions = {}): BlobSource {
  const readAhead = Math.max(512, options.readAhead ?? 16 * 1024);
  const syncBelow = Math.max(0, options.syncBelow ?? 1024 * 1024);
  const reader = syncBelow > 0 ? syncReader() : null;
  const size = blob.size;
  let closed = false;
  let win: Uint8Array = new Uint8Array(0);
  let winStart = 0;

  const inWindow = (offset: number, want: number) => offset >= winStart && offset + want <= winStart + win.length;
  const fromWindow = (offset: number, want: number) => win.subarray(offset - winStart, offset - winStart + want);

  /** Prefetched windows by start offset, and their starts sorted (for a binary search). */
  const prefetched = new Map<number, Uint8Array>();
  let starts: number[] = [];
  function fromPrefetched(offset: number, want: number): Uint8Array | undefined {
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= offset) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0) return undefined;
    const start = starts[at]!;
    const bytes = prefetched.get(start)!;
    return offset + want <= start + bytes.length ? bytes.subarray(offset - start, offset - start + want) : undefined;
  }

  function readSync(offset: number, length: number): Uint8Array {
    try {
      return new Uint8Array(reader!.readAsArrayBuffer(blob.slice(offset, offset + length)));
    } catch (err) {
      throw unreadable(name, err);
    }
  }

  async function readAsync(offset: number, length: number): Promise<Uint8Array> {
    try {
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    } catch (err) {
      throw unreadable(name, err);
    }
  }

  /** Clamp to the blob; `null` when nothing can be read there. */
  function clamp(offset: number, length: number): number | null {
    if (closed) throw new WorkbenchError('ECLOSED', `${name} is closed.`);
    if (!Number.isFinite(offset) || offset < 0 || offset >= size || length <= 0) return null;
    return Math.min(length, size - offset);
  }

  function tryRead(offset: number, length: number): Uint8Array | undefined {
    if (closed || length <= 0) return undefined;
    const want = Math.min(length, size - offset);
    if (want > 0 && inWindow(offset, want)) return fromWindow(offset, want);
    const early = want > 0 && starts.length ? fromPrefetched(offset, want) : undefined;
    if (early) return early;
    if (!reader || want <= 0 || want > syncBelow) return undefined;
    if (want > readAhead) return readSync(offset, want);
    win = readSync(offset, Math.min(readAhead, size - offset));
    winStart = offset;
    return win.subarray(0, Math.min(want, win.length));
  }

  async function read(offset: number, length: number): Promise<Uint8Array> {
    const want = clamp(offset, length);
    if (want === null) return new Uint8Array(0);
    const sync = tryRead(offset, want) ?? (starts.length ? fromPrefetched(offset, want) : undefined);
    if (sync) return sync;
    if (want > readAhead) return readAsync(offset, want);
    const span = Math.min(readAhead, size - offset);
    win = await readAsync(offset, span);
    winStart = offset;
    return win.subarray(0, Math.min(want, win.length));
  }

  return {
    size,
    name,
    read,
    tryRead,
    async prefetch(ranges) {
      const concurrency = 32;
      const room = Math.max(0, 4096 - prefetched.size);
      const wanted = ranges.filter((r) => Number.isSafeInteger(r.offset) && r.offset >= 0 && r.offset < size && !prefetched.has(r.offset)).slice(0, room);
      for (let i = 0; i < wanted.length && !closed; i += concurrency) {
        await Promise.all(
          wanted.slice(i, i + concurrency).map(async (r) => prefetched.set(r.offset, await readAsync(r.offset, Math.min(size - r.offset, Math.max(r.length, readAhead))))),
        );
      }
      starts = [...prefetched.keys()].sort((a, b) => a - b);
    },
    dropPrefetched() {
      prefetched.clear();
      starts = [];
    },
    close: async () => {
      closed = true;
      win = new Uint8Array(0);
      prefetched.clear();
      starts = [];
    },
  };
}
