/**
 * From what the user asked (GifOptions) and what the input is (GifSourceInfo) to exact settings:
 * the trim range, size, rate and encoder knobs. Pure functions, so the CLI, the UI's estimate and the
 * export all agree on what "the defaults" mean.
 */
import { WorkbenchError } from '../errors';
import type { EncodeSettings } from './encoder';
import { GIF_DEFAULTS, type GifOptions, type GifSettings, type GifSourceInfo } from './gif-types';
import { parseGifOptions } from './options';

/** Largest decoded selection (RGB bytes) an export accepts: about 6 minutes at 480×270, 15 fps. */
export const MAX_RAW_BYTES = 2 * 1024 ** 3;

function bad(message: string): WorkbenchError {
  return new WorkbenchError('EBADOPTION', message);
}

/** Height for a width, keeping the display aspect ratio (GIF has no need for even sizes). */
export function heightFor(width: number, source: { width: number; height: number }): number {
  return Math.max(1, Math.round((width * source.height) / source.width));
}

/** Frames a trim range yields at a rate: what ffmpeg's fps filter produces for it. */
export function frameCount(duration: number, fps: number): number {
  return Math.max(1, Math.round(duration * fps));
}

/**
 * Options (parsed through the schema: ranges are checked there, once) and the input → exact
 * settings. What only the input can tell is checked here: a start past its end, the decoded size.
 */
export function resolveSettings(value: GifOptions, source: GifSourceInfo): GifSettings {
  const options = parseGifOptions(value);
  const start = options.start ?? 0;
  if (start >= source.duration) {
    throw bad(`start (${start.toFixed(3)} s) is at or past the end of ${source.path}, which is ${source.duration.toFixed(3)} s long.`);
  }
  const { end, duration: durationOpt } = options;
  if (end !== undefined && durationOpt !== undefined) throw bad('Give either end or duration, not both.');
  let duration: number;
  if (end !== undefined) {
    if (end <= start) throw bad(`end (${end} s) must come after start (${start} s).`);
    duration = Math.min(end, source.duration) - start;
  } else if (durationOpt !== undefined) {
    duration = Math.min(durationOpt, source.duration - start);
  } else {
    duration = source.duration - start;
  }

  const fps = options.fps ?? GIF_DEFAULTS.fps;
  const width = options.width ?? Math.min(GIF_DEFAULTS.width, source.width);
  const loop = options.loop ?? GIF_DEFAULTS.loop;
  const colours = options.colours ?? GIF_DEFAULTS.colours;
  const quality = options.quality ?? GIF_DEFAULTS.quality;
  const bayerScale = options.bayerScale ?? GIF_DEFAULTS.bayerScale;
  const diffusion = options.diffusion ?? GIF_DEFAULTS.diffusion;

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
