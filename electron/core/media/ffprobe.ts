/**
 * What ffprobe says about a file or URL: container, duration and streams. Used to know a job's
 * total duration (percent, ETA) before it starts and to verify its output after it ends.
 */
import { resolveBinary } from '../binaries';
import { WorkbenchError } from '../errors';
import { inputArgs, type MediaInput } from '../jobs/inputs';
import { logLines } from '../jobs/runner';
import { runCapture } from '../process';
import { sniffFile, type Sniff } from './sniff';

export type StreamType = 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'unknown';

export interface ProbeStream {
  index: number;
  type: StreamType;
  codec: string | null;
  /** e.g. `avc1`, `hvc1`, `tmcd`. */
  codecTag: string | null;
  profile: string | null;
  width: number | null;
  height: number | null;
  /** Average frame rate, when ffprobe knows it. */
  fps: number | null;
  pixelFormat: string | null;
  sampleRate: number | null;
  channels: number | null;
  durationSeconds: number | null;
  tags: Record<string, string>;
}

export interface ProbeResult {
  /** ffprobe's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, `hls`. */
  formatName: string;
  durationSeconds: number | null;
  sizeBytes: number | null;
  bitRate: number | null;
  streams: ProbeStream[];
  tags: Record<string, string>;
}

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  profile?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  pix_fmt?: string;
  sample_rate?: string;
  channels?: number;
  duration?: string;
  tags?: Record<string, string>;
}
export interface RawProbe {
  streams?: RawStream[];
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string; tags?: Record<string, string> };
}

function numberOrNull(v: string | number | undefined): number | null {
  if (v === undefined || v === 'N/A') return null;
  const n = typeof v === 'number' ? v : Number.parseFloat(v);
  return Number.isFinite(n) ? n : null;
}

function rate(v: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(v ?? '');
  if (!m || Number(m[2]) === 0 || Number(m[1]) === 0) return null;
  return Number(m[1]) / Number(m[2]);
}

const types: StreamType[] = ['video', 'audio', 'subtitle', 'data', 'attachment'];

/** ffprobe's JSON → ProbeResult. Pure, for tests. */
export function parseProbeJson(raw: RawProbe): ProbeResult {
  const streams = (raw.streams ?? []).map<ProbeStream>((s, i) => ({
    index: s.index ?? i,
    type: types.includes(s.codec_type as StreamType) ? (s.codec_type as StreamType) : 'unknown',
    codec: s.codec_name ?? null,
    codecTag: s.codec_tag_string && !/^\[/.test(s.codec_tag_string) ? s.codec_tag_string : null,
    profile: s.profile ?? null,
    width: s.width ?? null,
    height: s.height ?? null,
    fps: rate(s.avg_frame_rate) ?? rate(s.r_frame_rate),
    pixelFormat: s.pix_fmt ?? null,
    sampleRate: numberOrNull(s.sample_rate),
    channels: s.channels ?? null,
    durationSeconds: numberOrNull(s.duration),
    tags: s.tags ?? {},
  }));
  const f = raw.format ?? {};
  return {
    formatName: f.format_name ?? 'unknown',
    durationSeconds: numberOrNull(f.duration),
    sizeBytes: numberOrNull(f.size),
    bitRate: numberOrNull(f.bit_rate),
    streams,
    tags: f.tags ?? {},
  };
}

/** What ffprobe said, one sentence: its distinct error lines without context prefixes or our `file:`. */
export function ffprobeReason(stderr: string, input: string, sniff?: Sniff): string {
  const plain = input.replace(/^file:/, '');
  const seen: string[] = [];
  for (let line of logLines(stderr, { withoutContext: true })) {
    if (line.startsWith(`${plain}: `)) line = line.slice(plain.length + 2);
    line = line.replace(/\.$/, '');
    if (!seen.includes(line)) seen.push(line);
  }
  let reason = seen.slice(-4).join('; ') || 'no output';
  if (sniff?.text) return `it is a text file${sniff.preview ? ` (it starts with "${sniff.preview}")` : ''}, not audio or video`;
  if (/moov atom not found/.test(reason)) {
    // Only a file that starts like an MP4 can be an unfinished one.
    reason += sniff && !sniff.boxHeader ? ' (its first bytes are not an MP4 box: it is not an MP4 at all)' : ' (the file is cut short or was never finished: its index is missing)';
  }
  return reason;
}

export interface FfprobeOptions {
  timeoutMs?: number;
  /** Cap on what ffprobe may print (bytes per stream). */
  maxBytes?: number;
}

/**
 * The one way ffprobe runs: argv array, a local file always as `file:<absolute path>` with
 * `-protocol_whitelist file` (a URL the user chose: its own whitelist and timeouts, from
 * `jobs/inputs.ts`), JSON out, and a failure that names the input and says what ffprobe said.
 * `args` are the query (`-show_streams`, `-select_streams v:0`, `-show_entries …`).
 */
export async function ffprobeJson<T>(input: MediaInput, args: readonly string[], options: FfprobeOptions = {}): Promise<T> {
  const ffprobe = resolveBinary('ffprobe');
  const { options: inputOptions, arg, label } = inputArgs(input);
  const argv = ['-hide_banner', '-v', 'error', '-print_format', 'json', ...args, ...inputOptions, '-i', arg];
  const res = await runCapture(ffprobe.path, argv, { timeoutMs: options.timeoutMs ?? 30_000, maxBytes: options.maxBytes ?? 8 * 1024 * 1024 });
  if (res.code !== 0) {
    const sniff = input.kind === 'file' ? await sniffFile(input.path).catch(() => undefined) : undefined;
    throw new WorkbenchError('ENOTMEDIA', `${label} is not a media file ffmpeg can read: ${ffprobeReason(res.stderr, arg, sniff)}.`);
  }
  try {
    return JSON.parse(res.stdout) as T;
  } catch {
    throw new WorkbenchError('ENOTMEDIA', `ffprobe gave no readable answer for ${label}.`);
  }
}

/** Container, duration and streams of a local file or a URL the user chose. */
export async function probeMedia(input: MediaInput, options: FfprobeOptions = {}): Promise<ProbeResult> {
  return parseProbeJson(await ffprobeJson<RawProbe>(input, ['-show_format', '-show_streams'], options));
}
