/**
 * The lint's playback plan → what the engine appends: byte ranges read through the reader's `read`
 * (a Range request on the file's URL, or `Blob.slice()` of a file chosen in the browser: see
 * client.readBytes). Pieces of a file the server serves also carry their `range` (its URL), so the
 * Player's read-ahead (loader.ts) can fetch adjacent pieces in one ranged request; pieces of a
 * browser file have no URL and are read one by one.
 */
import type { ByteRange, MediaSegment, MseAnalysis, MseStream } from '../../../electron/core/mse/types';
import type { Piece, StreamSource } from './player';
import type { Span } from './ranges';
import { transmuxSource, transportOffset, type TransmuxReader } from './transmux';

/** Where a segment should land, in presentation time (what `buffered` reports). */
export function expectedSpan(seg: MediaSegment): Span | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of seg.tracks) {
    const a = t.presentationStart ?? t.start;
    const b = t.presentationEnd ?? t.end;
    if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  return Number.isFinite(lo) && Number.isFinite(hi) && hi > lo ? [lo, hi] : undefined;
}

/** Reads `size` bytes at `offset` of an opened file. */
export type ReadBytes = (fileId: string, offset: number, size: number, signal?: AbortSignal) => Promise<ArrayBuffer>;

/** How the Player gets a plan's bytes. */
export interface ByteReader {
  /** Any opened file, the server's or the browser's. */
  read: ReadBytes;
  /**
   * The range URL of a file the server serves (undefined for a file only the browser holds):
   * pieces with a URL can be coalesced into one ranged request.
   */
  url?: (fileId: string) => string | undefined;
  /** How MPEG-TS streams are fetched remuxed to fMP4 (absent where there is no ffmpeg: the static build). */
  transmux?: TransmuxReader;
}

function piece(index: number, label: string, range: ByteRange, reader: ByteReader, expected?: Span): Piece {
  const url = reader.url?.(range.fileId);
  const ref = url === undefined ? undefined : { url, offset: range.offset, size: range.size };
  return { index, label, size: range.size, expected, ...(ref && { range: ref }), load: (signal) => reader.read(range.fileId, range.offset, range.size, signal) };
}

/** Pieces for media segments (a live playlist's new ones, after the plan's). */
export function segmentPieces(segments: MediaSegment[], reader: ByteReader): Piece[] {
  return segments.map((seg) => piece(seg.index, `${seg.range.name} ${seg.range.offset}+${seg.range.size}`, seg.range, reader, expectedSpan(seg)));
}

export function sourcesOf(analysis: MseAnalysis, reader: ByteReader): StreamSource[] {
  const offset = transportOffset(analysis);
  return analysis.streams.map((s: MseStream) => (s.transmux && reader.transmux ? { ...transmuxSource(s, reader.transmux, expectedSpan, offset), stream: s.index } : {
    label: s.label,
    stream: s.index,
    mime: s.mime,
    init: s.init ? piece(-1, `init ${s.init.name} ${s.init.offset}+${s.init.size}`, s.init, reader) : null,
    segments: segmentPieces(s.segments, reader),
  }));
}
