/**
 * Random-access byte sources. The box engine never reads a whole media file: it asks for box
 * headers and metadata boxes by offset, so a source is just `size` plus `read(offset, length)`.
 */
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
   * The same bytes synchronously when the source can give them at once (in memory, in a read-ahead
   * window, a small read of a local file); `undefined` otherwise. Optional: the box walker then
   * costs no promise per box.
   */
  tryRead?(offset: number, length: number): Uint8Array | undefined;
  /**
   * Fetch these byte ranges ahead of reads that will follow (remote sources: the `moof` and `mdat`
   * header of many fragments, in as few requests as the server allows). Optional; a hint only.
   */
  prefetch?(ranges: readonly { offset: number; length: number }[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a source by the name its caller knows it by (a path on the Node side, a file id in the
 * browser). Engine modules that read several files (compare, the MSE lint) take one of these
 * instead of opening files themselves.
 */
export type OpenSource = (file: string) => Promise<ByteSource>;

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
