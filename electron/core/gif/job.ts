/**
 * GIF export as a job of the shared queue (`electron/core/jobs/`): the adapter from the queue's
 * JobContext to the engine's `GifRunner` and `OutputReserver`, and the job kind itself.
 *
 * The types below are the parts of the queue's JobContext/JobKind that GIF export uses, written
 * structurally so this file does not depend on the queue's module; `jobKinds` in
 * `handlers/jobs.ts` takes `gifJob` as is.
 */
import path from 'node:path';
import { exportGif } from './export';
import type { GifOptions, GifResult } from './gif-types';
import type { OutputReserver } from './output';
import { resolveSettings } from './plan';
import { probeSource } from './probe';
import type { GifRunner } from './runner';

export interface GifJobContext {
  /** The queue's job id; the full GifResult is kept under it for the UI (`takeGifResult`). */
  readonly id?: string;
  readonly signal: AbortSignal;
  log(text: string): void;
  progress(update: { percent?: number | null; stage?: string | null }): void;
  ffmpeg(args: string[], options?: { durationSeconds?: number | null; label?: string; share?: [number, number] }): Promise<{ problems: string[] }>;
  output(
    target: string,
    options: { kind?: 'file' | 'folder'; overwrite?: boolean; inputs?: string[] },
  ): Promise<{ target: string; tempPath: string; commit(info: { summary: string; durationSeconds?: number | null }): Promise<unknown>; discard(): Promise<void> }>;
}

export interface GifJobParams {
  input: string;
  output: string;
  options: GifOptions;
  overwrite: boolean;
}

/** Runs the engine's ffmpeg passes as the job's passes (logged, cancellable, progress in the job). */
export function jobRunner(job: GifJobContext): GifRunner {
  return {
    signal: job.signal,
    log: (text) => job.log(text),
    progress: (percent, stage) => job.progress({ percent: Math.round(percent * 10) / 10, stage }),
    ffmpeg: async (args, pass) => {
      const res = await job.ffmpeg(args, { durationSeconds: pass.durationSeconds, label: pass.label, share: pass.share });
      return { problems: res.problems };
    },
  };
}

/** The job's own safe output (temporary name beside the target, committed with a summary). */
export function jobReserver(job: GifJobContext, onCommitted: (result: unknown) => void): OutputReserver {
  return async (target, options) => {
    const handle = await job.output(target, { kind: 'file', overwrite: options.overwrite, inputs: options.inputs });
    return {
      target: handle.target,
      tempPath: handle.tempPath,
      commit: async (info) => onCommitted(await handle.commit({ summary: info?.summary ?? 'GIF', durationSeconds: info?.durationSeconds ?? null })),
      discard: () => handle.discard(),
    };
  };
}

/**
 * A finished export's full result (sizes, chosen settings, budget attempts) by job id: the queue
 * records only the committed file, the GIF view shows more. Taken once, bounded.
 */
const results = new Map<string, GifResult>();
export function takeGifResult(jobId: string): GifResult | null {
  const r = results.get(jobId) ?? null;
  results.delete(jobId);
  return r;
}

/** The queue's job kind for GIF exports (params are JSON, kept for "Retry"). */
export const gifJob = {
  kind: 'gif',
  async prepare(params: GifJobParams) {
    // Fail before queueing: unreadable input, bad options.
    const source = await probeSource(params.input);
    resolveSettings(params.options, source);
    return { title: `GIF of ${path.basename(params.input)}`, input: params.input, output: params.output, outputKind: 'file' as const };
  },
  async run<R>(params: GifJobParams, job: GifJobContext): Promise<R> {
    let committed: unknown = null;
    const result = await exportGif(
      { input: params.input, output: params.output, options: params.options, overwrite: params.overwrite },
      { runner: jobRunner(job), reserve: jobReserver(job, (r) => (committed = r)) },
    );
    if (job.id) {
      results.set(job.id, result);
      if (results.size > 50) results.delete(results.keys().next().value!);
    }
    return committed as R;
  },
};
