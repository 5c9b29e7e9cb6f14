/** The lint's playback plan → what the engine appends: byte ranges fetched by URL with Range requests. */
import type { ByteRange, MediaSegment, MseAnalysis, MseStream } from '../../../electron/core/mse/types';
import { fetchRange } from '../range';
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

function piece(index: number, label: string, range: ByteRange, url: (id: string) => string, expected?: Span): Piece {
  const ref = { url: url(range.fileId), offset: range.offset, size: range.size };
  return { index, label, size: range.size, expected, range: ref, load: (signal) => fetchRange(ref.url, ref.offset, ref.size, signal) };
}

export function sourcesOf(analysis: MseAnalysis, url: (fileId: string) => string): StreamSource[] {
  return analysis.streams.map((s: MseStream) => ({
    label: s.label,
    mime: s.mime,
    init: s.init ? piece(-1, `init ${s.init.name} ${s.init.offset}+${s.init.size}`, s.init, url) : null,
    segments: s.segments.map((seg) => piece(seg.index, `${seg.range.name} ${seg.range.offset}+${seg.range.size}`, seg.range, url, expectedSpan(seg))),
  }));
}
