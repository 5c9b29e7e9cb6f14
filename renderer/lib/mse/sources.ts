/**
 * The lint's playback plan → what the engine appends: byte ranges read through `read` (a Range
 * request on the file's URL, or `Blob.slice()` of a file chosen in the browser: see client.readBytes).
 */
import type { ByteRange, MediaSegment, MseAnalysis, MseStream } from '../../../electron/core/mse/types';
import type { Piece, StreamSource } from './player';
import type { Span } from './ranges';

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
export type ReadBytes = (fileId: string, offset: number, size: number) => Promise<ArrayBuffer>;

function piece(index: number, label: string, range: ByteRange, read: ReadBytes, expected?: Span): Piece {
  return { index, label, size: range.size, expected, load: () => read(range.fileId, range.offset, range.size) };
}

export function sourcesOf(analysis: MseAnalysis, read: ReadBytes): StreamSource[] {
  return analysis.streams.map((s: MseStream) => ({
    label: s.label,
    mime: s.mime,
    init: s.init ? piece(-1, `init ${s.init.name} ${s.init.offset}+${s.init.size}`, s.init, read) : null,
    segments: s.segments.map((seg) => piece(seg.index, `${seg.range.name} ${seg.range.offset}+${seg.range.size}`, seg.range, read, expectedSpan(seg))),
  }));
}
