/**
 * The GIF export's options: one zod schema, the type from it. The contract, `gifJob`, the plan and
 * `mwb gif` all parse through it; what depends on the input (start before its end, the decoded
 * size) is checked in `plan.ts` once the input is known. No Node imports.
 */
import { z } from 'zod';
import { WorkbenchError } from '../errors';
import { choiceOption, numberOption, parseOptions } from '../options';
import { GIF_DITHERS, GIF_LIMITS, GIF_PALETTE_MODES } from './gif-types';

const WEEK = 7 * 24 * 3600;

export const gifOptionsSchema = z
  .object({
    /** Seconds into the input where the GIF starts (default 0). */
    start: numberOption('start', `0 or more seconds (at most ${WEEK})`, { min: 0, max: WEEK }).optional(),
    /** Seconds into the input where it ends (default: the end of the input). */
    end: numberOption('end', `a time in seconds (at most ${WEEK})`, { min: 0, max: WEEK }).optional(),
    /** Alternative to `end`: seconds of input to use. */
    duration: numberOption('duration', 'more than 0 seconds', { min: 0, max: WEEK, aboveMin: true }).optional(),
    /** Frames per second of the GIF (default 15; at most 50, the fastest rate browsers honour). */
    fps: numberOption('fps', `between ${GIF_LIMITS.minFps} and ${GIF_LIMITS.maxFps} (browsers slow faster GIFs down)`, { min: GIF_LIMITS.minFps, max: GIF_LIMITS.maxFps }).optional(),
    /** Width in pixels (default 480, or the source width when smaller); height keeps the aspect ratio. */
    width: numberOption('width', `a whole number of pixels from ${GIF_LIMITS.minWidth} to ${GIF_LIMITS.maxWidth}`, {
      min: GIF_LIMITS.minWidth,
      max: GIF_LIMITS.maxWidth,
      whole: true,
    }).optional(),
    /** 0 = loop forever (default), -1 = play once, N = play N more times after the first. */
    loop: numberOption('loop', '-1 (play once), 0 (forever) or a count up to 65535', { min: -1, max: 65535, whole: true }).optional(),
    dither: choiceOption('dither', GIF_DITHERS).optional(),
    /** Bayer dither scale 0..5 as in ffmpeg: 0 is the strongest pattern, 5 the faintest (default 3). */
    bayerScale: numberOption('bayer scale', 'a whole number from 0 to 5', { min: 0, max: 5, whole: true }).optional(),
    /** Share of the quantisation error spread to neighbours, 0..1 (default 0.5). */
    diffusion: numberOption('diffusion strength', 'from 0 to 1', { min: 0, max: 1 }).optional(),
    palette: choiceOption('palette', GIF_PALETTE_MODES).optional(),
    /** Palette size, 2..256 (default 256). */
    colours: numberOption('colours', `a whole number from ${GIF_LIMITS.minColours} to ${GIF_LIMITS.maxColours}`, {
      min: GIF_LIMITS.minColours,
      max: GIF_LIMITS.maxColours,
      whole: true,
    }).optional(),
    /**
     * 0..100 (default 80). Below 100, a pixel that differs from what is already on screen by less than
     * (100 - quality) / 5 levels is left as is, which is most of the saving on real footage.
     */
    quality: numberOption('quality', 'from 0 to 100', { min: 0, max: 100 }).optional(),
    /** Fit under this many bytes: width, fps, colours and quality are searched (width/fps act as maxima). */
    maxBytes: numberOption('the size budget', 'a whole number of bytes from 1 KB to 4 GB', { min: 1024, max: 4 * 1024 ** 3, whole: true }).optional(),
  })
  .strict();

export type GifOptions = z.infer<typeof gifOptionsSchema>;

/** Options from anywhere (a job's saved params, a test, the CLI) checked; refused with EBADOPTION. */
export function parseGifOptions(value: unknown): GifOptions {
  return parseOptions(gifOptionsSchema, value, (issue) => new WorkbenchError('EBADOPTION', issue.message));
}
