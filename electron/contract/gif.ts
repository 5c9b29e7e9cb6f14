import { z } from 'zod';
import type { GifEstimate, GifPreview, GifSettings, GifSourceInfo, GifThumbnail } from '../core/gif/gif-types';
import { gifOptionsSchema } from '../core/gif/options';
import type { JobRecord } from '../core/jobs/types';
import { fileId, method, outputPath } from './method';

export type { GifEstimate, GifOptions, GifPreview, GifResult, GifSettings, GifSourceInfo, GifThumbnail } from '../core/gif/gif-types';

const seconds = z.number().finite().min(0).max(7 * 24 * 3600);

/** The one schema of GIF options (`core/gif/options.ts`); what depends on the input is checked when it is known. */
const gifOptions = gifOptionsSchema;

export interface GifSourceAnswer {
  source: GifSourceInfo;
  /** The settings "Export GIF" uses with no options. */
  defaults: GifSettings;
  /** Where a one-click export goes: beside the input, never over an existing file. */
  defaultOutput: string;
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
    'Queue a GIF export (output beside the input unless given). It is a job like a transcode: follow it through jobs.* events (kind "gif"; the result\'s details are the GIF\'s), cancel it with jobCancel.',
  ).returns<JobRecord>(),
} as const;
