/**
 * A local file as a `ByteSource`, and `inspectFile` over it. Node only (`node:fs`): the rest of the
 * box engine imports nothing from Node, so the browser (Web Worker, static build) runs the same
 * code on a `File` (see `blob-source.ts`).
 */
import { closeSync, constants, fstatSync, openSync, read as fsRead, readSync } from 'node:fs';
import { describeFsError, WorkbenchError } from '../errors';
import { inspectSource, type InspectOptions } from './inspect';
import type { ByteSource } from './source';
import type { InspectResult } from './types';

export interface FileSourceOptions {
  /**
   * Small reads are served from a read-ahead window of this many bytes, so a box header, the
   * small box after it and the next header usually cost one system call. Default 16 KiB.
   */
  readAhead?: number;
  /**
   * Reads smaller than this are done synchronously (so `tryRead` answers them). A small `pread`
   * from the page cache costs a few microseconds; going through libuv's thread pool costs tens,
   * and walking a 2 GB fMP4 means thousands of them. The walker yields to the event loop every few tens of
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
  // Opened and measured synchronously: on a local file both take microseconds, while the first
  // use of libuv's thread pool starts its threads and costs two event-loop round trips, a
  // noticeable part of `mwb inspect` (issue #18). O_NONBLOCK: a FIFO given as the file must not
  // block the process in open(2) (it has no effect on regular files).
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw describeFsError(err, path);
  }
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (err) {
    closeSync(fd);
    throw describeFsError(err, path);
  }
  let closed = false;
  // One read-ahead window, reused: sequential header walking hits it most of the time.
  const winBuf = new Uint8Array(readAhead);
  let winStart = 0;
  let winLength = 0;

  function fillSync(target: Uint8Array, position: number): number {
    let got = 0;
    try {
      while (got < target.length) {
        const n = readSync(fd, target, got, target.length - got, position + got);
        if (n === 0) break;
        got += n;
      }
    } catch (err) {
      throw describeFsError(err, path);
    }
    return got;
  }

  async function fillAsync(target: Uint8Array, position: number): Promise<number> {
    let got = 0;
    try {
      while (got < target.length) {
        const n = await readAt(fd, target.subarray(got), position + got);
        if (n === 0) break;
        got += n;
      }
    } catch (err) {
      throw describeFsError(err, path);
    }
    return got;
  }

  /** A read that is in the window, or small enough to do synchronously; `undefined` otherwise. */
  function tryRead(offset: number, length: number): Uint8Array | undefined {
    if (closed) return undefined;
    if (!Number.isFinite(offset) || offset < 0 || offset >= size || length <= 0) return new Uint8Array(0);
    const want = Math.min(length, size - offset);
    if (offset >= winStart && offset + want <= winStart + winLength) {
      return winBuf.subarray(offset - winStart, offset - winStart + want);
    }
    if (want >= syncBelow) return undefined;
    if (want > readAhead) {
      const out = new Uint8Array(want);
      const got = fillSync(out, offset);
      return got === want ? out : out.subarray(0, got);
    }
    const span = Math.min(readAhead, size - offset);
    winLength = 0;
    const got = fillSync(winBuf.subarray(0, span), offset);
    winStart = offset;
    winLength = got;
    return winBuf.subarray(0, Math.min(want, got));
  }

  async function read(offset: number, length: number): Promise<Uint8Array> {
    if (closed) throw new Error(`${path} is closed.`);
    const now = tryRead(offset, length);
    if (now) return now;
    const want = Math.min(length, size - offset);
    const out = new Uint8Array(want);
    const got = await fillAsync(out, offset);
    return got === want ? out : out.subarray(0, got);
  }

  return {
    size,
    name: path,
    read,
    tryRead,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        closeSync(fd);
      } catch {
        // Nothing was written through it: a failed close loses nothing.
      }
    },
  };
}

/** Inspect a local file. Throws only when the file cannot be opened (the error names it). */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectResult> {
  const source = await openFileSource(path);
  try {
    return await inspectSource(source, options);
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    throw new WorkbenchError('EIO', `${path} could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    await source.close();
  }
}
