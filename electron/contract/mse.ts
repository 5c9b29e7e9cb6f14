import { z } from 'zod';
import type { MseAnalysis } from '../core/mse/types';
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
} as const;
