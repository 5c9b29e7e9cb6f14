/**
 * Small JPEG frames at given times, for the trim strip and the exact start/end frames. Each input
 * seeks to its keyframe and decodes up to the exact time, so the frame is the one at that time.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveBinary } from '../binaries';
import { WorkbenchError } from '../errors';
import { fileArg, inputArgs } from '../ffmpeg-input';
import { logLines, runFfmpeg, throwIfCancelled } from '../jobs/runner';
import type { PassContext } from '../jobs/types';
import type { GifSourceInfo, GifThumbnail } from './gif-types';

/**
 * One ffmpeg run for several times: an input per time (each seeks on its own), an output per input.
 * Starting ffmpeg once instead of once per thumbnail is most of the cost saved. With `keyframes`,
 * each input decodes only the keyframe at or before its time (no decoding up to the exact frame):
 * what an overview strip needs, in a fraction of the time.
 */
export function thumbnailArgs(input: string, times: number[], height: number, outs: string[], keyframes = false): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
  const seek = keyframes ? ['-skip_frame', 'nokey', '-noaccurate_seek'] : [];
  for (const t of times) args.push(...seek, '-ss', t.toFixed(6), ...inputArgs(input));
  times.forEach((_, k) => {
    // Passthrough: the keyframe before the seek point has a negative time, which the default
    // frame-rate mode drops in a file's last GOP (no thumbnail at all).
    const keep = keyframes ? ['-fps_mode', 'passthrough'] : [];
    args.push('-map', `${k}:v:0`, ...keep, '-frames:v', '1', '-vf', `scale=-2:${height}:flags=bilinear`, '-q:v', '5', '-update', '1', fileArg(outs[k]!));
  });
  return args;
}

/**
 * The frame shown at each time (the last frame when a time is at or past the end), or with
 * `keyframes` the keyframe at or before it (the trim strip); JPEGs wait in the job's scratch folder.
 */
export async function thumbnails(source: GifSourceInfo, times: number[], height: number, job: Pick<PassContext, 'signal' | 'scratchDir'>, keyframes = false): Promise<GifThumbnail[]> {
  const { signal } = job;
  const bin = resolveBinary('ffmpeg').path;
  const width = Math.max(2, Math.round((height * source.width) / source.height / 2) * 2);
  // The last frame starts about one frame before the end; seeking past it yields nothing.
  const lastFrame = Math.max(0, source.duration - 1.5 / Math.max(1, source.fps));
  const clamped = times.map((t) => Math.min(Math.max(0, t), lastFrame));
  const scratch = await job.scratchDir();
  const out: GifThumbnail[] = [];
  // Batches bound the decoders open at once (each input has one); keyframe-only inputs are light.
  const per = keyframes ? 16 : 8;
  for (let from = 0; from < clamped.length; from += per) {
    const batch = clamped.slice(from, from + per);
    const files = batch.map((_, k) => path.join(scratch, `${from + k}.jpg`));
    throwIfCancelled(signal);
    // The jobs' runner (argv array, pipes drained, stopped on cancel), with a time limit.
    const limit = AbortSignal.timeout(60_000);
    const res = await runFfmpeg({ bin, args: thumbnailArgs(source.path, batch, height, files, keyframes), signal: AbortSignal.any([signal, limit]), graceMs: 200, termMs: 200 });
    throwIfCancelled(signal);
    for (let k = 0; k < batch.length; k++) {
      let jpeg: Buffer | null = null;
      try {
        jpeg = await readFile(files[k]!);
      } catch {
        jpeg = null;
      }
      if (res.code !== 0 || !jpeg || jpeg.length === 0) {
        const why = logLines(res.stderrTail).pop();
        throw new WorkbenchError('EDECODE', `Could not read the frame at ${batch[k]!.toFixed(3)} s of ${source.path}${why ? `: ${why}` : '.'}`);
      }
      out.push({ time: times[from + k]!, jpegBase64: jpeg.toString('base64'), width, height });
    }
  }
  return out;
}
