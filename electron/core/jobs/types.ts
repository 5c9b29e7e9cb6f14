/**
 * Jobs: long-running work (ffmpeg transcodes, GIF export passes, anything cancellable) that runs in
 * one shared queue with progress, ETA, cancel, retry, a log per job and a persisted history.
 *
 * Types only (no Node imports): the renderer imports these through the contract.
 *
 * ## Adding a job kind
 *
 * A kind is one entry of `JOB_KINDS` (`electron/core/jobs/kinds.ts`) plus its implementation, a
 * `JobKind<Params, Details>`:
 *   - `prepare(params)` validates (throw a WorkbenchError to refuse before anything is queued) and
 *     describes the job (title, input, output);
 *   - `run(params, job)` does the work through the `JobContext` and returns `out.commit(...)`, whose
 *     `details` are the kind's own result (a GIF's size and chosen settings, …). They reach every UI
 *     through `jobs.changed` (`job.result.details`) and are kept in the history.
 * Params must be JSON (kept for "Retry" after a restart). Ad-hoc work that need not survive a
 * restart can use `queue.submit({ title, output, outputKind, run })` instead.
 *
 * Inside `run`, the `JobContext` (built in `context.ts`) gives: `signal` (aborted on cancel),
 * `ffmpeg(argv, …)` (one ffmpeg pass, `runner.ts`: spawned with an argv array, drained, logged,
 * progress parsed and mapped into the job's percent, cancelled with `q` → SIGTERM → SIGKILL;
 * throws `JobFailure` on a non-zero exit), `output(target, …)` (`safe-output.ts`: a temporary file
 * or folder beside the target, deleted automatically unless committed), `scratchDir()` (a private
 * temporary folder for intermediates, always deleted), `progress(…)` for non-ffmpeg work, and
 * `log(…)`. Outputs not committed when `run` returns or throws are deleted (with retries on
 * EBUSY/EPERM), and no ffmpeg outlives the job. Work that runs outside the queue (the CLI, GIF
 * previews) gets the same context from `runStandalone`.
 *
 * A kind whose partial output is the point (a live recording, `record.ts`) sets `stoppable: true`:
 * "Stop" (`queue.stop(id)`) then aborts `JobContext.stopSignal` instead of cancelling, ffmpeg gets `q`
 * and finishes its file, the pass returns `{ stopped: true }` and `run` commits the output as usual;
 * a queue shutdown stops such jobs the same way. Its optional `recover` keeps what a crash left.
 */

export type JobState = 'queued' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export const FINISHED_STATES: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted'];

export interface JobProgress {
  /** 0–100; null when the total is unknown (e.g. a live URL with no duration). */
  percent: number | null;
  /** Frames per second ffmpeg currently encodes. */
  fps: number | null;
  /** Media seconds per wall-clock second (ffmpeg's `speed=`). */
  speed: number | null;
  bitrateKbps: number | null;
  /** Bytes written so far. */
  outSize: number | null;
  /** Media time reached in the output, seconds. */
  outTimeSeconds: number | null;
  /** Estimated seconds left; null until it can be estimated. */
  etaSeconds: number | null;
  elapsedSeconds: number;
  /** Which pass/stage runs, for multi-pass work ("palette", "encode"). */
  stage: string | null;
}

export interface JobError {
  /** Stable code: ENOENT, EEXIST, ESAMEFILE, ENOTMEDIA, EFFMPEG, EVERIFY, ECANCELLED, … */
  code: string;
  /** What happened, to which file, and what to do. */
  message: string;
  /** The relevant ffmpeg stderr lines (errors first), at most a few dozen. */
  details: string[];
}

export interface JobOutputFile {
  /** Path relative to the output (the file's own name for a single-file output). */
  name: string;
  size: number;
}

export interface JobResult<D = unknown> {
  /** The committed output (file or folder). */
  path: string;
  kind: 'file' | 'folder';
  /** The file to open in the Inspector/Player: the output itself, or e.g. the playlist/init segment in a folder. */
  primary: string;
  files: JobOutputFile[];
  /** One line a user reads: "H.264 320×180 + AAC, 2.00 s, 184 KB". */
  summary: string;
  durationSeconds: number | null;
  /** The kind's own result (e.g. a GIF's size, frames and chosen settings); null when it has none. */
  details?: D | null;
  /**
   * The output is usable but something the user must know happened (a live source dropped and
   * the recording ended early). Absent or null when all went as asked.
   */
  warning?: string | null;
}

export interface JobRecord {
  id: string;
  /** Which job kind runs it ('transcode', 'gif', …), or 'task' for ad-hoc work. */
  kind: string;
  title: string;
  state: JobState;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Input path or URL, for display. */
  input: string | null;
  output: string;
  outputKind: 'file' | 'folder';
  /** The exact command line of the last ffmpeg pass (display only; spawning never uses a shell). */
  command: string | null;
  progress: JobProgress | null;
  error: JobError | null;
  result: JobResult | null;
  attempts: number;
  /** Absolute path of the job's log file, when the queue has a data folder. */
  logPath: string | null;
  /** Whether "Retry" can run it again (ad-hoc tasks only within the session that created them). */
  retryable: boolean;
  /**
   * Whether "Stop" can finish it early and keep the output (a live recording: see
   * `JobKind.stoppable`); false for everything whose partial output is worthless.
   */
  stoppable?: boolean;
  /** Set once a stop was asked for (the job is finishing, not cancelling). */
  stopRequested?: boolean;
  /** JSON parameters of a job kind (kept for retry after a restart). */
  params: unknown;
  /** Temporary outputs in use; persisted so that a crash's leftovers are removed at the next start. */
  tempPaths: string[];
  /** The running ffmpeg (pid and start time), persisted so that a crash's orphan is stopped at the next start. */
  processes: { pid: number; started: string | null }[];
}

export interface QueueState {
  paused: boolean;
  concurrency: number;
  /** Ids of queued jobs in the order they will start. */
  order: string[];
}

/** What `prepare` says about a job before it is queued. */
export interface JobDescription {
  title: string;
  input: string | null;
  output: string;
  outputKind: 'file' | 'folder';
  command?: string | null;
}

export interface FfmpegPassOptions {
  /** Media seconds the pass will produce: makes percent and ETA possible. */
  durationSeconds?: number | null;
  /** Input size in bytes: percent from bytes written when the duration is unknown (stream copy). */
  inputBytes?: number | null;
  /** Shown as the job's stage. */
  label?: string;
  /** Which part of the job's 0–100 this pass fills; default the whole range. */
  share?: [number, number];
  /** Working directory (segmenting muxers write relative names). */
  cwd?: string;
  /** Display form of the command (defaults to the argv quoted for this platform). */
  command?: string;
}

export interface FfmpegPassResult {
  /** The last bounded tail of stderr. */
  stderrTail: string;
  /** Lines ffmpeg logged at warning level or worse during the pass. */
  problems: string[];
  /** The pass ended because the job was asked to stop (its exit code is then not an error). */
  stopped?: boolean;
}

export interface SafeOutputHandle {
  /** The final path the user asked for. */
  target: string;
  /** Where to write now (a file or, for folder outputs, an existing empty folder). */
  tempPath: string;
  kind: 'file' | 'folder';
  /** Move the finished temporary output to the target; returns the job result. */
  commit<D = null>(info: { summary: string; primary?: string; durationSeconds?: number | null; details?: D; warning?: string | null }): Promise<JobResult<D>>;
  /** Delete the temporary output (retries on EBUSY/EPERM). Safe to call twice. */
  discard(): Promise<void>;
}

export interface JobContext {
  readonly id: string;
  /** Aborted when the job is cancelled. */
  readonly signal: AbortSignal;
  /**
   * Aborted when the user asks a stoppable job to finish now and keep its output (Stop in Jobs,
   * Ctrl+C in `mwb record`, the app quitting). `ffmpeg()` passes it on: ffmpeg gets `q` and the
   * pass returns normally with `stopped: true`.
   */
  readonly stopSignal: AbortSignal;
  log(text: string): void;
  progress(update: Partial<JobProgress>): void;
  /** Record the display command (shown in the Jobs view and the log). */
  setCommand(command: string): void;
  ffmpeg(args: string[], options?: FfmpegPassOptions): Promise<FfmpegPassResult>;
  output(target: string, options: { kind?: 'file' | 'folder'; overwrite?: boolean; inputs?: string[] }): Promise<SafeOutputHandle>;
  /** A private temporary folder for intermediate files (e.g. a GIF palette); deleted when the job ends. */
  scratchDir(): Promise<string>;
}

export interface JobKind<P, D = unknown> {
  kind: string;
  /**
   * The job's partial output is the point (a live recording): "Stop" finishes it through
   * `JobContext.stopSignal` instead of cancelling, and a queue shutdown stops it the same way.
   */
  stoppable?: boolean;
  /** Validate the parameters and describe the job; throw a WorkbenchError to refuse before queueing. */
  prepare(params: P): Promise<JobDescription>;
  run(params: P, job: JobContext): Promise<JobResult<D>>;
  /**
   * After a crash (the app killed while the job ran, its ffmpeg stopped at the next start): turn
   * what the job wrote into a usable result instead of deleting it (a recording up to its last
   * fragment). Null when there is nothing worth keeping; the temporary output is then deleted.
   */
  recover?(params: P, tempPath: string): Promise<JobResult<D> | null>;
}

/** What ffmpeg-running work needs of a JobContext (GIF previews and estimates run with just this). */
export type PassContext = Pick<JobContext, 'signal' | 'log' | 'progress' | 'ffmpeg' | 'scratchDir'>;

export interface TaskSpec extends JobDescription {
  run(job: JobContext): Promise<JobResult>;
}
