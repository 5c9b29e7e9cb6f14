import { open } from 'node:fs/promises';
import { describeFsError, WorkbenchError } from '../errors';

/**
 * "Is this media at all?", from a file's first bytes, before ffprobe is asked: ffprobe picks a
 * demuxer by extension, so a text file named `.mp4` comes back as "moov atom not found", which
 * reads like a damaged recording. Only the obvious non-media cases are refused here (empty, text);
 * everything else is left to ffprobe.
 */
export interface Sniff {
  size: number;
  /** The first bytes are readable text (UTF-8 without control characters other than whitespace). */
  text: boolean;
  /** The first 8 bytes form an ISO BMFF box header of a printable type with a plausible size. */
  boxHeader: boolean;
  /** The first line of text, shortened, when `text`. */
  preview?: string;
}

const SNIFF_BYTES = 4096;

export function sniffBytes(bytes: Uint8Array, size: number): Sniff {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let boxHeader = false;
  if (bytes.length >= 8) {
    const boxSize = view.getUint32(0);
    const type = String.fromCharCode(...bytes.subarray(4, 8));
    boxHeader = /^[\x20-\x7e]{4}$/.test(type) && (boxSize === 0 || boxSize === 1 || (boxSize >= 8 && boxSize <= size));
  }
  let text = false;
  let preview: string | undefined;
  if (bytes.length > 0) {
    try {
      const decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes.length === SNIFF_BYTES ? trimPartialUtf8(bytes) : bytes);
      text = !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(decoded);
      if (text) preview = decoded.trim().split(/\r?\n/)[0]!.slice(0, 60);
    } catch {
      text = false;
    }
  }
  // Printable box types (ftyp, moov…) are text-like too: a valid box header wins.
  if (boxHeader) text = false;
  return { size, text, boxHeader, ...(preview !== undefined && text ? { preview } : {}) };
}

/** Drop a UTF-8 sequence cut at the end of the sniffed window, so it does not look like binary. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = bytes[end - i]!;
    if ((b & 0xc0) === 0x80) continue;
    if ((b & 0xc0) === 0xc0) end -= i;
    break;
  }
  return bytes.subarray(0, end);
}

export async function sniffFile(file: string): Promise<Sniff> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw describeFsError(err, file);
  }
  try {
    const { size } = await handle.stat();
    const buf = new Uint8Array(Math.min(SNIFF_BYTES, size));
    await handle.read(buf, 0, buf.length, 0);
    return sniffBytes(buf, size);
  } finally {
    await handle.close();
  }
}

/** Refuse a local input that is clearly not media (empty, or text), naming the file and what it is. */
export async function assertMaybeMedia(file: string): Promise<Sniff> {
  const s = await sniffFile(file);
  if (s.size === 0) throw new WorkbenchError('EEMPTY', `${file} is empty (0 bytes); it is not a media file.`);
  if (s.text) {
    throw new WorkbenchError('ENOTMEDIA', `${file} is a text file, not audio or video${s.preview ? ` (it starts with "${s.preview}")` : ''}; choose a media file.`);
  }
  return s;
}
