/**
 * Random-access byte sources. The box engine never reads a whole media file: it asks for box
 * headers and metadata boxes by offset, so a source is just `size` plus `read(offset, length)`.
 */
import { read as fsRead, open as fsOpen, close as fsClose, fstat } from 'node:fs';
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
  close(): Promise<void>;
}

/** Bytes held in memory: for tests, fuzzing, and segments that already arrived over the network. */
export function bufferSource(bytes: Uint8Array, name = '(buffer)'): ByteSource {
  return {
    size: bytes.length,
    name,
    read: async (offset, length) => {
      const start = Math.max(0, Math.min(offset, bytes.length));
      return bytes.subarray(start, Math.min(bytes.length, start + Math.max(0, length)));
    },
    close: async () => {},
  };
}

export interface FileSourceOptions {
  /**
   * Small reads are served from a read-ahead window of this many bytes, so a box header, the
   * small box after it and the next header usually cost one system call. Default 16 KiB.
   */
  readAhead?: number;
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
  // One read-ahead window; sequential header walking hits it most of the time.
  let winStart = 0;
  let win = new Uint8Array(0);

  async function read(offset: number, length: number): Promise<Uint8Array> {
    if (closed) throw new Error(`${path} is closed.`);
    if (!Number.isFinite(offset) || offset < 0 || offset >= size || length <= 0) return new Uint8Array(0);
    const want = Math.min(length, size - offset);
    if (offset >= winStart && offset + want <= winStart + win.length) {
      return win.subarray(offset - winStart, offset - winStart + want);
    }
    if (want >= readAhead) {
      const out = new Uint8Array(want);
      let got = 0;
      while (got < want) {
        const n = await readAt(fd, out.subarray(got), offset + got).catch((err: unknown) => {
          throw describeFsError(err, path);
        });
        if (n === 0) break;
        got += n;
      }
      return got === want ? out : out.subarray(0, got);
    }
    const span = Math.min(readAhead, size - offset);
    const buf = new Uint8Array(span);
    let got = 0;
    while (got < span) {
      const n = await readAt(fd, buf.subarray(got), offset + got).catch((err: unknown) => {
        throw describeFsError(err, path);
      });
      if (n === 0) break;
      got += n;
    }
    winStart = offset;
    win = buf.subarray(0, got);
    return win.subarray(0, Math.min(want, got));
  }

  return {
    size,
    name: path,
    read,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        fsClose(fd, () => resolve());
      }),
  };
}
