/**
 * What the GIF engine needs to know about an input before decoding it: duration, display size and
 * frame rate of the first video stream. Failures name the file and say what to do.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, WorkbenchError } from '../errors';
import { ffprobeJson } from '../media/ffprobe';
import type { GifSourceInfo } from './gif-types';

function rate(text: unknown): number {
  if (typeof text !== 'string') return 0;
  const [n, d] = text.split(/[/:]/).map(Number);
  if (!n || !Number.isFinite(n)) return 0;
  return d ? n / d : n;
}

interface ProbeJson {
  streams?: {
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    sample_aspect_ratio?: string;
    duration?: string;
    tags?: { rotate?: string };
    side_data_list?: { rotation?: number }[];
  }[];
  format?: { duration?: string; format_name?: string };
}

/** Parse ffprobe's JSON for the first video stream; exported for unit tests. */
export function parseProbe(file: string, json: ProbeJson): GifSourceInfo {
  const v = json.streams?.[0];
  if (!v || !v.width || !v.height) {
    throw new WorkbenchError('ENOVIDEO', `${file} has no video stream, so there is nothing to make a GIF from.`);
  }
  const sar = rate(v.sample_aspect_ratio) || 1;
  let width = Math.round(v.width * (sar > 0 ? sar : 1));
  let height = v.height;
  const rotation = Math.abs(Number(v.side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? v.tags?.rotate ?? 0)) % 180;
  if (rotation === 90) [width, height] = [height, width];
  const duration = Number(v.duration ?? json.format?.duration ?? NaN);
  if (!Number.isFinite(duration) || duration <= 0) {
    throw new WorkbenchError('ENODURATION', `${file}: ffprobe cannot tell how long the video is (a still image or a raw stream?).`);
  }
  const fps = rate(v.avg_frame_rate) || rate(v.r_frame_rate) || 25;
  return { path: file, duration, width, height, fps: Math.min(fps, 1000), codec: v.codec_name ?? 'unknown' };
}

export async function probeSource(file: string): Promise<GifSourceInfo> {
  const absolute = path.resolve(file);
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) throw new WorkbenchError('EISDIR', `${absolute} is a folder; choose a video file.`);
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    throw describeFsError(err, absolute);
  }
  const json = await ffprobeJson<ProbeJson>(
    { kind: 'file', path: absolute },
    [
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,sample_aspect_ratio,duration:stream_side_data=rotation:stream_tags=rotate:format=duration,format_name',
    ],
    { maxBytes: 1024 * 1024 },
  );
  return parseProbe(absolute, json);
}
