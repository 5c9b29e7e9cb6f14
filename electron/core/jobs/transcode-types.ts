/**
 * Option types and UI groups of the transcode presets, without any logic: the contract (and so the
 * renderer) imports these; the presets themselves (and `PresetId`) live in `presets.ts`.
 */
import { z } from 'zod';
import { choiceOption, numberOption } from '../options';
import type { PresetDef, PresetId } from './presets';

export type { PresetId };

/** The Transcode view's groups, in order; each preset names its own (`PresetDef.group`). */
export const PRESET_GROUPS = ['Web and streaming', 'Other codecs', 'Audio', 'Tools'] as const;
export type PresetGroup = (typeof PRESET_GROUPS)[number];

/** Presets (or their infos) in their UI groups, in `PRESET_GROUPS` order; every preset is in one. */
export function groupPresets<T extends { group: PresetGroup }>(presets: readonly T[]): { title: PresetGroup; presets: T[] }[] {
  return PRESET_GROUPS.map((title) => ({ title, presets: presets.filter((p) => p.group === title) })).filter((g) => g.presets.length > 0);
}

export const SPEEDS = ['ultrafast', 'veryfast', 'fast', 'medium', 'slow'] as const;
export type Speed = (typeof SPEEDS)[number];
export const PRORES_PROFILES = ['proxy', 'lt', 'standard', 'hq', '4444'] as const;
export type ProresProfile = (typeof PRORES_PROFILES)[number];

const WEEK = 7 * 24 * 3600;

/** `HH:MM:SS:FF`, or `HH:MM:SS;FF` for drop-frame. */
export const TIMECODE = /^(\d{2}):([0-5]\d):([0-5]\d)([:;])(\d{2})$/;

/**
 * The transcode options the app accepts: one zod schema (its type below). The contract, the
 * presets' `validateOptions` and `mwb transcode` parse through it; which options a preset takes,
 * and checks between options (end after start, even sizes), are the presets' (`presets.ts`).
 * No raw ffmpeg arguments here: the contract never forwards an argv
 * (test/unit/security/contract-surface.test.ts); those are `cliTranscodeOptionsSchema`'s.
 */
export const transcodeOptionsSchema = z
  .object({
    /** Trim: first second to keep. */
    start: numberOption('start', '0 or more seconds', { min: 0, max: WEEK }).optional(),
    /** Trim: last second to keep (exclusive with `duration`). */
    end: numberOption('end', 'a time in seconds', { min: 0, max: WEEK }).optional(),
    /** Trim: seconds to keep from `start`. */
    duration: numberOption('duration', `above 0 and at most ${WEEK}`, { min: 0, max: WEEK, aboveMin: true }).optional(),
    /** Scale to this width (height follows the aspect ratio, rounded to even). */
    width: numberOption('width', 'a whole number from 2 to 16384', { min: 2, max: 16384, whole: true }).optional(),
    /** Scale to this height (width follows, unless `width` is given too). */
    height: numberOption('height', 'a whole number from 2 to 16384', { min: 2, max: 16384, whole: true }).optional(),
    /** Output frame rate. */
    fps: numberOption('fps', 'above 0 and at most 240', { min: 0, max: 240, aboveMin: true }).optional(),
    /** Constant quality (encoder scale: x264 0–51, x265 0–51, VP9/AV1 0–63). */
    crf: numberOption('crf', 'a whole number from 0 to 63', { min: 0, max: 63, whole: true }).optional(),
    /** Target video bitrate instead of constant quality. */
    videoBitrateKbps: numberOption('video bitrate (kbit/s)', 'a whole number above 0 and at most 500000', { min: 0, max: 500_000, whole: true, aboveMin: true }).optional(),
    audioBitrateKbps: numberOption('audio bitrate (kbit/s)', 'a whole number above 0 and at most 1536', { min: 0, max: 1536, whole: true, aboveMin: true }).optional(),
    /** Encoder effort: faster is bigger/worse, slower is smaller/better. */
    speed: choiceOption('speed', SPEEDS).optional(),
    /** A hardware encoder from `caps` (e.g. `h264_nvenc`, `hevc_videotoolbox`). */
    hwEncoder: z
      .string()
      .regex(/^[a-z0-9_]{2,40}$/, { error: (i) => `"${String(i.input).slice(0, 80)}" is not an encoder name.` })
      .optional(),
    /** Keyframe interval = fragment/segment length, for fmp4-mse/cmaf/hls-fmp4/dash. */
    segmentSeconds: numberOption('segment length (s)', 'above 0 and at most 60', { min: 0, max: 60, aboveMin: true }).optional(),
    /** Start timecode for prores-timecode: `HH:MM:SS:FF` (or `;FF` for drop-frame). */
    timecode: z
      .string()
      .regex(TIMECODE, { error: (i) => `timecode must look like HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame), not "${String(i.input).slice(0, 80)}".` })
      .optional(),
    proresProfile: choiceOption('proresProfile', PRORES_PROFILES).optional(),
  })
  .strict();

/** The command line's options: the app's, plus raw output arguments for the CLI-only custom preset. */
export const cliTranscodeOptionsSchema = transcodeOptionsSchema
  .extend({
    /** Custom preset: raw ffmpeg output arguments (placed between the input and the output). */
    customArgs: z.array(z.string()).optional(),
    /** Custom preset: the user confirmed that the arguments may send output to a URL. */
    allowUrlOutput: z.boolean().optional(),
  })
  .strict();

export type TranscodeOptions = z.infer<typeof cliTranscodeOptionsSchema>;

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

/** A preset as the UI and `mwb presets` show it: its entry's descriptive fields, and what this ffmpeg makes of it. */
export interface PresetInfo extends Pick<PresetDef, 'id' | 'label' | 'group' | 'description' | 'outputKind' | 'extension' | 'extensions' | 'urlInput' | 'options'> {
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
