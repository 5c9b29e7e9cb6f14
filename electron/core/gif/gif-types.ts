/**
 * GIF export: options, defaults and results. Types and constants only (no Node imports): the
 * renderer imports these through the contract.
 */

export const GIF_DITHERS = ['none', 'bayer', 'diffusion'] as const;
export type GifDither = (typeof GIF_DITHERS)[number];

/**
 * - `scenes`: one palette per stretch of similar colours (cuts and fades get their own); the default.
 * - `global`: one palette for the whole clip.
 * - `diff`: one palette weighted towards the pixels that change (moving subject on a still background).
 * - `per-frame`: a new palette for every frame.
 */
export const GIF_PALETTE_MODES = ['scenes', 'global', 'diff', 'per-frame'] as const;
export type GifPaletteMode = (typeof GIF_PALETTE_MODES)[number];

/** What a user may ask for: the zod schema in `options.ts` (its type, re-exported here). */
export type { GifOptions } from './options';

export const GIF_DEFAULTS = {
  fps: 15,
  width: 480,
  loop: 0,
  dither: 'diffusion' as GifDither,
  bayerScale: 3,
  diffusion: 0.5,
  palette: 'scenes' as GifPaletteMode,
  colours: 256,
  quality: 80,
} as const;

export const GIF_LIMITS = {
  minFps: 1,
  maxFps: 50,
  minWidth: 16,
  maxWidth: 4096,
  minColours: 2,
  maxColours: 256,
} as const;

/** Everything decided for one encode: what `mwb gif --json` prints as "chosen". */
export interface GifSettings {
  start: number;
  duration: number;
  fps: number;
  width: number;
  height: number;
  loop: number;
  dither: GifDither;
  bayerScale: number;
  diffusion: number;
  palette: GifPaletteMode;
  colours: number;
  quality: number;
}

/** What ffprobe says about the input's first video stream. */
export interface GifSourceInfo {
  path: string;
  duration: number;
  /** Display size (sample aspect ratio and rotation applied). */
  width: number;
  height: number;
  /** Average frame rate of the video stream (for frame stepping in the trim UI). */
  fps: number;
  codec: string;
}

export interface GifResult {
  output: string;
  bytes: number;
  width: number;
  height: number;
  fps: number;
  /** Frames sampled from the input (duration × fps). */
  frames: number;
  /** Frames written: a frame that changes nothing extends the previous one's delay instead. */
  gifFrames: number;
  /** Seconds the GIF plays (one loop). */
  duration: number;
  chosen: GifSettings;
  /** With a size budget: the budget, each encode tried, and whether the budget could be met. */
  budget: GifBudgetReport | null;
  elapsedMs: number;
}

export interface GifBudgetReport {
  maxBytes: number;
  attempts: { width: number; fps: number; colours: number; quality: number; bytes: number }[];
  /** `fits`: under the budget and within 15% of it; `under`: even the best settings are smaller. */
  outcome: 'fits' | 'under';
}

export interface GifEstimate {
  bytes: number;
  /** A range that the real size falls in for most clips (sampling error). */
  low: number;
  high: number;
  width: number;
  height: number;
  fps: number;
  frames: number;
  duration: number;
  /** Seconds of input actually encoded to make the estimate. */
  sampledSeconds: number;
}

export interface GifPreview {
  /** The preview GIF itself, base64 (shown through a blob: URL). */
  gifBase64: string;
  bytes: number;
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Seconds covered by the preview (the start of the selection when it is long). */
  seconds: number;
  /** The preview covers only the first `seconds` of a longer selection. */
  partial: boolean;
  settings: GifSettings;
}

export interface GifThumbnail {
  time: number;
  /** JPEG, base64. */
  jpegBase64: string;
  width: number;
  height: number;
}
