/**
 * Playing MPEG-TS HLS through MSE: each segment is fetched remuxed to fMP4 by ffmpeg on the Node
 * side (`/transmux/<id>` in web mode, `app://workbench/transmux/<id>` in the desktop app; see
 * core/media/transmux.ts), the way hls.js transmuxes in JavaScript, but with ffmpeg's muxer.
 *
 * Scheme: the init segment is the remux of the first segment with only its ftyp+moov kept; every
 * media segment (the first included) is its remux with only moof+mdat kept. So the SourceBuffer
 * sees one init segment and then plain media segments, like any fMP4 HLS stream, and timestamps
 * are the TS's own, so consecutive segments line up in `buffered`. Each remux is timed (request to
 * last byte) and reported through `onRemux`, which the Player puts in its event log.
 */
import type { ByteRange, MediaSegment, MseAnalysis, MseStream } from '../../../electron/core/mse/types';
import type { Piece, StreamSource } from './player';
import type { Span } from './ranges';

export type RemuxPart = 'init' | 'media';

/** One remux the Player fetched. */
export interface RemuxEvent {
  stream: number;
  /** -1 for the init segment. */
  segment: number;
  /** The stream's label (e.g. `index.m3u8`). */
  label: string;
  /** The TS segment's name and its bytes. */
  name: string;
  tsBytes: number;
  /** fMP4 bytes received. */
  bytes: number;
  /** Request to last byte, milliseconds. */
  ms: number;
  /** The init segment was left by the plan's remux of the first segment (no ffmpeg run for this request). */
  fromPlan?: boolean;
}

export interface TransmuxReader {
  /** URL of the remux of an opened file (`query` from `transmuxQuery`). */
  url(fileId: string, query: string): string;
  onRemux?(event: RemuxEvent): void;
  /** The stream cannot be remuxed at all (the plan says why). */
  onError?(stream: number, message: string): void;
}

export function transmuxQuery(range: ByteRange, part: RemuxPart, aac: boolean, seq?: number): string {
  const q = new URLSearchParams({ part, offset: String(range.offset), size: String(range.size) });
  if (!aac) q.set('aac', '0');
  if (seq !== undefined) q.set('seq', String(seq));
  return q.toString();
}

/** The event log's line for a remux. */
export function remuxLine(e: RemuxEvent): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  if (e.segment < 0) {
    const how = e.fromPlan ? `kept from the plan's remux, fetched in ${Math.round(e.ms)} ms` : `remuxed in ${Math.round(e.ms)} ms`;
    return `${e.label} is MPEG-TS, which MSE cannot take: transmuxed to fMP4 by ffmpeg on the fly (-c copy, timestamps kept). Init segment = ftyp+moov of ${e.name}, ${how} (${kb(e.bytes)})`;
  }
  return `segment ${e.segment}: ${e.name} (${kb(e.tsBytes)} MPEG-TS) remuxed to fMP4 by ffmpeg in ${Math.round(e.ms)} ms → moof+mdat ${kb(e.bytes)}`;
}

async function fetchRemux(url: string, what: string, signal?: AbortSignal): Promise<{ buf: ArrayBuffer; fromPlan: boolean }> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new Error(`${what}: the remux request failed (${(err as Error).message})`);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).trim();
    throw new Error(text || `${what}: the remux answered HTTP ${res.status}`);
  }
  return { buf: await res.arrayBuffer(), fromPlan: res.headers.get('x-remux') === 'plan' };
}

/**
 * The timestampOffset that makes the remuxed streams start at 0: a TS keeps its own clock through
 * the remux (ffmpeg's muxer starts at 1.4 s, broadcast streams anywhere), and a media element
 * starts at 0 and would wait there forever. hls.js does the same (it subtracts the first PTS). One
 * offset for every TS stream of the plan, from the latest first frame, so audio and video stay in
 * sync and the first buffered range starts at 0.
 */
export function transportOffset(analysis: MseAnalysis): number {
  const starts = analysis.streams.filter((s) => s.transmux && !s.transmux.error).flatMap((s) => (s.segments[0]?.tracks ?? []).map((t) => t.presentationStart ?? t.start ?? 0));
  // Microseconds are plenty (a 90 kHz tick is 11 µs) and keep the log readable.
  return starts.length ? -Math.round(Math.max(...starts) * 1e6) / 1e6 : 0;
}

/** A TS stream of the plan → what the Player appends: remux requests instead of byte ranges. */
export function transmuxSource(s: MseStream, reader: TransmuxReader, span: (seg: MediaSegment) => Span | undefined, timestampOffset = 0): StreamSource {
  const plan = s.transmux!;
  if (plan.error) reader.onError?.(s.index, `${s.label}: the MPEG-TS segments cannot be remuxed to fMP4, so they cannot play: ${plan.error}`);
  // After a discontinuity the TS may run on a new clock: each segment carries the offset of its run.
  const runs = plan.runs ?? [];
  const offsetOf = (segment: number) => (runs.length ? timestampOffset + (runs.filter((r) => r.from <= segment).pop()?.shift ?? 0) : undefined);
  const piece = (range: ByteRange, index: number, part: RemuxPart, label: string, expected?: Span, seq?: number): Piece => ({
    index,
    label,
    size: range.size,
    expected,
    ...(part === 'media' && offsetOf(index) !== undefined && { timestampOffset: offsetOf(index) }),
    load: async (signal) => {
      if (!range.fileId) throw new Error(`${range.name} could not be opened (missing or unreachable), so it cannot be remuxed.`);
      const t = performance.now();
      const { buf, fromPlan } = await fetchRemux(reader.url(range.fileId, transmuxQuery(range, part, plan.aac, seq)), range.name, signal);
      reader.onRemux?.({ stream: s.index, segment: index, label: s.label, name: range.name, tsBytes: range.size, bytes: buf.byteLength, ms: performance.now() - t, ...(fromPlan && { fromPlan }) });
      return buf;
    },
  });
  return {
    label: `${s.label} (MPEG-TS remuxed by ffmpeg)`,
    mime: s.mime || 'video/mp2t',
    init: s.init ? piece(s.init, -1, 'init', `ftyp+moov of ${s.init.name} remuxed by ffmpeg`) : null,
    segments: s.segments.map((seg) => piece(seg.range, seg.index, 'media', `${seg.range.name} remuxed by ffmpeg`, span(seg), seg.sequenceNumber)),
    ...(timestampOffset && { timestampOffset }),
  };
}
