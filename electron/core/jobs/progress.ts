/**
 * ffmpeg's `-progress pipe:1` output: blocks of `key=value` lines, each ending with
 * `progress=continue` or `progress=end`. Pure functions, tested on captured ffmpeg output.
 */
import type { JobProgress } from './types';

export type ProgressBlock = Record<string, string>;

/** Splits a byte stream into progress blocks; lines may arrive cut anywhere. */
export class ProgressReader {
  private pending = '';
  private block: ProgressBlock = {};

  /** Feed a chunk; returns the blocks it completed. */
  push(chunk: string): ProgressBlock[] {
    const done: ProgressBlock[] = [];
    this.pending += chunk;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      this.block[key] = value;
      if (key === 'progress') {
        done.push(this.block);
        this.block = {};
      }
    }
    // A line without a newline this long is not progress output; do not hold it forever.
    if (this.pending.length > 4096) this.pending = '';
    return done;
  }
}

function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (!v || v === 'N/A') return null;
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : null;
}

/** `out_time_us` (microseconds; older ffmpeg mislabels `out_time_ms` with the same value). */
export function outTimeSeconds(block: ProgressBlock): number | null {
  const us = num(block.out_time_us) ?? num(block.out_time_ms);
  if (us !== null) return us < 0 ? 0 : us / 1e6;
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(block.out_time ?? '');
  if (!m) return null;
  if (m[1]) return 0;
  return Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** `speed=1.5x`, `speed=   0x`, `speed=N/A`. Zero is "not yet known", not "stalled forever". */
export function parseSpeed(value: string | undefined): number | null {
  const n = num(value?.replace(/x$/, ''));
  return n !== null && n > 0 ? n : null;
}

/** `bitrate= 708.4kbits/s` → 708.4. */
export function parseBitrateKbps(value: string | undefined): number | null {
  const m = /^\s*([\d.]+)\s*kbits\/s/.exec(value ?? '');
  return m ? Number(m[1]) : null;
}

export interface ProgressContext {
  /** Media seconds the output will have; null when unknown. */
  durationSeconds: number | null;
  /** Input bytes, for a bytes-based percent when the duration is unknown (stream copy). */
  inputBytes?: number | null;
  /** Wall-clock seconds since the pass started. */
  elapsedSeconds: number;
}

/**
 * One block → what the UI shows. Percent comes from media time over the expected duration (or
 * output bytes over input bytes for a copy of unknown duration); ETA from the remaining media time
 * and ffmpeg's `speed=` (which is media time over wall time since the start), falling back to the
 * observed rate when `speed` is not reported yet.
 */
export function summarizeProgress(block: ProgressBlock, ctx: ProgressContext): JobProgress {
  const outTime = outTimeSeconds(block);
  const outSize = num(block.total_size);
  const speed = parseSpeed(block.speed);
  const fpsRaw = num(block.fps);
  const ended = block.progress === 'end';
  const duration = ctx.durationSeconds !== null && ctx.durationSeconds > 0 ? ctx.durationSeconds : null;

  let percent: number | null = null;
  let eta: number | null = null;
  if (duration !== null && outTime !== null) {
    percent = Math.min(100, Math.max(0, (outTime / duration) * 100));
    const remaining = Math.max(0, duration - outTime);
    const rate = speed ?? (ctx.elapsedSeconds > 0.5 && outTime > 0 ? outTime / ctx.elapsedSeconds : null);
    if (rate !== null && rate > 0) eta = remaining / rate;
  } else if (ctx.inputBytes && ctx.inputBytes > 0 && outSize !== null) {
    percent = Math.min(100, Math.max(0, (outSize / ctx.inputBytes) * 100));
    if (percent > 0 && ctx.elapsedSeconds > 0.5) eta = (ctx.elapsedSeconds * (100 - percent)) / percent;
  }
  // No forced 100% at `progress=end`: a cancelled ffmpeg ends too. The job says when it is done.
  if (ended) eta = 0;
  return {
    percent,
    fps: fpsRaw !== null && fpsRaw > 0 ? fpsRaw : null,
    speed,
    bitrateKbps: parseBitrateKbps(block.bitrate),
    outSize: outSize !== null && outSize >= 0 ? outSize : null,
    outTimeSeconds: outTime,
    etaSeconds: eta === null ? null : Math.round(eta * 10) / 10,
    elapsedSeconds: Math.round(ctx.elapsedSeconds * 10) / 10,
    stage: null,
  };
}

/** Map a pass's 0–100 into the part of the job it fills. */
export function scalePercent(percent: number | null, share: [number, number]): number | null {
  if (percent === null) return null;
  const [from, to] = share;
  return from + ((to - from) * percent) / 100;
}

/** Progress of a job that has started and reported nothing yet. */
export function blankProgress(): JobProgress {
  return {
    percent: 0,
    fps: null,
    speed: null,
    bitrateKbps: null,
    outSize: null,
    outTimeSeconds: null,
    etaSeconds: null,
    elapsedSeconds: 0,
    stage: null,
  };
}
