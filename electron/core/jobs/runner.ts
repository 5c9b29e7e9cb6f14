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
import { ProgressReader, type ProgressBlock } from './progress';

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

/** `[mp4 @ 0x55…] [error] moov atom not found` → level and text (context kept). Null for untagged lines. */
export function parseLogLine(line: string): { level: LogLevel; text: string } | null {
  const m = /^(\[[^\]]*@ 0x[0-9a-fA-F]+\] )?\[(panic|fatal|error|warning|info|verbose|debug|trace)\] ?(.*)$/.exec(line);
  if (!m) return null;
  return { level: m[2] as LogLevel, text: `${m[1] ?? ''}${m[3] ?? ''}` };
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
