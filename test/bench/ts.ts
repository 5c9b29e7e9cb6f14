/**
 * `npm run bench -- ts`: what playing MPEG-TS through per-segment ffmpeg remuxes costs. A 60 s
 * 720p TS HLS stream (16 Mbit/s, 2 s segments) is remuxed segment by segment exactly as the Player
 * asks for it (`transmux`, part `media`), one at a time and three at a time (the Player's
 * read-ahead), against one ffmpeg run remuxing the whole stream with the same arguments (the
 * baseline: no per-process start-up). Also the first segment's latency (init + media), which the
 * first frame waits for. Prints ratios; no assertion.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { transmux, transmuxArgs } from '../../electron/core/media/transmux';
import { ffmpeg, run as runTool } from '../fixtures/generate';
import { BENCH_CACHE } from './inputs';
import { best, measure, median } from './measure';

const quiet = ['-hide_banner', '-loglevel', 'error', '-y'];

async function tsStream(): Promise<string[]> {
  const dir = path.join(BENCH_CACHE, 'ts-720p-16M-60s-2s');
  if (!existsSync(path.join(dir, 'index.m3u8'))) {
    console.log(`generating ${dir} (once; cached afterwards)…`);
    const tmp = `${dir}.${process.pid}.tmp`;
    await mkdir(tmp, { recursive: true });
    try {
      await runTool(ffmpeg(), [
        ...quiet,
        '-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=30:d=60', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=60',
        '-vf', 'noise=alls=30:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-b:v', '16M', '-maxrate', '16M', '-bufsize', '16M',
        '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-c:a', 'aac', '-b:a', '128k',
        '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_filename', path.join(tmp, 'seg_%03d.ts'), path.join(tmp, 'index.m3u8'),
      ]);
      await rename(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  return (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort().map((f) => path.join(dir, f));
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) n += c.byteLength;
  return n;
}

/** One ffmpeg over every segment, back to back on its stdin: the same remux without per-segment processes. */
function wholeRemux(segments: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg(), transmuxArgs(), { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = 0;
    child.stdout.on('data', (c: Buffer) => (out += c.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`ffmpeg exited with ${code}`))));
    void (async () => {
      for (const s of segments) {
        await new Promise<void>((done, fail) => {
          const r = createReadStream(s);
          r.on('end', done).on('error', fail);
          r.pipe(child.stdin, { end: false });
        });
      }
      child.stdin.end();
    })();
  });
}

async function perSegment(segments: string[], concurrency: number): Promise<number[]> {
  const times: number[] = new Array(segments.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let k = next++; k < segments.length; k = next++) {
        const t = performance.now();
        await drain(await transmux({ path: segments[k]! }, { part: 'media', firstFragment: k * 1000 + 1 }));
        times[k] = performance.now() - t;
      }
    }),
  );
  return times;
}

export async function run(): Promise<void> {
  const segments = await tsStream();
  let bytes = 0;
  for (const s of segments) bytes += (await stat(s)).size;
  const mb = bytes / 1e6;
  console.log(`${segments.length} segments, ${mb.toFixed(1)} MB of MPEG-TS (60 s, 720p, 16 Mbit/s + AAC)`);
  const base = best([await measure(() => wholeRemux(segments)), await measure(() => wholeRemux(segments))]);
  const one = best([await measure(() => perSegment(segments, 1)), await measure(() => perSegment(segments, 1))]);
  const three = best([await measure(() => perSegment(segments, 3)), await measure(() => perSegment(segments, 3))]);
  const firstSegment = async () => (await drain(await transmux({ path: segments[0]! }, { part: 'init' }))) + (await drain(await transmux({ path: segments[0]! }, { part: 'media' })));
  const first = best([await measure(firstSegment), await measure(firstSegment), await measure(firstSegment)]);
  const row = (name: string, ms: number) => console.log(`${name.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms  ${(mb / (ms / 1000)).toFixed(1).padStart(6)} MB/s  ${(base.ms / ms).toFixed(2)}× the single run`);
  row('one ffmpeg over the whole stream (baseline)', base.ms);
  row('per segment, one at a time', one.ms);
  row('per segment, three at a time (the Player)', three.ms);
  console.log(`median segment remux (one at a time): ${median(one.value).toFixed(0)} ms for ${(bytes / segments.length / 1e6).toFixed(1)} MB = ${(2000 / median(one.value)).toFixed(1)}× real time`);
  console.log(`first segment, init + media (first frame waits for it): ${first.ms.toFixed(0)} ms`);
}
