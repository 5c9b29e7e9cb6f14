/**
 * Big inputs for benchmarks, generated once with ffmpeg and cached under test/bench/.cache/
 * (gitignored): a high-bitrate clip is encoded once, then looped with `-stream_loop` and stream
 * copy, which takes seconds instead of encoding 2 GB.
 *
 * Reuse from other benchmarks: `await bigFragmentedMp4()`, `await bigFragmentedMp4({ variant: 1 })`
 * (same media, every timestamp shifted by 10 s: a second 2 GB fMP4 whose fragments differ in
 * tfdt), `await bigProgressiveMp4()`, `await bigFragmentedMfraMp4()` (~2.2 GB, 1,080 fragments,
 * ending with mfra/tfra: the remote-source benchmark).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpeg, run } from '../fixtures/generate';

export const BENCH_CACHE = path.join(path.dirname(fileURLToPath(import.meta.url)), '.cache');

/** 10 s of 1280x720 noise at ~16 Mbit/s with a keyframe every second: 1 s ≈ 2 MB. */
const CLIP_SECONDS = 10;
/** 100 loops of the clip: 1000 s ≈ 2 GB, 1000 one-second fragments. */
const LOOPS = 100;

async function produce(name: string, make: (tmp: string) => Promise<void>, log: (line: string) => void): Promise<string> {
  await mkdir(BENCH_CACHE, { recursive: true });
  const out = path.join(BENCH_CACHE, name);
  if (existsSync(out)) return out;
  const tmp = path.join(BENCH_CACHE, `${process.pid}.${Date.now()}.tmp.${name}`);
  log(`generating ${out} (once; cached afterwards)…`);
  const t0 = Date.now();
  try {
    await make(tmp);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${((await stat(out)).size / 1e9).toFixed(2)} GB`);
  return out;
}

const quiet = ['-hide_banner', '-loglevel', 'error', '-y'];

function sourceClip(log: (line: string) => void): Promise<string> {
  return produce(
    'source-720p-16M-10s.mp4',
    (tmp) =>
      run(ffmpeg(), [
        ...quiet,
        '-f', 'lavfi', '-i', `testsrc2=s=1280x720:r=30:d=${CLIP_SECONDS}`,
        '-vf', 'noise=alls=30:allf=t',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
        '-b:v', '16M', '-maxrate', '16M', '-bufsize', '16M',
        '-g', '30', '-keyint_min', '30', '-sc_threshold', '0', '-bf', '0',
        '-an', tmp,
      ]),
    log,
  );
}

export interface BigInputOptions {
  /** 0: the reference file; 1: the same media with every timestamp shifted by 10 s. */
  variant?: 0 | 1;
  log?: (line: string) => void;
}

/** ~2 GB fragmented MP4 (fMP4 for MSE) with ~1000 one-second fragments. */
export async function bigFragmentedMp4(options: BigInputOptions = {}): Promise<string> {
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const variant = options.variant ?? 0;
  const clip = await sourceClip(log);
  return produce(
    `big-fragmented-2GB${variant ? `-v${variant}` : ''}.mp4`,
    (tmp) =>
      run(ffmpeg(), [
        ...quiet,
        '-stream_loop', String(LOOPS - 1), '-i', clip,
        '-c', 'copy',
        ...(variant === 1 ? ['-output_ts_offset', '10'] : []),
        '-movflags', 'frag_keyframe+empty_moov+default_base_moof',
        '-f', 'mp4', tmp,
      ]),
    log,
  );
}

/** ~2 GB progressive MP4 (moov at the end, as ffmpeg writes by default). */
export async function bigProgressiveMp4(options: { log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const clip = await sourceClip(log);
  return produce(
    'big-progressive-2GB.mp4',
    (tmp) => run(ffmpeg(), [...quiet, '-stream_loop', String(LOOPS - 1), '-i', clip, '-c', 'copy', '-f', 'mp4', tmp]),
    log,
  );
}

/**
 * ~2.2 GB fMP4 with 1,080 one-second fragments and an `mfra` index at the end (ffmpeg writes
 * mfra/tfra/mfro for fragmented output): what the remote-source benchmark reads over HTTP.
 */
export async function bigFragmentedMfraMp4(options: { log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const clip = await sourceClip(log);
  return produce(
    'big-fragmented-2.2GB-1080-mfra.mp4',
    (tmp) =>
      run(ffmpeg(), [
        ...quiet,
        '-stream_loop', '107', '-i', clip,
        '-c', 'copy',
        '-movflags', 'frag_keyframe+empty_moov+default_base_moof',
        '-f', 'mp4', tmp,
      ]),
    log,
  );
}
