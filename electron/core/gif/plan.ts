/**
 * From what the user asked (GifOptions) and what the input is (GifSourceInfo) to exact settings:
 * the trim range, size, rate and encoder knobs. Pure functions, so the CLI, the UI's estimate and the
 * export all agree on what "the defaults" mean.
 */
import { WorkbenchError } from '../errors';
import type { EncodeSettings } from './encoder';
import { GIF_DEFAULTS, GIF_LIMITS, type GifOptions, type GifSettings, type GifSourceInfo } from './gif-types';

/** Largest decoded selection (RGB bytes) an export accepts: about 6 minutes at 480×270, 15 fps. */
export const MAX_RAW_BYTES = 2 * 1024 ** 3;

function bad(message: string): WorkbenchError {
  return new WorkbenchError('EBADOPTION', message);
}

function finite(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v)) throw bad(`${name} must be a number, not ${String(v)}.`);
  return v;
}

/** Height for a width, keeping the display aspect ratio (GIF has no need for even sizes). */
export function heightFor(width: number, source: { width: number; height: number }): number {
  return Math.max(1, Math.round((width * source.height) / source.width));
}

/** Frames a trim range yields at a rate: what ffmpeg's fps filter produces for it. */
export function frameCount(duration: number, fps: number): number {
  return Math.max(1, Math.round(duration * fps));
}

export function resolveSettings(options: GifOptions, source: GifSourceInfo): GifSettings {
  const start = finite('start', options.start) ?? 0;
  if (start < 0) throw bad(`start must be 0 or more seconds, not ${start}.`);
  if (start >= source.duration) {
    throw bad(`start (${start.toFixed(3)} s) is at or past the end of ${source.path}, which is ${source.duration.toFixed(3)} s long.`);
  }
  const end = finite('end', options.end);
  const durationOpt = finite('duration', options.duration);
  if (end !== undefined && durationOpt !== undefined) throw bad('Give either end or duration, not both.');
  let duration: number;
  if (end !== undefined) {
    if (end <= start) throw bad(`end (${end} s) must come after start (${start} s).`);
    duration = Math.min(end, source.duration) - start;
  } else if (durationOpt !== undefined) {
    if (durationOpt <= 0) throw bad(`duration must be more than 0 seconds, not ${durationOpt}.`);
    duration = Math.min(durationOpt, source.duration - start);
  } else {
    duration = source.duration - start;
  }

  const fps = finite('fps', options.fps) ?? GIF_DEFAULTS.fps;
  if (fps < GIF_LIMITS.minFps || fps > GIF_LIMITS.maxFps) {
    throw bad(`fps must be between ${GIF_LIMITS.minFps} and ${GIF_LIMITS.maxFps} (browsers slow faster GIFs down), not ${fps}.`);
  }
  const width = finite('width', options.width) ?? Math.min(GIF_DEFAULTS.width, source.width);
  if (!Number.isInteger(width) || width < GIF_LIMITS.minWidth || width > GIF_LIMITS.maxWidth) {
    throw bad(`width must be a whole number of pixels from ${GIF_LIMITS.minWidth} to ${GIF_LIMITS.maxWidth}, not ${width}.`);
  }
  const loop = finite('loop', options.loop) ?? GIF_DEFAULTS.loop;
  if (!Number.isInteger(loop) || loop < -1 || loop > 65535) throw bad(`loop must be -1 (play once), 0 (forever) or a count up to 65535, not ${loop}.`);
  const colours = finite('colours', options.colours) ?? GIF_DEFAULTS.colours;
  if (!Number.isInteger(colours) || colours < GIF_LIMITS.minColours || colours > GIF_LIMITS.maxColours) {
    throw bad(`colours must be a whole number from ${GIF_LIMITS.minColours} to ${GIF_LIMITS.maxColours}, not ${colours}.`);
  }
  const quality = finite('quality', options.quality) ?? GIF_DEFAULTS.quality;
  if (quality < 0 || quality > 100) throw bad(`quality must be from 0 to 100, not ${quality}.`);
  const bayerScale = finite('bayerScale', options.bayerScale) ?? GIF_DEFAULTS.bayerScale;
  if (!Number.isInteger(bayerScale) || bayerScale < 0 || bayerScale > 5) throw bad(`bayer scale must be a whole number from 0 to 5, not ${bayerScale}.`);
  const diffusion = finite('diffusion', options.diffusion) ?? GIF_DEFAULTS.diffusion;
  if (diffusion < 0 || diffusion > 1) throw bad(`diffusion strength must be from 0 to 1, not ${diffusion}.`);

  const height = heightFor(width, source);
  // Decoded frames wait on disk for the palette pass; past this a GIF would be hundreds of MB anyway.
  const raw = width * height * 3 * frameCount(duration, fps);
  if (raw > MAX_RAW_BYTES) {
    throw bad(
      `${frameCount(duration, fps)} frames at ${width}×${height} is too much for one GIF of ${source.path}; use a shorter selection, a lower rate or a smaller width.`,
    );
  }

  return {
    start,
    duration,
    fps,
    width,
    height,
    loop,
    dither: options.dither ?? GIF_DEFAULTS.dither,
    bayerScale,
    diffusion,
    palette: options.palette ?? GIF_DEFAULTS.palette,
    colours,
    quality,
  };
}

/**
 * Encoder knobs for settings. Quality maps to the "unchanged" tolerance (100 → exact, 80 → 4 levels);
 * the Bayer scale to a pattern amplitude like ffmpeg's (each step halves it); diffusion is adaptive
 * (strong on smooth gradients, weak on texture), which the benchmark showed costs fewer bytes for the
 * same look.
 */
export function encoderSettings(s: GifSettings): EncodeSettings {
  return {
    width: s.width,
    height: s.height,
    fps: s.fps,
    loop: s.loop,
    paletteMode: s.palette,
    colours: s.colours,
    dither: s.dither === 'bayer' ? 'ordered' : s.dither,
    ditherStrength: s.dither === 'bayer' ? 48 / 2 ** s.bayerScale : s.dither === 'diffusion' ? s.diffusion : 0,
    adaptive: 1,
    keepLevels: (100 - s.quality) / 5,
  };
}
