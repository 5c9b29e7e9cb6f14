/**
 * Types and tables of live recordings (`record.ts`) without Node imports: the contract and the
 * renderer import them from here.
 */

export const RECORD_MODES = ['auto', 'copy', 'reencode'] as const;
export type RecordMode = (typeof RECORD_MODES)[number];
export const RTSP_TRANSPORTS = ['auto', 'tcp', 'udp'] as const;
export type RtspTransport = (typeof RTSP_TRANSPORTS)[number];
/** Extensions a recording may have: it is always an MP4 (fragmented). */
export const RECORD_EXTENSIONS = ['.mp4', '.m4v'] as const;

/** What each mode does, for the UI and `mwb record --help`. */
export const RECORD_MODE_LABELS: Record<RecordMode, string> = {
  auto: 'Copy, re-encode only what MP4 cannot carry',
  copy: 'Copy only (refuse codecs MP4 cannot carry)',
  reencode: 'Always re-encode to H.264/AAC',
};

/**
 * Codecs copied into the recording as they are: what the MP4 muxer writes and browsers decode
 * through MSE. Anything else is re-encoded (auto) or refused (copy).
 */
export const MP4_COPY_CODECS: Record<'video' | 'audio', readonly string[]> = {
  video: ['h264', 'hevc', 'av1', 'vp9'],
  audio: ['aac', 'mp3', 'opus', 'ac3', 'eac3'],
};

export interface StreamChoice {
  type: 'video' | 'audio';
  codec: string;
  action: 'copy' | 'reencode';
  /** What it becomes when re-encoded ("H.264 (libx264)", "AAC"); null for a copy. */
  reencodeTo: string | null;
  /** Why it is re-encoded, in words ("pcm_mulaw audio cannot go into an MP4 that browsers play"). */
  reason: string | null;
}

/** One line per stream for the log and `mwb record --dry-run` (the Record view shows a table). */
export function describeStream(s: StreamChoice): string {
  return s.action === 'copy' ? `${s.type}: ${s.codec}, copied as it is.` : `${s.type}: ${s.codec} is re-encoded to ${s.reencodeTo}: ${s.reason}.`;
}

export interface RecordPreview {
  command: string;
  args: string[];
  target: string;
  streams: StreamChoice[];
  notes: string[];
  suggestedOutput: string | null;
  exists: boolean;
  busy: boolean;
}
