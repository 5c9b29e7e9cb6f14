/**
 * Small JPEG frames at given times, for the trim strip and the exact start/end frames. Each is one
 * short ffmpeg run that seeks (keyframe, then decode up to the exact time), two at a time.
 */
import { spawn } from 'node:child_process';
import { resolveBinary } from '../binaries';
import { WorkbenchError } from '../errors';
import { TailBuffer } from '../process';
import type { GifSourceInfo, GifThumbnail } from './gif-types';
import { fileArg, LOCAL_INPUT } from './probe';
import { ffmpegErrorLines } from './runner';

function captureBinary(bin: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const chunks: Buffer[] = [];
    let size = 0;
    const err = new TailBuffer(16 * 1024);
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 8 * 1024 * 1024) chunks.push(c);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(kill, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (e) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      reject(new WorkbenchError('ESPAWN', `Could not start ffmpeg: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      resolve({ code, stdout: Buffer.concat(chunks), stderr: err.toString() });
    });
  });
}

export function thumbnailArgs(input: string, time: number, height: number): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...LOCAL_INPUT,
    '-ss',
    time.toFixed(6),
    '-i',
    fileArg(input),
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    '-vf',
    `scale=-2:${height}:flags=bilinear`,
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-q:v',
    '5',
    'pipe:1',
  ];
}

/** The frame shown at `time` (or the last frame when `time` is at or past the end). */
export async function thumbnails(source: GifSourceInfo, times: number[], height: number, signal?: AbortSignal): Promise<GifThumbnail[]> {
  const bin = resolveBinary('ffmpeg').path;
  const width = Math.max(2, Math.round((height * source.width) / source.height / 2) * 2);
  // The last frame starts about one frame before the end; seeking past it yields nothing.
  const lastFrame = Math.max(0, source.duration - 1.5 / Math.max(1, source.fps));
  const out: GifThumbnail[] = new Array(times.length);
  let next = 0;
  const worker = async () => {
    while (next < times.length) {
      const i = next++;
      const t = Math.min(Math.max(0, times[i]!), lastFrame);
      if (signal?.aborted) throw new WorkbenchError('ECANCELLED', 'Cancelled.');
      const res = await captureBinary(bin, thumbnailArgs(source.path, t, height), 20_000, signal);
      if (res.code !== 0 || res.stdout.length === 0) {
        const why = ffmpegErrorLines(res.stderr).pop();
        throw new WorkbenchError('EDECODE', `Could not read the frame at ${t.toFixed(3)} s of ${source.path}${why ? `: ${why}` : '.'}`);
      }
      out[i] = { time: times[i]!, jpegBase64: res.stdout.toString('base64'), width, height };
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}
