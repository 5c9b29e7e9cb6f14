/**
 * How the GIF engine runs ffmpeg and reports progress. The engine only sees `GifRunner`, so the same
 * code runs inside the shared job queue (an adapter over its JobContext) or stand-alone (the CLI,
 * previews, estimates) with `localRunner` below.
 */
import { spawn } from 'node:child_process';
import { resolveBinary } from '../binaries';
import { WorkbenchError } from '../errors';
import { TailBuffer } from '../process';
import { trackChild } from '../jobs/cleanup';

export interface FfmpegPass {
  /** Shown as the stage ("decode", "encode 2/3"). */
  label: string;
  /** Which part of the whole 0–100 this pass fills. */
  share: [number, number];
  /** Media seconds the pass produces: makes a percentage possible. */
  durationSeconds: number | null;
}

export interface GifRunner {
  /** Aborted on cancel; every pass and the encoder honour it. */
  readonly signal: AbortSignal;
  /**
   * Run one ffmpeg pass (argv after the binary, without progress/log flags); throws on failure.
   * Resolves with the error lines ffmpeg logged on success (a damaged input decodes "successfully").
   */
  ffmpeg(args: string[], pass: FfmpegPass): Promise<{ problems: string[] }>;
  /** Progress of work done in-process (palette, encoding). */
  progress(percent: number, stage: string): void;
  log(text: string): void;
}

/** Flags every pass gets: progress as key=value blocks on stdout, only errors on stderr. */
export const PASS_FLAGS = ['-hide_banner', '-nostats', '-progress', 'pipe:1', '-loglevel', 'level+error', '-y'];

export function cancelledError(): WorkbenchError {
  return new WorkbenchError('ECANCELLED', 'The GIF export was cancelled.');
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancelledError();
}

/** `out_time_us=1234567` / `out_time_ms=…` (both are microseconds in ffmpeg) → seconds. */
export function progressSeconds(line: string): number | null {
  const m = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
  return m ? Number(m[1]) / 1e6 : null;
}

/** Lines of ffmpeg's stderr worth showing: errors, without the `[level]` tags and with our `file:` prefixes removed. */
export function ffmpegErrorLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n/)
    .map((l) => l.replace(/^(\[[^\]]*@ 0x[0-9a-fA-F]+\] )?\[(error|fatal|panic|warning)\] ?/, '$1').trim())
    .filter((l) => l && !/^\[(info|verbose|debug)\]/.test(l))
    .map((l) => l.replace(/\bfile:(?=\/|[A-Za-z]:[\\/])/g, ''));
}

export interface LocalRunnerOptions {
  signal?: AbortSignal;
  onProgress?(percent: number, stage: string): void;
  onLog?(text: string): void;
  /** ms between asking ffmpeg to quit (`q`) and terminating it. */
  graceMs?: number;
}

/** A runner that spawns ffmpeg itself (argv array, never a shell) and waits for it to be gone on cancel. */
export function localRunner(options: LocalRunnerOptions = {}): GifRunner {
  const signal = options.signal ?? new AbortController().signal;
  const graceMs = options.graceMs ?? 1500;
  return {
    signal,
    progress: (percent, stage) => options.onProgress?.(percent, stage),
    log: (text) => options.onLog?.(text),
    ffmpeg(args, pass) {
      throwIfCancelled(signal);
      const bin = resolveBinary('ffmpeg').path;
      return new Promise<{ problems: string[] }>((resolve, reject) => {
        const child = spawn(bin, [...PASS_FLAGS, ...args], { stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
        trackChild(child);
        const stderr = new TailBuffer(32 * 1024);
        let pending = '';
        let cancelled = false;
        const timers: NodeJS.Timeout[] = [];
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            const t = progressSeconds(line);
            if (t !== null && pass.durationSeconds) {
              const f = Math.min(1, t / pass.durationSeconds);
              options.onProgress?.(pass.share[0] + f * (pass.share[1] - pass.share[0]), pass.label);
            }
          }
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
        child.stdin.on('error', () => {});
        const onAbort = () => {
          cancelled = true;
          try {
            child.stdin.write('q');
          } catch {
            // already closed: the timers below take over
          }
          timers.push(
            setTimeout(() => {
              child.kill('SIGTERM');
              timers.push(setTimeout(() => child.kill('SIGKILL'), graceMs));
            }, graceMs),
          );
        };
        signal.addEventListener('abort', onAbort, { once: true });
        child.on('error', (err) => {
          signal.removeEventListener('abort', onAbort);
          timers.forEach(clearTimeout);
          reject(new WorkbenchError('ESPAWN', `Could not start ffmpeg (${bin}): ${err.message}. Check "mwb caps".`, { cause: err }));
        });
        child.on('close', (code, sig) => {
          signal.removeEventListener('abort', onAbort);
          timers.forEach(clearTimeout);
          const text = stderr.toString();
          if (text) options.onLog?.(text);
          if (cancelled || signal.aborted) return reject(cancelledError());
          const lines = ffmpegErrorLines(text);
          if (code === 0) return resolve({ problems: lines.slice(-50) });
          const how = sig ? `was stopped by ${sig}` : `failed (exit code ${code})`;
          const err = new WorkbenchError('EFFMPEG', `ffmpeg ${how}${lines.length ? `: ${lines[lines.length - 1]}` : '.'}`);
          (err as WorkbenchError & { details: string[] }).details = lines.slice(-20);
          reject(err);
        });
      });
    },
  };
}
