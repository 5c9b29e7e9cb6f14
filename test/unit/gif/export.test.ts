import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBinary } from '../../../electron/core/binaries';
import { exportGif, type GifExportDeps, type GifExportRequest } from '../../../electron/core/gif/export';
import { estimateForOptions, previewGif } from '../../../electron/core/gif/preview';
import { probeSource } from '../../../electron/core/gif/probe';
import { resolveSettings } from '../../../electron/core/gif/plan';
import { runStandalone } from '../../../electron/core/jobs/context';
import { thumbnails } from '../../../electron/core/gif/thumbnails';
import { clip, ffmpegFixture } from '../../fixtures/generate';
import { parseGif } from './gif-file';

let dir: string;
let src: string;
/** A clip whose content changes a lot (budget tests need sizes that respond to settings). */
let busy: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-gif-test-'));
  src = await clip({ duration: 2, width: 320, height: 180, fps: 30, audio: null, pattern: 'testsrc2' });
  busy = await ffmpegFixture([
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'mandelbrot=s=320x180:r=30:end_scale=0.2,format=yuv420p',
    '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '{out}',
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ffprobe(file: string): { width: number; height: number; fps: number; frames: number; duration: number } {
  const res = spawnSync(
    resolveBinary('ffprobe').path,
    ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate,avg_frame_rate,nb_read_frames:format=duration', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  expect(res.status).toBe(0);
  const j = JSON.parse(res.stdout) as { streams: { width: number; height: number; avg_frame_rate: string; nb_read_frames: string }[]; format: { duration: string } };
  const s = j.streams[0]!;
  const [n, d] = s.avg_frame_rate.split('/').map(Number);
  return { width: s.width, height: s.height, fps: n! / d!, frames: Number(s.nb_read_frames), duration: Number(j.format.duration) };
}

/** GIF delays as the file stores them: the rate a viewer actually sees. */
function gifTiming(buf: Uint8Array) {
  const gif = parseGif(buf);
  const totalCs = gif.frames.reduce((a, f) => a + f.delayCs, 0);
  return { gif, seconds: totalCs / 100 };
}

/** An export run as stand-alone work (the CLI's way); resolves with the GIF's own result. */
async function exportRun(req: GifExportRequest, deps: GifExportDeps = {}) {
  const committed = await runStandalone((job) => exportGif(req, job, deps));
  return committed.details!;
}

describe('exportGif', () => {
  it('makes a valid, forever-looping GIF at the default settings (width capped at the source width)', async () => {
    const out = path.join(dir, 'default.gif');
    const result = await exportRun({ input: src, output: out, options: {} });
    const buf = await readFile(out);
    const { gif, seconds } = gifTiming(buf);
    expect(gif.version).toBe('GIF89a');
    expect(gif.trailer).toBe(true);
    // NETSCAPE2.0 application extension with repeat count 0 = forever
    const ext = buf.indexOf(Buffer.from('NETSCAPE2.0'));
    expect(ext).toBeGreaterThan(0);
    expect([...buf.subarray(ext + 11, ext + 16)]).toEqual([3, 1, 0, 0, 0]);
    expect(gif.loop).toBe(0);
    expect([gif.width, gif.height]).toEqual([320, 180]);
    expect(result).toMatchObject({ output: out, width: 320, height: 180, fps: 15, frames: 30, bytes: buf.length });
    expect(seconds).toBeCloseTo(2, 1);
    const probe = ffprobe(out);
    expect(probe.width).toBe(320);
    expect(probe.duration).toBeCloseTo(2, 1);
  });

  it('honours fps, width, trim and loop count', async () => {
    const out = path.join(dir, 'options.gif');
    const result = await exportRun({ input: src, output: out, options: { fps: 10, width: 160, start: 0.5, duration: 1.2, loop: 2, dither: 'bayer', palette: 'global', colours: 64 } });
    const buf = await readFile(out);
    const { gif, seconds } = gifTiming(buf);
    expect(gif.loop).toBe(2);
    expect([gif.width, gif.height]).toEqual([160, 90]);
    expect(gif.globalPalette!.length).toBe(64 * 3);
    expect(result.frames).toBe(12);
    expect(seconds).toBeCloseTo(1.2, 2);
    const probe = ffprobe(out);
    expect(probe.width).toBe(160);
    expect(probe.height).toBe(90);
    // testsrc2 changes every frame, so every frame is stored and ffprobe sees the rate directly
    expect(probe.frames).toBe(12);
    expect(Math.abs(probe.fps - 10)).toBeLessThan(0.5);
    expect(probe.duration).toBeCloseTo(1.2, 1);
  });

  it('plays once without a loop extension when loop is -1', async () => {
    const out = path.join(dir, 'once.gif');
    await exportRun({ input: src, output: out, options: { loop: -1, duration: 0.5, width: 80 } });
    const buf = await readFile(out);
    expect(buf.includes(Buffer.from('NETSCAPE2.0'))).toBe(false);
  });

  it('fits a reachable size budget within 15% and reports what it chose', async () => {
    const full = await exportRun({ input: busy, output: path.join(dir, 'busy-full.gif'), options: {} });
    const budget = Math.round(full.bytes * 0.45);
    const out = path.join(dir, 'budget.gif');
    const result = await exportRun({ input: busy, output: out, options: { maxBytes: budget } });
    const size = (await stat(out)).size;
    expect(size).toBe(result.bytes);
    expect(size).toBeLessThanOrEqual(budget);
    expect(size).toBeGreaterThanOrEqual(0.85 * budget);
    expect(result.budget?.outcome).toBe('fits');
    expect(result.budget!.attempts.length).toBeLessThanOrEqual(5);
    expect(result.chosen.width * result.chosen.fps).toBeLessThan(320 * 30);
    expect(parseGif(await readFile(out)).trailer).toBe(true);
  });

  it('refuses an unreachable budget with a clear error and leaves no file', async () => {
    const out = path.join(dir, 'tiny-budget.gif');
    await expect(exportRun({ input: busy, output: out, options: { maxBytes: 2048 } })).rejects.toMatchObject({
      code: 'EBUDGET',
      message: expect.stringMatching(/cannot be made under 2\.0 KB.*shorter selection or a larger budget/),
    });
    expect((await readdir(dir)).filter((n) => n.includes('tiny-budget'))).toEqual([]);
  });

  it('leaves no partial or temporary file when cancelled', async () => {
    const out = path.join(dir, 'cancelled.gif');
    const scratchRoot = await mkdtemp(path.join(os.tmpdir(), 'mwb-gif-scratch-'));
    const controller = new AbortController();
    let sawProgress = false;
    const exporting = runStandalone((job) => exportGif({ input: busy, output: out, options: { palette: 'per-frame' } }, job), {
      signal: controller.signal,
      scratchRoot,
      onProgress: (p) => {
        if ((p.percent ?? 0) > 10 && !sawProgress) {
          sawProgress = true;
          controller.abort();
        }
      },
    });
    await expect(exporting).rejects.toMatchObject({ code: 'ECANCELLED' });
    expect(sawProgress).toBe(true);
    expect((await readdir(dir)).filter((n) => n.includes('cancelled'))).toEqual([]);
    expect(await readdir(scratchRoot)).toEqual([]); // decoded frames removed too
    await rm(scratchRoot, { recursive: true });
  });

  it('does not overwrite an existing file unless asked', async () => {
    const out = path.join(dir, 'exists.gif');
    await writeFile(out, 'keep me');
    await expect(exportRun({ input: src, output: out, options: { duration: 0.3 } })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(out, 'utf8')).toBe('keep me');
    await exportRun({ input: src, output: out, options: { duration: 0.3 } }).catch(() => undefined);
    const again = await exportRun({ input: src, output: out, options: { duration: 0.3 }, overwrite: true });
    expect(again.bytes).toBe((await stat(out)).size);
  });

  it('reads an input whose name starts with a dash', async () => {
    const dashed = path.join(dir, '-i clip.mp4');
    await copyFile(src, dashed);
    const out = path.join(dir, '-out.gif');
    const result = await exportRun({ input: dashed, output: out, options: { duration: 0.4, width: 64 } });
    expect(result.frames).toBe(6);
    expect(parseGif(await readFile(out)).width).toBe(64);
  });

  describe('bad input', () => {
    it('names a missing file', async () => {
      const missing = path.join(dir, 'nope.mp4');
      await expect(exportRun({ input: missing, output: path.join(dir, 'x.gif'), options: {} })).rejects.toMatchObject({
        code: 'ENOENT',
        message: expect.stringContaining(missing),
      });
    });

    it('names a file that is not media', async () => {
      const text = path.join(dir, 'notes.mp4');
      await writeFile(text, 'this is not a video\n'.repeat(50));
      await expect(exportRun({ input: text, output: path.join(dir, 'x.gif'), options: {} })).rejects.toMatchObject({
        code: 'ENOTMEDIA',
        message: expect.stringContaining(text),
      });
    });

    it('names a truncated file (header intact, media cut short)', async () => {
      const faststart = await ffmpegFixture(['-hide_banner', '-loglevel', 'error', '-y', '-i', busy, '-c', 'copy', '-movflags', '+faststart', '{out}']);
      const full = await readFile(faststart);
      const cut = path.join(dir, 'cut.mp4');
      await writeFile(cut, full.subarray(0, Math.floor(full.length * 0.3)));
      await expect(exportRun({ input: cut, output: path.join(dir, 'cut.gif'), options: {} })).rejects.toMatchObject({
        code: 'EDAMAGED',
        message: expect.stringMatching(new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} looks truncated or damaged`)),
      });
      expect((await readdir(dir)).filter((n) => n.startsWith('.cut') || n === 'cut.gif')).toEqual([]);
    });

    it('names a file whose index is missing (cut before the moov)', async () => {
      const full = await readFile(busy);
      const cut = path.join(dir, 'nomoov.mp4');
      await writeFile(cut, full.subarray(0, Math.floor(full.length / 2)));
      await expect(exportRun({ input: cut, output: path.join(dir, 'nomoov.gif'), options: {} })).rejects.toMatchObject({
        code: 'ENOTMEDIA',
        message: expect.stringContaining(cut),
      });
    });

    it('rejects a start past the end, naming the file', async () => {
      await expect(exportRun({ input: src, output: path.join(dir, 'late.gif'), options: { start: 5 } })).rejects.toMatchObject({
        code: 'EBADOPTION',
        message: expect.stringContaining(src),
      });
    });
  });
});

describe('estimate, preview and thumbnails', () => {
  it('is exact for a short selection (it is encoded whole)', async () => {
    const source = await probeSource(busy);
    const { estimate } = await runStandalone((job) => estimateForOptions(source, {}, job));
    const real = await exportRun({ input: busy, output: path.join(dir, 'estimated.gif'), options: {} }, { source });
    expect(estimate).toMatchObject({ bytes: real.bytes, low: real.bytes, high: real.bytes, frames: real.frames, sampledSeconds: 3 });
  });

  it('estimates a longer clip from sampled windows, close to the real size', async () => {
    const long = await clip({ duration: 8, width: 320, height: 180, fps: 15, audio: null, pattern: 'testsrc2' });
    const source = await probeSource(long);
    const { estimate } = await runStandalone((job) => estimateForOptions(source, {}, job));
    const real = await exportRun({ input: long, output: path.join(dir, 'long.gif'), options: {} }, { source });
    expect(estimate.frames).toBe(real.frames);
    expect(estimate.sampledSeconds).toBeLessThan(real.duration / 2);
    expect(estimate.bytes / real.bytes).toBeGreaterThan(0.75);
    expect(estimate.bytes / real.bytes).toBeLessThan(1.33);
    expect(estimate.low).toBeLessThan(estimate.bytes);
    expect(estimate.high).toBeGreaterThan(estimate.bytes);
  });

  it('picks smaller settings for a budget in the estimate', async () => {
    const source = await probeSource(busy);
    const { settings, estimate } = await runStandalone((job) => estimateForOptions(source, { maxBytes: 150_000 }, job));
    expect(settings.width).toBeLessThan(320);
    expect(estimate.bytes).toBeLessThan(300_000);
  });

  it('previews the start of a long selection with the real encoder', async () => {
    const source = await probeSource(busy);
    const settings = resolveSettings({ width: 120 }, source);
    const preview = await runStandalone((job) => previewGif(source, settings, job, 1));
    const gif = parseGif(Buffer.from(preview.gifBase64, 'base64'));
    expect(gif.trailer).toBe(true);
    expect(gif.width).toBe(120);
    expect(preview).toMatchObject({ partial: true, frames: 15, seconds: 1, bytes: Buffer.from(preview.gifBase64, 'base64').length });
  });

  it('returns JPEG thumbnails at the asked times, the last one clamped to the final frame', async () => {
    const source = await probeSource(src);
    const thumbs = await runStandalone((job) => thumbnails(source, [0, 1, 2.5], 36, job));
    expect(thumbs).toHaveLength(3);
    for (const t of thumbs) {
      const jpeg = Buffer.from(t.jpegBase64, 'base64');
      expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
      expect(t).toMatchObject({ width: 64, height: 36 });
    }
    expect(thumbs[2]!.time).toBe(2.5);
  });
});
