/**
 * Random-access byte sources. The box engine never reads a whole media file: it asks for box
 * headers and metadata boxes by offset, so a source is just `size` plus `read(offset, length)`.
 */
import { read as fsRead, readSync, open as fsOpen, close as fsClose, fstat } from 'node:fs';
import { describeFsError } from '../errors';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** A label for messages (usually the file path). */
  readonly name: string;
  /**
   * Read up to `length` bytes at `offset`. Returns fewer bytes only at the end of the source.
   * The returned array may be a view into an internal buffer: do not keep it past the next read
   * unless you copy it (the box engine copies what it keeps).
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * The same bytes synchronously when they are already at hand (in memory, or in the read-ahead
   * window); `undefined` otherwise. Optional: it saves a promise per box on hot paths.
   */
  tryRead?(offset: number, length: number): Uint8Array | undefined;
  /**
   * Fetch these byte ranges ahead of reads that will follow (remote sources: the `moof` and `mdat`
   * header of many fragments, in as few requests as the server allows). Optional; a hint only.
   */
  prefetch?(ranges: readonly { offset: number; length: number }[]): Promise<void>;
  close(): Promise<void>;
}

/** Bytes held in memory: for tests, fuzzing, and segments that already arrived over the network. */
export function bufferSource(bytes: Uint8Array, name = '(buffer)'): ByteSource {
  const slice = (offset: number, length: number) => {
    const start = Math.max(0, Math.min(offset, bytes.length));
    return bytes.subarray(start, Math.min(bytes.length, start + Math.max(0, length)));
  };
  return {
    size: bytes.length,
    name,
    read: async (offset, length) => slice(offset, length),
    tryRead: slice,
    close: async () => {},
  };
}

export interface FileSourceOptions {
  /**
   * Small reads are served from a read-ahead window of this many bytes, so a box header, the
   * small box after it and the next header usually cost one system call. Default 16 KiB.
   */
  readAhead?: number;
  /**
   * Reads smaller than this are done synchronously. A small `pread` from the page cache costs a
   * few microseconds; going through libuv's thread pool costs tens, and walking a 2 GB fMP4
   * means thousands of them. The walker yields to the event loop every few tens of
   * milliseconds, so the process stays responsive. Default 1 MiB; 0 makes every read async.
   */
  syncBelow?: number;
}

function readAt(fd: number, target: Uint8Array, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fsRead(fd, target, 0, target.length, position, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/**
 * Open a local file for random access. Errors name the file. Reads past the end return what
 * exists (possibly nothing); the engine turns that into `box-truncated` nodes.
 */
export async function openFileSource(path: string, options: FileSourceOptions = {}): Promise<ByteSource> {
  const readAhead = Math.max(512, options.readAhead ?? 16 * 1024);
  const syncBelow = Math.max(0, options.syncBelow ?? 1024 * 1024);
  let fd: number;
  try {
    fd = await new Promise<number>((resolve, reject) => fsOpen(path, 'r', (err, f) => (err ? reject(err) : resolve(f))));
  } catch (err) {
    throw describeFsError(err, path);
  }
  let size: number;
  try {
    size = await new Promise<number>((resolve, reject) => fstat(fd, (err, st) => (err ? reject(err) : resolve(st.size))));
  } catch (err) {
    fsClose(fd, () => {});
    throw describeFsError(err, path);
  }
  let closed = false;
  // One read-ahead window, reused: sequential header walking hits it most of the time.
  const winBuf = new Uint8Array(readAhead);
  let winStart = 0;
  let winLength = 0;

  async function fill(target: Uint8Array, position: number): Promise<number> {
    let got = 0;
    try {
      while (got < target.length) {
        const rest = target.subarray(got);
        const n = target.length < syncBelow ? readSync(fd, rest, 0, rest.length, position + got) : await readAt(fd, rest, position + got);
        if (n === 0) break;
        got += n;
      }
    } catch (err) {
      throw describeFsError(err, path);
    }
    return got;
  }

  function tryRead(offset: number, length: number): Uint8Array | undefined {
    if (closed || length <= 0) return undefined;
    const want = Math.min(length, size - offset);
    if (offset >= winStart && want > 0 && offset + want <= winStart + winLength) return winBuf.subarray(offset - winStart, offset - winStart + want);
    return undefined;
  }

  async function read(offset: number, length: number): Promise<Uint8Array> {
    if (closed) throw new Error(`${path} is closed.`);
    if (!Number.isFinite(offset) || offset < 0 || offset >= size || length <= 0) return new Uint8Array(0);
    const want = Math.min(length, size - offset);
    if (offset >= winStart && offset + want <= winStart + winLength) {
      return winBuf.subarray(offset - winStart, offset - winStart + want);
    }
    if (want > readAhead) {
      const out = new Uint8Array(want);
      const got = await fill(out, offset);
      return got === want ? out : out.subarray(0, got);
    }
    const span = Math.min(readAhead, size - offset);
    winLength = 0;
    const got = await fill(winBuf.subarray(0, span), offset);
    winStart = offset;
    winLength = got;
    return winBuf.subarray(0, Math.min(want, got));
  }

  return {
    size,
    name: path,
    read,
    tryRead,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        fsClose(fd, () => resolve());
      }),
  };
}
