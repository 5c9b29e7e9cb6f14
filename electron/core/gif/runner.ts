/**
 * How the GIF engine runs ffmpeg and reports progress. The engine only sees `GifRunner`, so the same
 * code runs inside the shared job queue (an adapter over its JobContext) or stand-alone (the CLI,
 * previews, estimates) with `localRunner` below.
 */
import { resolveBinary } from '../binaries';
import { WorkbenchError } from '../errors';
import { outTimeSeconds } from '../jobs/progress';
import { runFfmpeg } from '../jobs/runner';

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
    async ffmpeg(args, pass) {
      throwIfCancelled(signal);
      const bin = resolveBinary('ffmpeg').path;
      // The jobs' runner: argv array, both pipes drained, `q` → SIGTERM → SIGKILL on cancel, and the
      // process-wide exit hook.
      const res = await runFfmpeg({
        bin,
        args: [...PASS_FLAGS, ...args],
        signal,
        graceMs,
        termMs: graceMs,
        onProgress: (block) => {
          const t = outTimeSeconds(block);
          if (t !== null && pass.durationSeconds) {
            const f = Math.min(1, t / pass.durationSeconds);
            options.onProgress?.(pass.share[0] + f * (pass.share[1] - pass.share[0]), pass.label);
          }
        },
      });
      if (res.stderrTail) options.onLog?.(res.stderrTail);
      if (res.cancelled || signal.aborted) throw cancelledError();
      const lines = ffmpegErrorLines(res.stderrTail);
      if (res.code === 0) return { problems: lines.slice(-50) };
      const how = res.signal ? `was stopped by ${res.signal}` : `failed (exit code ${res.code})`;
      const err = new WorkbenchError('EFFMPEG', `ffmpeg ${how}${lines.length ? `: ${lines[lines.length - 1]}` : '.'}`);
      (err as WorkbenchError & { details: string[] }).details = lines.slice(-20);
      throw err;
    },
  };
}
