import { z } from 'zod';
import type { LiveReload, MseAnalysis } from '../core/mse/types';
import { fileId, method } from './method';

const mseInput = z
  .object({
    /** An fMP4, an init segment (then `segments`), a progressive MP4, or an .m3u8/.mpd manifest. */
    id: fileId,
    /** Media segments in append order, after the init segment `id`. */
    segments: z.array(fileId).max(10_000).optional(),
  })
  .strict();

export const mseContract = {
  mseAnalyze: method(
    mseInput,
    'Lint a file, segment set or manifest against the MSE rules and plan its playback (streams, byte ranges, expected times, codec strings).',
  ).returns<MseAnalysis>(),
  msePlan: method(
    mseInput,
    'Plan the playback of a file, segment set or manifest without linting it (findings empty, linted false): what the Player appends while mseAnalyze runs.',
  ).returns<MseAnalysis>(),
  mseLiveReload: method(
    z
      .object({
        /** A live media playlist's id, as a plan gave it (`stream.live.playlist`). */
        id: fileId,
        /** The highest media sequence the Player has: only later segments are planned. */
        after: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER),
      })
      .strict(),
    'Read a live HLS media playlist again (the Player follows the live edge): its window now, and the segments after media sequence `after`, planned like msePlan.',
  ).returns<LiveReload>(),
} as const;
