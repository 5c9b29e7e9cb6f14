/**
 * Names and option types of the transcode presets, without any logic: the contract (and so the
 * renderer) imports these; the presets themselves live in `presets.ts`.
 */

export const PRESET_IDS = [
  'web-mp4',
  'fmp4-mse',
  'cmaf',
  'hls-fmp4',
  'dash',
  'webm-vp9-opus',
  'av1-mp4',
  'hevc-mp4',
  'audio-mp3',
  'audio-aac',
  'remux',
  'prores-timecode',
  'letterbox-1080p',
  'custom',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export function isPresetId(id: string): id is PresetId {
  return (PRESET_IDS as readonly string[]).includes(id);
}

export const SPEEDS = ['ultrafast', 'veryfast', 'fast', 'medium', 'slow'] as const;
export type Speed = (typeof SPEEDS)[number];
export const PRORES_PROFILES = ['proxy', 'lt', 'standard', 'hq', '4444'] as const;
export type ProresProfile = (typeof PRORES_PROFILES)[number];

export interface TranscodeOptions {
  /** Trim: first second to keep. */
  start?: number;
  /** Trim: last second to keep (exclusive with `duration`). */
  end?: number;
  /** Trim: seconds to keep from `start`. */
  duration?: number;
  /** Scale to this width (height follows the aspect ratio, rounded to even). */
  width?: number;
  /** Scale to this height (width follows, unless `width` is given too). */
  height?: number;
  /** Output frame rate. */
  fps?: number;
  /** Constant quality (encoder scale: x264 0–51, x265 0–51, VP9/AV1 0–63). */
  crf?: number;
  /** Target video bitrate instead of constant quality. */
  videoBitrateKbps?: number;
  audioBitrateKbps?: number;
  /** Encoder effort: faster is bigger/worse, slower is smaller/better. */
  speed?: Speed;
  /** A hardware encoder from `caps` (e.g. `h264_nvenc`, `hevc_videotoolbox`). */
  hwEncoder?: string;
  /** Keyframe interval = fragment/segment length, for fmp4-mse/cmaf/hls-fmp4/dash. */
  segmentSeconds?: number;
  /** Start timecode for prores-timecode: `HH:MM:SS:FF` (or `;FF` for drop-frame). */
  timecode?: string;
  proresProfile?: ProresProfile;
  /** Custom preset: raw ffmpeg output arguments (placed between the input and the output). */
  customArgs?: string[];
  /** Custom preset: the user confirmed that the arguments may send output to a URL. */
  allowUrlOutput?: boolean;
}

/** Which options a preset uses (the UI shows only these; the CLI rejects the others). */
export type OptionName =
  | 'trim'
  | 'scale'
  | 'fps'
  | 'crf'
  | 'videoBitrate'
  | 'audioBitrate'
  | 'speed'
  | 'hwEncoder'
  | 'segmentSeconds'
  | 'timecode'
  | 'proresProfile'
  | 'customArgs';

/** A preset as the UI and `mwb presets` show it. */
export interface PresetInfo {
  id: PresetId;
  label: string;
  description: string;
  outputKind: 'file' | 'folder';
  /** Default extension of a suggested output ('' for folder outputs). */
  extension: string;
  /** Accepted output extensions (empty: any, or a folder). */
  extensions: string[];
  /** Accepts an http(s)/rtsp URL as input. */
  urlInput: boolean;
  options: OptionName[];
  available: boolean;
  /** Why it is disabled (the encoder or muxer this ffmpeg lacks). */
  reason: string | null;
  /** Hardware encoders of the preset's codec that this ffmpeg lists (usable or not: see transcodeHardware). */
  hwEncoders: string[];
}

export interface HwEncoderInfo {
  name: string;
  /** A one-frame test encode worked on this machine. */
  usable: boolean;
  /** Why not (the driver/device message), when not usable. */
  reason: string | null;
}

export interface TranscodePreview {
  /** The exact command line (quoted for display; the job runs the same argv without a shell). */
  command: string;
  /** The same command for the other shell family (POSIX sh or Windows). */
  commandAlt: string;
  args: string[];
  ffmpeg: string;
  /** Folder outputs run inside the output folder. */
  cwd: string | null;
  /** Absolute output path (a folder for hls-fmp4/dash). */
  target: string;
  outputKind: 'file' | 'folder';
  /** Playlist/manifest inside the folder, for folder outputs. */
  mainFile: string | null;
  expectedDuration: number | null;
  notes: string[];
  /** Set when no output was given: the name the preview used. */
  suggestedOutput: string | null;
  /** The target exists (and would need overwrite). */
  exists: boolean;
  /** A queued or running job already writes this target. */
  busy: boolean;
}
