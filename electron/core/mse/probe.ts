/**
 * ffprobe's view of a file's streams next to ours: for each stream, what ffprobe reports (codec,
 * profile, level, tag…) and the RFC 6381 codec string and MIME type the MSE lab derives from the
 * sample description of the same track.
 */
import { stat } from 'node:fs/promises';
import { describeFsError, WorkbenchError } from '../errors';
import { ffprobeJson } from '../media/ffprobe';
import { assertMaybeMedia } from '../media/sniff';
import { isHttpUrl } from '../net/http';
import { analyzeMse } from './analyze';
import type { TrackCodec } from './types';

export interface ProbeStream {
  index: number;
  /** Track id (ffprobe's `id` for MP4 streams). */
  trackId: number | null;
  ffprobe: {
    codec_type?: string;
    codec_name?: string;
    codec_tag_string?: string;
    profile?: string;
    level?: number;
    width?: number;
    height?: number;
    pix_fmt?: string;
    sample_rate?: string;
    channels?: number;
    channel_layout?: string;
    duration?: string;
    bit_rate?: string;
    nb_frames?: string;
  };
  /** Our codec string and MIME type for the same track (null when the track has none, e.g. no sample entry). */
  ours: Pick<TrackCodec, 'codec' | 'mime' | 'sampleEntry' | 'codecComplete'> | null;
}

export interface ProbeResult {
  file: string;
  format: { format_name?: string; duration?: string; size?: string; bit_rate?: string; brand?: string };
  streams: ProbeStream[];
  /** Combined MIME type for every audio/video track. */
  mime: string;
}

const PICK = ['codec_type', 'codec_name', 'codec_tag_string', 'profile', 'level', 'width', 'height', 'pix_fmt', 'sample_rate', 'channels', 'channel_layout', 'duration', 'bit_rate', 'nb_frames'] as const;

export async function probeFile(file: string): Promise<ProbeResult> {
  // A URL goes to ffprobe as a URL (http(s) only, its protocol whitelist); a path as file:<absolute path>.
  if (!isHttpUrl(file)) {
    // Unreadable inputs get the same sentences as everywhere else, before ffprobe is asked.
    let info;
    try {
      info = await stat(file);
    } catch (err) {
      throw describeFsError(err, file);
    }
    if (info.isDirectory()) throw new WorkbenchError('EISDIR', `${file} is a folder; give a media file inside it.`);
    await assertMaybeMedia(file);
  }
  const input = isHttpUrl(file) ? ({ kind: 'url', url: file } as const) : ({ kind: 'file', path: file } as const);
  const json = await ffprobeJson<{ streams?: Record<string, unknown>[]; format?: Record<string, unknown> }>(input, ['-show_streams', '-show_format'], { timeoutMs: 60_000 });
  const analysis = await analyzeMse([file]);
  const byId = new Map(analysis.tracks.map((t) => [t.id, t] as const));
  const streams: ProbeStream[] = (json.streams ?? []).map((s, i) => {
    const idText = typeof s.id === 'string' ? s.id : undefined;
    const trackId = idText ? Number.parseInt(idText, idText.startsWith('0x') ? 16 : 10) : null;
    const ff: ProbeStream['ffprobe'] = {};
    for (const k of PICK) if (s[k] !== undefined) (ff as Record<string, unknown>)[k] = s[k];
    const t = trackId !== null && Number.isFinite(trackId) ? byId.get(trackId) : undefined;
    return {
      index: typeof s.index === 'number' ? s.index : i,
      trackId: trackId !== null && Number.isFinite(trackId) ? trackId : null,
      ffprobe: ff,
      ours: t ? { codec: t.codec, mime: t.mime, sampleEntry: t.sampleEntry, codecComplete: t.codecComplete } : null,
    };
  });
  const f = json.format ?? {};
  const tags = (f.tags ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    file,
    format: { format_name: str(f.format_name), duration: str(f.duration), size: str(f.size), bit_rate: str(f.bit_rate), brand: str(tags.major_brand) },
    streams,
    mime: analysis.mime,
  };
}
