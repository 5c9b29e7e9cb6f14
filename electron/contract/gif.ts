import { z } from 'zod';
import type { GifEstimate, GifPreview, GifResult, GifSettings, GifSourceInfo, GifThumbnail } from '../core/gif/gif-types';
import { GIF_DITHERS, GIF_PALETTE_MODES } from '../core/gif/gif-types';
import { fileId, method, outputPath } from './method';

export type { GifEstimate, GifOptions, GifPreview, GifResult, GifSettings, GifSourceInfo, GifThumbnail } from '../core/gif/gif-types';

const seconds = z.number().finite().min(0).max(7 * 24 * 3600);

/** Ranges are checked again (with messages naming the file) when the input is known. */
export const gifOptions = z
  .object({
    start: seconds.optional(),
    end: seconds.optional(),
    duration: seconds.optional(),
    fps: z.number().finite().min(1).max(50).optional(),
    width: z.number().int().min(16).max(4096).optional(),
    loop: z.number().int().min(-1).max(65535).optional(),
    dither: z.enum(GIF_DITHERS).optional(),
    bayerScale: z.number().int().min(0).max(5).optional(),
    diffusion: z.number().finite().min(0).max(1).optional(),
    palette: z.enum(GIF_PALETTE_MODES).optional(),
    colours: z.number().int().min(2).max(256).optional(),
    quality: z.number().finite().min(0).max(100).optional(),
    maxBytes: z.number().int().min(1024).max(4 * 1024 ** 3).optional(),
  })
  .strict();

export const gifExportId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'not an export id');

export interface GifSourceAnswer {
  source: GifSourceInfo;
  /** The settings "Export GIF" uses with no options. */
  defaults: GifSettings;
  /** Where a one-click export goes: beside the input, never over an existing file. */
  defaultOutput: string;
}

export interface GifExportStarted {
  exportId: string;
  output: string;
}

export const gifContract = {
  gifSource: method(z.object({ id: fileId }).strict(), 'Duration, size and frame rate of an opened video, the default GIF settings and output path.').returns<GifSourceAnswer>(),
  gifThumbnails: method(
    z
      .object({
        id: fileId,
        times: z.array(seconds).min(1).max(64),
        height: z.number().int().min(16).max(360),
        /**
         * `strip`: the keyframe at or before each time (fast); `ends`: the exact frames. A newer
         * request for the same file and purpose cancels the older one. Without it: exact, never cancelled.
         */
        purpose: z.enum(['strip', 'ends']).optional(),
      })
      .strict(),
    'Small JPEG frames at the given times (trim strip, exact start/end frames).',
  ).returns<GifThumbnail[]>(),
  gifEstimate: method(
    z.object({ id: fileId, options: gifOptions.default({}), quick: z.boolean().optional() }).strict(),
    'Expected GIF size for options, from a few sampled windows (two short ones with quick: the first answer, within a couple of seconds); a newer request for the same file cancels the older one.',
  ).returns<{ settings: GifSettings; estimate: GifEstimate }>(),
  gifPreview: method(
    z.object({ id: fileId, options: gifOptions.default({}), maxSeconds: z.number().finite().min(0.5).max(20).optional() }).strict(),
    'A preview GIF of the start of the selection, made by the real encoder (base64).',
  ).returns<GifPreview>(),
  gifExport: method(
    z.object({ id: fileId, output: outputPath.optional(), options: gifOptions.default({}), overwrite: z.boolean().default(false) }).strict(),
    'Start exporting a GIF (output beside the input unless given); progress and the result arrive as gif.* events.',
  ).returns<GifExportStarted>(),
  gifCancel: method(z.object({ exportId: gifExportId }).strict(), 'Cancel a running GIF export; no partial file is left.').returns<{ cancelled: boolean }>(),
} as const;

export interface GifEvents {
  'gif.progress': { exportId: string; percent: number; stage: string };
  'gif.finished':
    | { exportId: string; ok: true; result: GifResult }
    | { exportId: string; ok: false; error: { code: string; message: string } };
}
