/**
 * The `JobContext` a job's work runs with, built once for both ways work runs: inside the queue
 * (`queue.ts` records everything on the job) and stand-alone (`runStandalone`: the CLI, GIF
 * previews and estimates), so an ffmpeg pass, a safe output or a scratch folder behaves the same.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveBinary } from '../binaries';
import { errorMessage } from '../errors';
import { removeWithRetry, trackTemp, untrackTemp } from './cleanup';
import { blankProgress } from './progress';
import { ffmpegPass, JobCancelledError } from './runner';
import { reserveOutput } from './safe-output';
import type { JobContext, JobProgress, SafeOutputHandle } from './types';

export interface ContextSpec {
  id: string;
  signal: AbortSignal;
  /** Aborted to finish a stoppable job now and keep its output; never, when absent. */
  stopSignal?: AbortSignal;
  /** When the work started (elapsed time and ETA). */
  startedAt: number;
  ffmpegPath?: () => string;
  /** ms between `q` and SIGTERM when cancelling ffmpeg. */
  cancelGraceMs?: number;
  /** Where scratch folders go (default: the OS temporary folder). */
  scratchRoot?: string;
  log(text: string): void;
  progress(update: Partial<JobProgress>): void;
  command?(command: string): void;
  /** A temporary output was created (the queue persists these for crash clean-up). */
  tempAdded?(p: string): void;
  spawned?(pid: number): void;
  exited?(): void;
}

export interface OpenContext {
  ctx: JobContext;
  /** Delete every output not committed and every scratch folder (always call, success or not). */
  settle(): Promise<void>;
}

export function createJobContext(spec: ContextSpec): OpenContext {
  const { signal } = spec;
  const stopSignal = spec.stopSignal ?? new AbortController().signal;
  const outputs: SafeOutputHandle[] = [];
  const scratch: string[] = [];
  const ffmpegPath = spec.ffmpegPath ?? (() => resolveBinary('ffmpeg').path);
  const ctx: JobContext = {
    id: spec.id,
    signal,
    stopSignal,
    log: (text) => spec.log(text),
    progress: (update) => spec.progress(update),
    setCommand: (command) => spec.command?.(command),
    output: async (target, opts) => {
      if (signal.aborted) throw new JobCancelledError();
      const handle = await reserveOutput({ target, kind: opts.kind ?? 'file', overwrite: opts.overwrite, inputs: opts.inputs, tag: spec.id });
      outputs.push(handle);
      spec.tempAdded?.(handle.tempPath);
      if (signal.aborted) throw new JobCancelledError();
      return handle;
    },
    ffmpeg: (args, opts) =>
      ffmpegPass(args, opts ?? {}, {
        bin: ffmpegPath(),
        signal,
        stopSignal,
        graceMs: spec.cancelGraceMs,
        startedAt: spec.startedAt,
        log: spec.log,
        command: spec.command,
        progress: spec.progress,
        spawned: spec.spawned,
        exited: spec.exited,
      }),
    scratchDir: async () => {
      const dir = await mkdtemp(path.join(spec.scratchRoot ?? os.tmpdir(), `mwb-job-${spec.id}-`));
      scratch.push(dir);
      trackTemp(dir);
      return dir;
    },
  };
  const settle = async () => {
    // Whatever happened, nothing uncommitted stays on disk (discard is a no-op once committed).
    for (const o of outputs.splice(0)) {
      await o.discard().catch((err: unknown) => spec.log(`# could not delete ${o.tempPath}: ${errorMessage(err)}\n`));
    }
    for (const dir of scratch.splice(0)) {
      await removeWithRetry(dir).catch(() => {});
      untrackTemp(dir);
    }
  };
  return { ctx, settle };
}

export interface StandaloneOptions {
  signal?: AbortSignal;
  /** Every progress update, merged (percent, stage, ETA…). */
  onProgress?(progress: JobProgress): void;
  onLog?(text: string): void;
  cancelGraceMs?: number;
  scratchRoot?: string;
}

/**
 * Run work that needs a JobContext without a queue (no history, no log file): the CLI's `mwb gif`,
 * GIF previews and estimates. Uncommitted outputs and scratch folders are deleted when it ends.
 */
export async function runStandalone<T>(work: (job: JobContext) => Promise<T>, options: StandaloneOptions = {}): Promise<T> {
  let current = blankProgress();
  const { ctx, settle } = createJobContext({
    id: randomBytes(6).toString('base64url'),
    signal: options.signal ?? new AbortController().signal,
    startedAt: Date.now(),
    cancelGraceMs: options.cancelGraceMs,
    scratchRoot: options.scratchRoot,
    log: (text) => options.onLog?.(text),
    progress: (update) => {
      current = { ...current, ...update };
      options.onProgress?.(current);
    },
  });
  try {
    return await work(ctx);
  } finally {
    await settle();
  }
}
