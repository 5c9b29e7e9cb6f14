/**
 * Hardware encoders: `ffmpeg -encoders` lists every encoder the build has (h264_nvenc, h264_vaapi,
 * …) whether or not this machine has the GPU and driver. A one-frame test encode tells which ones
 * really work; the result is cached for the process.
 */
import { resolveBinary } from '../binaries';
import { runCapture } from '../process';
import type { HwEncoderInfo } from './transcode-types';

const cache = new Map<string, Promise<HwEncoderInfo>>();

export function hwTestArgs(name: string): string[] {
  const vaapi = name.endsWith('_vaapi');
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...(vaapi ? ['-vaapi_device', '/dev/dri/renderD128'] : []),
    '-f',
    'lavfi',
    '-i',
    'color=c=black:s=256x144:r=30:d=0.2',
    '-vf',
    vaapi ? 'format=nv12,hwupload' : 'format=nv12',
    '-frames:v',
    '3',
    '-c:v',
    name,
    '-b:v',
    '1M',
    '-f',
    'null',
    '-',
  ];
}

export function probeHwEncoder(name: string): Promise<HwEncoderInfo> {
  let hit = cache.get(name);
  if (!hit) {
    hit = (async (): Promise<HwEncoderInfo> => {
      try {
        const res = await runCapture(resolveBinary('ffmpeg').path, hwTestArgs(name), { timeoutMs: 15_000, maxBytes: 64 * 1024 });
        if (res.code === 0) return { name, usable: true, reason: null };
        const lines = res.stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
        const reason = lines.find((l) => /cannot|could not|failed|no device|not found|unsupported|error/i.test(l)) ?? lines[0] ?? `exit code ${res.code}`;
        return { name, usable: false, reason: reason.replace(/^\[[^\]]+\] /, '') };
      } catch (err) {
        return { name, usable: false, reason: (err as Error).message };
      }
    })();
    cache.set(name, hit);
  }
  return hit;
}

/** Test each encoder, two at a time (they are quick to fail, but each loads driver libraries). */
export async function probeHwEncoders(names: string[]): Promise<HwEncoderInfo[]> {
  const out: HwEncoderInfo[] = [];
  for (let i = 0; i < names.length; i += 2) out.push(...(await Promise.all(names.slice(i, i + 2).map(probeHwEncoder))));
  return out;
}
