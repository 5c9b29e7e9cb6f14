/**
 * The playback plan of an MPEG-TS HLS stream, which the Player plays by having each segment
 * remuxed to fMP4 by ffmpeg on the Node side (`core/media/transmux.ts`).
 *
 * Tracks and codec strings come from the remux of the first segment (its ftyp+moov, read by the
 * same box engine and codec vocabulary as any fMP4), so the SourceBuffer's type names what the
 * remuxed segments really carry. Expected times are the playlist's EXTINF durations laid end to
 * end from the first segment's own start (a TS keeps its timestamps through the remux, typically
 * starting at 1.4 s, not 0). Each segment's range is its TS bytes; the Player turns it into a
 * transmux request. No Node import: the Node side passes the remux in (`head`).
 */
import { bufferSource } from '../boxes';
import { errorMessage } from '../errors';
import type { PartSpec, StreamSpec } from './manifest';
import { buildStream, DocCache, type MediaFiles, type StreamModel } from './model';
import type { ByteRange, MediaSegment, MseStream, SegmentTrack } from './types';

/** The first segment remuxed: ftyp, moov and the first moof (see `transmuxHead`). */
export interface TransportHead {
  bytes: Uint8Array;
  /** Whether its AAC went through aac_adtstoasc (the Player's requests say the same). */
  aac: boolean;
}

export interface TransportPlanOptions {
  /** Remux a segment's head (Node: ffmpeg): the first one, and the first after each discontinuity. */
  head: (part: PartSpec) => Promise<TransportHead>;
  /** The id the Player fetches a file by (see AnalyzeOptions.fileId). */
  idOf: (file: string, size?: number) => string | Promise<string>;
  /** Plan a stream model the way every fMP4 stream is planned (tracks, codec strings, mime, boxes). */
  planModel: (model: StreamModel) => Promise<MseStream>;
}

const HEAD_NAME = '(first TS segment remuxed by ffmpeg)';
/** Segment files opened at once while learning their sizes (one small request each for a URL). */
const CONCURRENCY = 8;
/** mfhd numbers set aside per segment (a segment of 1000 GOPs would be hours long). */
export const FRAGMENTS_PER_SEGMENT = 1000;

/**
 * Where a remuxed head starts: its video's first presentation time (the keyframe segments are cut
 * at, so runs of video join exactly), else its earliest track's.
 */
function startOf(planned: MseStream): number | undefined {
  const rows = planned.segments[0]?.tracks ?? [];
  const time = (id: number) => rows.find((t) => t.id === id)?.presentationStart;
  const video = planned.tracks.find((t) => t.kind === 'video');
  const v = video ? time(video.id) : undefined;
  if (v !== undefined && Number.isFinite(v)) return v;
  const starts = rows.map((t) => t.presentationStart ?? t.start).filter((t): t is number => t !== undefined && Number.isFinite(t));
  return starts.length ? Math.min(...starts) : undefined;
}

/** Plan an MPEG-TS stream (its spec lists the TS segments, and EXTINF durations in `declared`). */
export async function planTransportStream(index: number, spec: StreamSpec, files: MediaFiles, options: TransportPlanOptions): Promise<MseStream> {
  const base: MseStream = { index, label: spec.label, mime: '', tracks: [], init: null, initBoxes: [], segments: [] };
  const parts = spec.parts.filter((p) => p.role !== 'init');
  if (!parts.length) return base;
  let head: TransportHead;
  try {
    head = await options.head(parts[0]!);
  } catch (err) {
    return { ...base, transmux: { aac: true, error: errorMessage(err) } };
  }
  const memory: MediaFiles = { open: async () => bufferSource(head.bytes, HEAD_NAME), baseName: () => HEAD_NAME };
  const cache = new DocCache(memory);
  let planned: MseStream;
  try {
    planned = await options.planModel(await buildStream(index, { label: spec.label, parts: [{ path: HEAD_NAME, role: 'auto' }] }, cache));
  } catch (err) {
    return { ...base, transmux: { aac: head.aac, error: `ffmpeg's remux of the first segment cannot be read: ${errorMessage(err)}` } };
  } finally {
    await cache.closeAll();
  }

  // Each segment file's id and size (a URL's size costs one small request; eight at a time).
  const ranges: ByteRange[] = new Array(parts.length);
  for (let from = 0; from < parts.length; from += CONCURRENCY) {
    await Promise.all(
      parts.slice(from, from + CONCURRENCY).map(async (part, k) => {
        let size: number | undefined;
        let fileId = '';
        try {
          if (part.size === undefined) {
            const source = await files.open(part.path);
            size = source.size;
            await source.close();
          }
          fileId = await options.idOf(part.path, size);
        } catch {
          // Missing or unreachable: an empty id, and the Player says so when it gets there.
        }
        ranges[from + k] = { fileId, name: files.baseName(part.path), offset: part.offset ?? 0, size: part.size ?? size ?? 0 };
      }),
    );
  }

  const t0 = startOf(planned) ?? 0;
  const durations = spec.declared?.durations ?? [];
  // Each run after a discontinuity: where its own clock starts (the remux of its first segment's
  // head), and the shift that lays it after the previous run. A head that cannot be made keeps the clock.
  const runStart = new Map<number, number>();
  const runs: { from: number; shift: number }[] = [];
  for (const from of spec.declared?.discontinuities ?? []) {
    if (from <= 0 || from >= parts.length) continue;
    try {
      const h = await options.head(parts[from]!);
      const c = new DocCache({ open: async () => bufferSource(h.bytes, HEAD_NAME), baseName: () => HEAD_NAME });
      try {
        const p = await options.planModel(await buildStream(index, { label: spec.label, parts: [{ path: HEAD_NAME, role: 'auto' }] }, c));
        const start = startOf(p);
        if (start !== undefined) runStart.set(from, start);
      } finally {
        await c.closeAll();
      }
    } catch {
      // Planned on the previous clock; the timeline will show where it landed.
    }
  }
  let at = t0;
  let shift = 0;
  // The first segment's tracks start where the remux says (audio and video differ by a frame or so).
  const actual = new Map((planned.segments[0]?.tracks ?? []).map((t) => [t.id, t] as const));
  const segments: MediaSegment[] = ranges.map((range, i) => {
    const own = runStart.get(i);
    if (own !== undefined) {
      // `at` is where the previous run ends on the continuous timeline; this run's media starts at `own`.
      shift = at + shift - own;
      at = own;
      runs.push({ from: i, shift });
    }
    const d = durations[i];
    const tracks: SegmentTrack[] =
      d !== undefined && d > 0
        ? planned.tracks.map((t) => {
            const own = i === 0 ? actual.get(t.id) : undefined;
            return { id: t.id, duration: Math.round(d * t.timescale), sampleCount: 0, start: own?.start ?? at, end: at + d, presentationStart: own?.presentationStart ?? at, presentationEnd: at + d };
          })
        : [];
    at += d ?? 0;
    // Remuxed separately, every segment would number its fragments from 1: give each its own thousand.
    return { index: i, range, boxes: [], tracks, sequenceNumber: i * FRAGMENTS_PER_SEGMENT + 1, fragmentCount: 0, errors: 0, warnings: 0 };
  });
  return {
    ...base,
    mime: planned.mime,
    tracks: planned.tracks,
    init: ranges[0]!,
    initBoxes: planned.initBoxes,
    segments,
    transmux: { aac: head.aac, ...(runs.length && { runs }) },
  };
}
