/**
 * Playing a progressive MP4 through MSE by fragmenting it on the fly with mp4box.js, the way a
 * JavaScript player would: read the file by ranges, let mp4box.js write an init segment per track
 * and a moof+mdat per segment, one SourceBuffer per track.
 *
 * Why here and not an ffmpeg remux job: nothing is written to disk, the first frame shows after the
 * first second of media is read instead of after a whole remux, and the result is what a web player
 * would produce from the same file, which is the comparison the user is after. The lint's
 * `not-fragmented` fix names the ffmpeg remux for a permanent file.
 *
 * Segment boundaries are chosen here (at sync samples, about every `seconds`) rather than by
 * mp4box.js's own segmenter, whose keyframe alignment closes a segment *after* the keyframe, so
 * every segment but the first would start on a non-sync sample.
 */
import { createFile, MP4BoxBuffer, type DataStream, type ISOFile, type Movie, type Sample } from 'mp4box';
import { mimeType } from '../../../electron/core/mse/codec-string';
import type { TrackCodec } from '../../../electron/core/mse/types';
import { fetchRange } from '../range';
import type { Piece, StreamSource } from './player';

const CHUNK = 1024 * 1024;
/** mp4box.js keeps what it reads in memory; past this, remuxing with ffmpeg is the better tool. */
export const ON_THE_FLY_LIMIT = 1024 * 1024 * 1024;

export interface OnTheFly {
  sources: StreamSource[];
  info: Movie;
}

/** Sample index ranges `[first, last]` of about `seconds` each, starting at sync samples. */
export function cutPoints(samples: Pick<Sample, 'is_sync' | 'dts' | 'timescale'>[], seconds: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i]!;
    const first = samples[start]!;
    if (s.is_sync && (s.dts - first.dts) / s.timescale >= seconds - 1e-6) {
      out.push([start, i - 1]);
      start = i;
    }
  }
  if (samples.length) out.push([start, samples.length - 1]);
  return out;
}

/** Read until mp4box.js has the moov, then describe every track's segments (their bytes come on demand). */
export async function fragmentOnTheFly(url: string, size: number, tracks: TrackCodec[], seconds = 1): Promise<OnTheFly> {
  if (size > ON_THE_FLY_LIMIT) {
    throw new Error(`The file is ${(size / 1073741824).toFixed(1)} GiB; fragmenting on the fly keeps it in memory. Remux it with ffmpeg -c copy -movflags frag_keyframe+empty_moov+default_base_moof instead.`);
  }
  // keepMdatData: fragments are built from the sample bytes (the default discards mdat payloads).
  const file = createFile(true) as ISOFile<number>;
  let next = 0;
  let eof = false;
  let ready: Movie | null = null;
  let failure: string | null = null;
  file.onReady = (info) => (ready = info);
  file.onError = (_module, message) => (failure = message);

  const feed = async (): Promise<void> => {
    const length = Math.min(CHUNK, size - next);
    if (length <= 0) {
      eof = true;
      return;
    }
    const data = await fetchRange(url, next, length);
    const want = file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(data, next), next + length >= size);
    // mp4box.js says where it wants to go on (it may skip over data it does not need).
    next = typeof want === 'number' && want > next ? want : next + length;
    if (next >= size) eof = true;
  };

  while (!ready && !eof && !failure) await feed();
  if (failure) throw new Error(`mp4box.js could not parse the file: ${failure}`);
  if (!ready) throw new Error('mp4box.js found no moov box in the file.');
  const info: Movie = ready;
  const wanted = info.tracks.filter((t) => t.video || t.audio);
  if (!wanted.length) throw new Error('The file has no audio or video track to play.');

  // initializeSegmentation writes one init segment per track for the tracks given segment options.
  for (const t of wanted) file.setSegmentOptions(t.id, t.id, { nbSamples: 1000 });
  const inits = file.initializeSegmentation('per-track');
  const sources: StreamSource[] = [];
  for (const init of inits) {
    const t = wanted.find((w) => w.id === init.id)!;
    const kind = t.video ? 'video' : 'audio';
    const codec = tracks.find((x) => x.id === t.id)?.codec || t.codec;
    const samples = file.getTrackSamplesInfo(t.id);
    const initBytes = init.buffer;
    const segments: Piece[] = cutPoints(samples, seconds).map(([a, b], index) => {
      let lo = Infinity;
      let hi = -Infinity;
      let bytes = 0;
      for (let i = a; i <= b; i++) {
        const s = samples[i]!;
        lo = Math.min(lo, s.cts / s.timescale);
        hi = Math.max(hi, (s.cts + s.duration) / s.timescale);
        bytes += s.size;
      }
      return {
        index,
        label: `samples ${a + 1}–${b + 1}`,
        size: bytes,
        expected: [lo, hi],
        load: async () => {
          for (;;) {
            // Returns undefined while some sample bytes have not been read yet (the typings say otherwise).
            const stream = (file.createFragment as (this: ISOFile<number>, id: number, a: number, b: number) => DataStream | undefined).call(file, t.id, a, b);
            if (stream) {
              file.releaseUsedSamples(t.id, b + 1);
              return stream.buffer.slice(0, stream.byteLength);
            }
            if (eof) throw new Error(`samples ${a + 1}–${b + 1} of track ${t.id} lie past the end of the file.`);
            await feed();
          }
        },
      };
    });
    sources.push({
      label: `track ${t.id} (${kind}, on the fly)`,
      mime: mimeType([kind], [codec]),
      init: { index: -1, label: 'init (mp4box.js)', size: initBytes.byteLength, load: async () => initBytes },
      segments,
    });
  }
  return { sources, info };
}
