import { z } from 'zod';
import type { OpenedFile } from '../core/files-types';
import { PRESET_IDS } from '../core/jobs/presets';
import {
  transcodeOptionsSchema,
  type HwEncoderInfo,
  type PresetInfo,
  type TranscodePreview,
} from '../core/jobs/transcode-types';
import type { JobProgress, JobRecord, QueueState } from '../core/jobs/types';
import { RECORD_MODES, RTSP_TRANSPORTS } from '../core/jobs/record-types';
import type { RecordPreview } from '../core/jobs/record-types';
import { fileId, inputUrl, method, none, outputPath } from './method';

export type { HwEncoderInfo, PresetInfo, TranscodePreview } from '../core/jobs/transcode-types';
export type { RecordPreview } from '../core/jobs/record-types';
export type { JobProgress, JobRecord, JobResult, JobState, QueueState } from '../core/jobs/types';

export const jobId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'not a job id');

/**
 * The input of a transcode: an opened file (by id, like every read in the UI) or, for the remux
 * preset only, a URL the user typed explicitly.
 */
export const transcodeInput = z.union([z.object({ fileId }).strict(), z.object({ url: inputUrl }).strict()]);

/** The one schema of transcode options (`core/jobs/transcode-types.ts`; no raw ffmpeg arguments). */
export const transcodeOptions = transcodeOptionsSchema;

const transcodeRequest = z
  .object({
    input: transcodeInput,
    /** A path the user chose to write; a folder for hls-fmp4/dash. */
    output: outputPath,
    preset: z.enum(PRESET_IDS),
    options: transcodeOptions.default({}),
    overwrite: z.boolean().default(false),
  })
  .strict();

/** A live recording: the user typed the URL (rtsp(s), http(s), live HLS) and chose the output. */
const recordRequest = z
  .object({
    url: inputUrl,
    output: outputPath,
    /** Stop by itself after this many seconds; unlimited when absent. */
    durationSeconds: z.number().finite().positive().max(7 * 24 * 3600).optional(),
    mode: z.enum(RECORD_MODES).default('auto'),
    rtspTransport: z.enum(RTSP_TRANSPORTS).default('auto'),
    overwrite: z.boolean().default(false),
  })
  .strict();

export const jobsContract = {
  transcodePresets: method(none, 'The transcode presets, each with whether this ffmpeg can run it and why not.').returns<PresetInfo[]>(),
  transcodeHardware: method(none, 'Test which hardware encoders listed by ffmpeg really work on this machine (cached).').returns<HwEncoderInfo[]>(),
  transcodePreview: method(
    transcodeRequest.extend({ output: outputPath.optional() }),
    'The exact ffmpeg command a transcode would run (and a suggested output name when none is given).',
  ).returns<TranscodePreview>(),
  transcodeEnqueue: method(transcodeRequest, 'Check and queue a transcode; fails at once on a bad input, output or option.').returns<JobRecord>(),
  recordPreview: method(
    recordRequest.extend({ output: outputPath.optional() }),
    'Probe a live URL and show the recording it would make: the exact ffmpeg command, which streams are copied or re-encoded and why, and a suggested output name.',
  ).returns<RecordPreview>(),
  recordEnqueue: method(recordRequest, 'Check a live URL (it must answer now) and start recording it as a job; Stop (jobStop) keeps the file.').returns<JobRecord>(),
  jobStop: method(
    z.object({ id: jobId }).strict(),
    'Finish a stoppable job (a recording) now and keep its output; a queued job is cancelled.',
  ).returns<JobRecord>(),
  jobsList: method(none, 'All jobs (running, queued in order, then finished, newest first) and the queue settings.').returns<{
    jobs: JobRecord[];
    queue: QueueState;
  }>(),
  jobCancel: method(z.object({ id: jobId }).strict(), 'Cancel a queued or running job; no partial output is left.').returns<JobRecord>(),
  jobRetry: method(z.object({ id: jobId }).strict(), 'Queue a failed, cancelled or interrupted job again.').returns<JobRecord>(),
  jobMove: method(
    z.object({ id: jobId, index: z.number().int().min(0).max(100_000) }).strict(),
    'Move a queued job to a position in the queue (0 = next).',
  ).returns<QueueState>(),
  jobsPause: method(z.object({ paused: z.boolean() }).strict(), 'Pause or resume starting queued jobs (running jobs continue).').returns<QueueState>(),
  jobsConcurrency: method(z.object({ concurrency: z.number().int().min(1).max(16) }).strict(), 'How many jobs run at once.').returns<QueueState>(),
  jobLog: method(
    z.object({ id: jobId, maxBytes: z.number().int().min(1024).max(4 * 1024 * 1024).optional() }).strict(),
    "The end of a job's log: its commands, ffmpeg's messages and the outcome.",
  ).returns<{ text: string; truncated: boolean; path: string | null }>(),
  jobOpenOutput: method(
    z
      .object({
        id: jobId,
        /** A name from the job's result (`files[].name`): one file of a folder output. */
        file: z
          .string()
          .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/, 'not a file name of the output')
          .optional(),
        /** Readable by URL without joining the workspace's file list (the GIF view's result). */
        preview: z.boolean().optional(),
      })
      .strict(),
    "Open a finished job's output (or one file of a folder output) so the Inspector and Player can read it.",
  ).returns<OpenedFile>(),
  jobReveal: method(z.object({ id: jobId }).strict(), "Show a finished job's output in the file manager (desktop app).").returns<{
    revealed: boolean;
    path: string;
  }>(),
  jobRemove: method(z.object({ id: jobId }).strict(), 'Forget a finished job and delete its log (its output stays).').returns<{ removed: true }>(),
  jobsClearFinished: method(none, 'Forget every finished job (outputs stay).').returns<{ removed: number }>(),
} as const;

export interface JobsEvents {
  /** A job was added or its state, command, result or error changed. */
  'jobs.changed': { job: JobRecord };
  /** Live progress of a running job (a few times a second at most). */
  'jobs.progress': { id: string; progress: JobProgress };
  'jobs.queue': { queue: QueueState };
  'jobs.removed': { id: string };
}
