/**
 * A fast size estimate while options change: encode a few short windows of the selection with the
 * real settings and extrapolate. A GIF's size is one full first frame plus, per later frame, what
 * changed; the windows measure both. Short selections are simply encoded whole (exact).
 */
import path from 'node:path';
import { encodeGif } from './encoder';
import { decodeArgs, RawFrameFile } from './frames';
import type { GifEstimate, GifSettings } from './gif-types';
import { encoderSettings, frameCount } from './plan';
import { renderGif, tenths } from './render';
import { inputArgs } from '../ffmpeg-input';
import { JobCancelledError } from '../jobs/runner';
import type { PassContext } from '../jobs/types';

/** Selections up to this long are encoded whole. */
const EXACT_SECONDS = 4;
const WINDOWS = 4;

/** How much of the selection an estimate encodes. */
export interface Sampling {
  windows: number;
  /** Longest window, in seconds. */
  maxSeconds: number;
}

export const FULL_SAMPLING: Sampling = { windows: WINDOWS, maxSeconds: 1 };
/**
 * The first estimate a user sees (issue #18: within 2 s): two half-second windows, a wider range.
 * The full estimate follows and replaces it.
 */
export const QUICK_SAMPLING: Sampling = { windows: 2, maxSeconds: 0.5 };

export function sampleWindows(start: number, duration: number, fps: number, sampling: Sampling = FULL_SAMPLING): { start: number; duration: number; frames: number }[] {
  const length = Math.min(sampling.maxSeconds, Math.max(Math.min(0.5, sampling.maxSeconds), duration * 0.08));
  const frames = Math.max(3, Math.round(length * fps));
  const span = frames / fps;
  const n = sampling.windows;
  return Array.from({ length: n }, (_, k) => ({ start: start + (duration - span) * ((k + 0.5) / n), duration: span, frames }));
}

/** ffmpeg arguments decoding several windows in one run, each to its own raw file. */
export function windowArgs(input: string, windows: { start: number; duration: number; frames: number }[], s: GifSettings, outs: string[]): string[] {
  const args: string[] = [];
  for (const w of windows) args.push('-ss', w.start.toFixed(6), '-t', (w.duration + 1 / s.fps).toFixed(6), ...inputArgs(input));
  windows.forEach((w, k) => {
    // Reuse the single-range argument builder's output half so both paths filter identically.
    const single = decodeArgs(input, { start: 0, duration: w.duration }, s, outs[k]!, w.frames);
    const from = single.indexOf('-map');
    const tail = single.slice(from);
    tail[1] = `${k}:v:0`;
    args.push(...tail);
  });
  return args;
}

export async function estimateGif(input: string, settings: GifSettings, job: PassContext, scratch: string, sampling: Sampling = FULL_SAMPLING): Promise<GifEstimate> {
  const total = frameCount(settings.duration, settings.fps);
  const base = {
    width: settings.width,
    height: settings.height,
    fps: settings.fps,
    frames: total,
    duration: total / settings.fps,
  };
  if (settings.duration <= (sampling === FULL_SAMPLING ? EXACT_SECONDS : sampling.windows * sampling.maxSeconds)) {
    const sink = { bytes: 0, write: (b: Uint8Array) => void (sink.bytes += b.length) };
    await renderGif(input, settings, job, scratch, sink.write, { decode: [0, 50], encode: [50, 100], label: ' (estimate)' });
    return { ...base, bytes: sink.bytes, low: sink.bytes, high: sink.bytes, sampledSeconds: settings.duration };
  }
  const windows = sampleWindows(settings.start, settings.duration, settings.fps, sampling);
  const outs = windows.map((_, k) => path.join(scratch, `window-${k}.rgb`));
  await job.ffmpeg(windowArgs(input, windows, settings, outs), {
    label: 'decode (estimate)',
    share: [0, 50],
    durationSeconds: null,
  });
  const first: number[] = [];
  const perFrame: number[] = [];
  for (let k = 0; k < windows.length; k++) {
    const frames = await RawFrameFile.open(outs[k]!, settings.width, settings.height);
    try {
      if (frames.count < 2) continue;
      const stats = await encodeGif(frames, encoderSettings(settings), {
        write: () => undefined,
        signal: job.signal,
        progress: (f) => job.progress({ percent: tenths(50 + ((k + f) / windows.length) * 50), stage: 'encode (estimate)' }),
      }).catch((err: unknown) => {
        if (job.signal.aborted) throw new JobCancelledError();
        throw err;
      });
      first.push(stats.frameBytes[0]!);
      const rest = stats.frameBytes.slice(1).reduce((a, b) => a + b, 0);
      perFrame.push(rest / (frames.count - 1));
    } finally {
      await frames.close();
    }
  }
  if (!perFrame.length) {
    // The windows fell off the end of a damaged input: fall back to encoding everything.
    return estimateGif(input, { ...settings, duration: Math.min(settings.duration, EXACT_SECONDS) }, job, scratch).then((e) => ({
      ...e,
      ...base,
      bytes: Math.round((e.bytes * settings.duration) / Math.min(settings.duration, EXACT_SECONDS)),
    }));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const inter = mean(perFrame);
  const bytes = Math.round(mean(first) + (total - 1) * inter + 1);
  // The range is the standard error of the mean for evenly spaced (systematic) samples, from
  // successive differences: a clip that is still for a while and then pans is not "noisy", its
  // windows just differ in a way the even spacing already covers. Never claim better than ±10%.
  let sq = 0;
  for (let k = 1; k < perFrame.length; k++) sq += (perFrame[k]! - perFrame[k - 1]!) ** 2;
  const spread = perFrame.length > 1 ? Math.sqrt(sq / (2 * (perFrame.length - 1)) / perFrame.length) / Math.max(1, inter) : 0.3;
  const margin = Math.min(0.5, Math.max(0.1, spread));
  return {
    ...base,
    bytes,
    low: Math.round(bytes * (1 - margin)),
    high: Math.round(bytes * (1 + margin)),
    sampledSeconds: windows.reduce((a, w) => a + w.duration, 0),
  };
}
