/**
 * GIF export as a job kind of the shared queue (`electron/core/jobs/`): progress, cancel, retry,
 * log and history in Jobs like a transcode. The result's `details` are the GIF's own (`GifResult`).
 */
import path from 'node:path';
import { checkOutputTarget } from '../jobs/safe-output';
import type { JobKind } from '../jobs/types';
import { exportGif } from './export';
import type { GifOptions, GifResult } from './gif-types';
import { resolveSettings } from './plan';
import { probeSource } from './probe';

export interface GifJobParams {
  input: string;
  output: string;
  options: GifOptions;
  overwrite: boolean;
}

export const gifJob: JobKind<GifJobParams, GifResult> = {
  kind: 'gif',
  async prepare(params) {
    // Fail before queueing: unreadable input, bad options, an output that cannot be written.
    const source = await probeSource(params.input);
    resolveSettings(params.options, source);
    await checkOutputTarget({ target: params.output, kind: 'file', overwrite: params.overwrite, inputs: [source.path] });
    return { title: `GIF of ${path.basename(params.input)}`, input: params.input, output: params.output, outputKind: 'file' };
  },
  run: (params, job) => exportGif(params, job),
};
