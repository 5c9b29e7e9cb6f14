/** Track summaries from a parsed tree (plus the first `tmcd` sample, read from the source). */
import { formatTimecode } from './own-decode';
import { child, childrenOf, descend, num, str } from './parse';
import { sampleSummary, sampleTable } from './samples';
import type { ByteSource } from './source';
import type { BoxNode, TimecodeInfo, TrackInfo } from './types';
import { isEncryptedEntry, originalFormat, trackKind } from './vocabulary';

/** Track ids: every `trak`, plus tracks that only appear in fragments (segments without init). */
export function trackIds(boxes: BoxNode[]): number[] {
  const ids: number[] = [];
  const moov = boxes.find((b) => b.type === 'moov');
  for (const trak of childrenOf(moov, 'trak')) {
    const id = num(child(trak, 'tkhd'), 'track_id');
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  for (const moof of boxes) {
    if (moof.type !== 'moof') continue;
    for (const traf of childrenOf(moof, 'traf')) {
      const id = num(child(traf, 'tfhd'), 'track_id');
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/** Summaries of every track. Reads the first timecode sample of `tmcd` tracks from `source`. */
export async function describeTracks(boxes: BoxNode[], source: ByteSource | null): Promise<TrackInfo[]> {
  const moov = boxes.find((b) => b.type === 'moov');
  const traks = childrenOf(moov, 'trak');
  const tracks: TrackInfo[] = [];
  for (const id of trackIds(boxes)) {
    const trak = traks.find((t) => num(child(t, 'tkhd'), 'track_id') === id);
    const tkhd = child(trak, 'tkhd');
    const mdia = child(trak, 'mdia');
    const mdhd = child(mdia, 'mdhd');
    const hdlr = child(mdia, 'hdlr');
    const stsd = descend(mdia, 'minf', 'stbl', 'stsd');
    const entry = stsd?.children?.[0];
    const handler = str(hdlr, 'handler') ?? '';
    const timescale = num(mdhd, 'timescale') ?? 0;
    const duration = num(mdhd, 'duration') ?? 0;
    const summary = sampleSummary(boxes, id, { fileSize: source?.size }) ?? { count: 0, bytes: 0, syncCount: 0, span: 0, fragments: 0 };
    const fragmented = summary.fragments > 0;
    const durationSeconds = timescale > 0 ? (duration > 0 && !fragmented ? duration : summary.span) / timescale : 0;
    const info: TrackInfo = {
      id,
      handler,
      kind: trackKind(handler),
      timescale,
      duration,
      durationSeconds,
      sampleCount: summary.count,
      bytes: summary.bytes,
      fragmented,
      fragmentCount: summary.fragments,
      path: trak?.path ?? '',
    };
    const handlerName = str(hdlr, 'name');
    if (handlerName) info.handlerName = handlerName;
    const language = str(mdhd, 'languageString');
    if (language && /^[a-z]{3}$/.test(language)) info.language = language;
    if (entry) {
      info.sampleEntry = entry.type;
      const codec = entry.derived?.codec;
      if (typeof codec === 'string') info.codec = codec;
      const w = num(entry, 'width');
      const h = num(entry, 'height');
      if (w && h) {
        info.width = w;
        info.height = h;
      }
      const channels = num(entry, 'channel_count');
      const rate = num(entry, 'samplerate');
      if (info.kind === 'audio' || channels) {
        if (channels !== undefined) info.channelCount = channels;
        if (rate !== undefined) info.sampleRate = rate;
      }
      if (isEncryptedEntry(entry.type)) {
        const scheme = str(descend(entry, 'sinf', 'schm'), 'scheme_type');
        const format = originalFormat(entry);
        info.encrypted = {};
        if (scheme) info.encrypted.scheme = scheme;
        if (format !== entry.type) info.encrypted.originalFormat = format;
      }
      if (entry.type === 'tmcd') {
        // Only a timecode track needs a sample's place: its first sample holds the start frame.
        const table = sampleTable(boxes, id, { fileSize: source?.size });
        info.timecode = await timecodeOf(entry, table && table.count ? { offset: table.offset[0]!, size: table.size[0]! } : null, source);
      }
    }
    if (info.width === undefined && tkhd) {
      // tkhd width/height are 16.16 fixed point.
      const w = Math.round((num(tkhd, 'width') ?? 0) / 65536);
      const h = Math.round((num(tkhd, 'height') ?? 0) / 65536);
      if (w && h && info.kind === 'video') {
        info.width = w;
        info.height = h;
      }
    }
    if (durationSeconds > 0 && summary.bytes > 0) info.bitrate = Math.round((summary.bytes * 8) / durationSeconds);
    tracks.push(info);
  }
  return tracks;
}

async function timecodeOf(entry: BoxNode, first: { offset: number; size: number } | null, source: ByteSource | null): Promise<TimecodeInfo> {
  const flags = num(entry, 'tc_flags') ?? 0;
  const tc: TimecodeInfo = {
    flags,
    dropFrame: (flags & 1) !== 0,
    wraps24Hours: (flags & 2) !== 0,
    allowsNegative: (flags & 4) !== 0,
    counter: (flags & 8) !== 0,
    timescale: num(entry, 'timescale') ?? 0,
    frameDuration: num(entry, 'frame_duration') ?? 0,
    numberOfFrames: num(entry, 'number_of_frames') ?? 0,
  };
  if (source && first && first.size >= 4 && first.offset + 4 <= source.size) {
    try {
      const b = await source.read(first.offset, 4);
      if (b.length === 4) {
        const frame = ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
        tc.firstFrame = frame;
        if (!tc.counter && tc.numberOfFrames > 0) tc.start = formatTimecode(frame, tc.numberOfFrames, tc.dropFrame, tc.wraps24Hours);
      }
    } catch {
      // An unreadable sample leaves the start unknown; the entry's fields are still shown.
    }
  }
  return tc;
}
