/**
 * Run ffmpeg once: argv array (never a shell), stdout and stderr drained continuously, progress
 * read from `-progress pipe:1`, a bounded stderr tail kept for errors, everything else streamed to
 * the job log. Cancelling asks ffmpeg to stop (`q` on stdin), then terminates it, then kills it,
 * and always waits for the process to be gone before answering.
 */
import { spawn } from 'node:child_process';
import { WorkbenchError } from '../errors';
import { TailBuffer } from '../process';
import { trackChild } from './cleanup';
import { ProgressReader, scalePercent, summarizeProgress, type ProgressBlock } from './progress';
import { formatCommand } from './quote';
import type { FfmpegPassOptions, FfmpegPassResult, JobProgress } from './types';

/**
 * Flags every job's ffmpeg gets, placed first: no banner, progress as key=value blocks on stdout
 * instead of the `\r` status line on stderr, each log line tagged with its level (`[error]`) so
 * errors can be told from chatter without guessing, and `-y`: jobs only ever write to temporary
 * names they reserved (which exist, empty), and an "Overwrite? [y/N]" prompt would wait on stdin
 * forever.
 */
export const RUNNER_FLAGS = ['-hide_banner', '-nostats', '-progress', 'pipe:1', '-loglevel', 'level+info', '-y'] as const;

/** Prepend RUNNER_FLAGS unless the argv already asks for progress (a caller that built its own). */
export function withRunnerFlags(args: readonly string[]): string[] {
  return args.includes('-progress') ? [...args] : [...RUNNER_FLAGS, ...args];
}

export type LogLevel = 'panic' | 'fatal' | 'error' | 'warning' | 'info' | 'verbose' | 'debug' | 'trace';

/**
 * The one reading of ffmpeg/ffprobe log lines: an optional context (`[mp4 @ 0x55…] `), an optional
 * level tag (`[error] `, present with `-loglevel level+…`) and the text.
 */
const LOG_LINE = /^(\[[^\]]*@ 0x[0-9a-fA-F]+\]\s*)?(?:\[(panic|fatal|error|warning|info|verbose|debug|trace)\] ?)?(.*)$/;

/** `[mp4 @ 0x55…] [error] moov atom not found` → level and text (context kept). Null for untagged lines. */
export function parseLogLine(line: string): { level: LogLevel; text: string } | null {
  const m = LOG_LINE.exec(line);
  if (!m || !m[2]) return null;
  return { level: m[2] as LogLevel, text: `${m[1] ?? ''}${m[3] ?? ''}` };
}

/** Strip the `file:` prefix we put on paths, so messages show the user's paths. */
export function unprefixFileUrls(text: string): string {
  return text.replace(/\bfile:(?=\/|[A-Za-z]:[\\/])/g, '');
}

/**
 * The lines of a stderr text worth showing a user: level tags dropped, our `file:` prefixes
 * removed, chatter (`[info]`, `[verbose]`, `[debug]`) left out, empty lines skipped. With
 * `withoutContext`, the `[x @ 0x…]` context goes too.
 */
export function logLines(stderr: string, options: { withoutContext?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const raw of stderr.split(/\r?\n/)) {
    const m = LOG_LINE.exec(raw.trimEnd());
    if (!m) continue;
    const level = m[2] as LogLevel | undefined;
    if (level === 'info' || level === 'verbose' || level === 'debug' || level === 'trace') continue;
    const text = unprefixFileUrls(`${options.withoutContext ? '' : (m[1] ?? '')}${m[3] ?? ''}`.trim());
    if (text) out.push(text);
  }
  return out;
}

/** A failure with evidence (ffmpeg's relevant stderr lines). */
export class JobFailure extends WorkbenchError {
  readonly details: string[];
  constructor(code: string, message: string, details: string[] = []) {
    super(code, message);
    this.details = details;
  }
}

export class JobCancelledError extends WorkbenchError {
  constructor() {
    super('ECANCELLED', 'The job was cancelled.');
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new JobCancelledError();
}

/** Turn a non-zero ffmpeg exit into a message and its evidence. */
export function describeFfmpegFailure(res: Pick<RunFfmpegResult, 'code' | 'signal' | 'errors' | 'problems' | 'stderrTail'>): JobFailure {
  const fromLog = res.errors.length ? res.errors : res.problems;
  const details = (fromLog.length ? fromLog.map(unprefixFileUrls) : logLines(res.stderrTail)).slice(-30);
  const last = details[details.length - 1];
  let how: string;
  if (res.signal) how = `was stopped by ${res.signal}${res.signal === 'SIGKILL' ? ' (out of memory?)' : ''}`;
  else if (res.code === 255) how = 'was interrupted (exit code 255)';
  else how = `failed (exit code ${res.code})`;
  return new JobFailure('EFFMPEG', `ffmpeg ${how}${last ? `: ${last}` : '.'}`, details);
}

const PROBLEM: ReadonlySet<LogLevel> = new Set(['panic', 'fatal', 'error', 'warning']);

export interface RunFfmpegOptions {
  bin: string;
  /** Full argument list (after the binary). Use `withRunnerFlags` to get progress. */
  args: readonly string[];
  cwd?: string;
  signal?: AbortSignal;
  /**
   * "Finish now and keep what was written" (a live recording): asked the same way as a cancel
   * (`q`, then SIGTERM, then SIGKILL), but the run reports `stopped` instead of `cancelled`.
   */
  stopSignal?: AbortSignal;
  onProgress?(block: ProgressBlock): void;
  /** Every stderr chunk as it arrives (for the job log). */
  onStderr?(text: string): void;
  /** Called once the process exists. */
  onSpawn?(pid: number): void;
  /** ms between `q` and SIGTERM. */
  graceMs?: number;
  /** ms between SIGTERM and SIGKILL. */
  termMs?: number;
}

export interface RunFfmpegResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The run was cancelled through `signal`. */
  cancelled: boolean;
  /** The run was asked to finish through `stopSignal` (and was not cancelled). */
  stopped: boolean;
  stderrTail: string;
  /** Lines logged at warning level or worse (bounded, newest kept), without the level tag. */
  problems: string[];
  /** The same, split: errors (and fatal/panic) only. */
  errors: string[];
  /** ms from spawn to exit. */
  wallMs: number;
}

export function runFfmpeg(options: RunFfmpegOptions): Promise<RunFfmpegResult> {
  const { graceMs = 2000, termMs = 2000 } = options;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ code: null, signal: null, cancelled: true, stopped: false, stderrTail: '', problems: [], errors: [], wallMs: 0 });
      return;
    }
    const started = Date.now();
    const child = spawn(options.bin, options.args, {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    trackChild(child);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const tail = new TailBuffer(64 * 1024);
    const problems: string[] = [];
    const errors: string[] = [];
    const reader = new ProgressReader();
    let pendingLine = '';
    let cancelled = false;
    let stopped = false;
    let quitting = false;
    const timers: NodeJS.Timeout[] = [];

    const takeLine = (line: string) => {
      const parsed = parseLogLine(line);
      if (!parsed || !PROBLEM.has(parsed.level)) return;
      problems.push(parsed.text);
      if (problems.length > 200) problems.shift();
      if (parsed.level !== 'warning') {
        errors.push(parsed.text);
        if (errors.length > 200) errors.shift();
      }
    };

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const block of reader.push(chunk)) options.onProgress?.(block);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      tail.push(chunk);
      options.onStderr?.(chunk);
      pendingLine += chunk;
      const lines = pendingLine.split(/\r?\n/);
      pendingLine = lines.pop() ?? '';
      if (pendingLine.length > 16_384) pendingLine = pendingLine.slice(-16_384);
      for (const line of lines) takeLine(line);
    });
    // ffmpeg may exit before reading `q`; writing to its closed stdin must not throw.
    child.stdin.on('error', () => {});

    // ffmpeg finishes its output on `q` (and on SIGTERM); SIGKILL is the last resort.
    const askToQuit = () => {
      if (quitting) return;
      quitting = true;
      try {
        child.stdin.write('q');
      } catch {
        // stdin already closed: the timers below take over
      }
      timers.push(
        setTimeout(() => {
          child.kill('SIGTERM');
          timers.push(setTimeout(() => child.kill('SIGKILL'), termMs));
        }, graceMs),
      );
    };
    const onAbort = () => {
      cancelled = true;
      askToQuit();
    };
    const onStop = () => {
      stopped = true;
      askToQuit();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.stopSignal?.aborted) onStop();
    else options.stopSignal?.addEventListener('abort', onStop, { once: true });

    child.on('error', (err) => {
      options.signal?.removeEventListener('abort', onAbort);
      options.stopSignal?.removeEventListener('abort', onStop);
      timers.forEach(clearTimeout);
      reject(new WorkbenchError('ESPAWN', `Could not start ffmpeg (${options.bin}): ${err.message}. Check "mwb caps".`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      options.stopSignal?.removeEventListener('abort', onStop);
      timers.forEach(clearTimeout);
      if (pendingLine) takeLine(pendingLine);
      child.stdin.destroy();
      resolve({ code, signal, cancelled, stopped: stopped && !cancelled, stderrTail: tail.toString(), problems, errors, wallMs: Date.now() - started });
    });
  });
}

/** What a pass reports to whoever runs it (the queue's job record, or a stand-alone caller). */
export interface PassHooks {
  bin: string;
  signal: AbortSignal;
  /** Aborted to finish a stoppable job now and keep its output (see `JobKind.stoppable`). */
  stopSignal?: AbortSignal;
  /** ms between `q` and SIGTERM (and between SIGTERM and SIGKILL). */
  graceMs?: number;
  /** When the whole job started (elapsed time and ETA span all its passes). */
  startedAt: number;
  log(text: string): void;
  /** The display command of the pass, before it starts. */
  command?(command: string): void;
  progress(progress: JobProgress): void;
  spawned?(pid: number): void;
  exited?(): void;
}

/**
 * One ffmpeg pass of a job: runner flags added, the command logged, progress mapped into the
 * pass's share of the job (with an ETA over the rest), the exit logged, and a non-zero exit turned
 * into a `JobFailure` with ffmpeg's own lines. The queue and stand-alone work both run passes here.
 */
export async function ffmpegPass(args: string[], opts: FfmpegPassOptions, hooks: PassHooks): Promise<FfmpegPassResult> {
  const { signal } = hooks;
  throwIfCancelled(signal);
  const argv = withRunnerFlags(args);
  const command = opts.command ?? formatCommand(hooks.bin, argv, { cwd: opts.cwd });
  hooks.command?.(command);
  hooks.log(`$ ${command}\n`);
  const share = opts.share ?? [0, 100];
  const passStart = Date.now();
  const res = await runFfmpeg({
    bin: hooks.bin,
    args: argv,
    cwd: opts.cwd,
    signal,
    stopSignal: hooks.stopSignal,
    graceMs: hooks.graceMs,
    termMs: hooks.graceMs,
    onStderr: (text) => hooks.log(text),
    onSpawn: (pid) => hooks.spawned?.(pid),
    onProgress: (block) => {
      // ffmpeg finishing after a cancel's `q` is not progress; after a stop it is the final count.
      if (signal.aborted) return;
      const elapsedPass = (Date.now() - passStart) / 1000;
      const p = summarizeProgress(block, { durationSeconds: opts.durationSeconds ?? null, inputBytes: opts.inputBytes ?? null, elapsedSeconds: elapsedPass });
      let eta = p.etaSeconds;
      if (eta !== null && share[1] < 100) eta += ((elapsedPass + eta) * (100 - share[1])) / Math.max(1, share[1] - share[0]);
      const percent = scalePercent(p.percent, share);
      hooks.progress({
        ...p,
        percent: percent === null ? null : Math.round(percent * 100) / 100,
        etaSeconds: eta === null ? null : Math.round(eta * 10) / 10,
        elapsedSeconds: Math.round(((Date.now() - Math.min(hooks.startedAt, passStart)) / 1000) * 10) / 10,
        stage: opts.label ?? null,
      });
    },
  });
  hooks.exited?.();
  hooks.log(`\n# ffmpeg exited with ${res.signal ? `signal ${res.signal}` : `code ${res.code}`} after ${(res.wallMs / 1000).toFixed(1)} s\n`);
  if (res.cancelled || signal.aborted) throw new JobCancelledError();
  // Asked to stop: `q` exits 0, a SIGTERM after the grace period 255; either way the output was finished.
  if (res.code !== 0 && !(res.stopped && res.signal !== 'SIGKILL')) throw describeFfmpegFailure(res);
  return { stderrTail: res.stderrTail, problems: res.problems.map(unprefixFileUrls), ...(res.stopped ? { stopped: true } : {}) };
}
