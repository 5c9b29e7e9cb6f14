import { describe, expect, it } from 'vitest';
import { budgetBounds, fitBudget, knobsAt, type BudgetKnobs } from '../../../electron/core/gif/budget';
import type { GifSourceInfo } from '../../../electron/core/gif/gif-types';
import { defaultGifPath } from '../../../electron/core/gif/output';
import { tempNameFor } from '../../../electron/core/jobs/safe-output';
import { encoderSettings, resolveSettings } from '../../../electron/core/gif/plan';
import { parseProbe } from '../../../electron/core/gif/probe';
import { parseSize } from '../../../electron/cli/gif';

const source: GifSourceInfo = { path: '/videos/clip.mp4', duration: 6, width: 1280, height: 720, fps: 30, codec: 'h264' };

describe('resolveSettings', () => {
  it('uses the documented defaults: 15 fps, 480 px, whole clip, forever, scene palettes, diffusion', () => {
    expect(resolveSettings({}, source)).toEqual({
      start: 0,
      duration: 6,
      fps: 15,
      width: 480,
      height: 270,
      loop: 0,
      dither: 'diffusion',
      bayerScale: 3,
      diffusion: 0.5,
      palette: 'scenes',
      colours: 256,
      quality: 80,
    });
  });

  it('never upscales by default and keeps the display aspect ratio', () => {
    expect(resolveSettings({}, { ...source, width: 320, height: 240 })).toMatchObject({ width: 320, height: 240 });
    expect(resolveSettings({ width: 100 }, { ...source, width: 1920, height: 1080 })).toMatchObject({ width: 100, height: 56 });
  });

  it('trims by end or duration, clamped to the input', () => {
    expect(resolveSettings({ start: 1, end: 3 }, source)).toMatchObject({ start: 1, duration: 2 });
    expect(resolveSettings({ start: 5, duration: 4 }, source)).toMatchObject({ start: 5, duration: 1 });
  });

  it.each([
    [{ start: 6 }, /past the end of \/videos\/clip\.mp4/],
    [{ start: 2, end: 1 }, /must come after start/],
    [{ end: 2, duration: 1 }, /either end or duration/],
    [{ fps: 60 }, /fps must be between 1 and 50/],
    [{ width: 8 }, /width must be a whole number/],
    [{ colours: 300 }, /colours must be/],
    [{ loop: -2 }, /loop must be/],
    [{ quality: 101 }, /quality must be/],
    [{ bayerScale: 6 }, /bayer scale/],
  ])('refuses %j', (options, message) => {
    expect(() => resolveSettings(options, source)).toThrow(message);
  });

  it.each([[{ width: 1920, fps: 50 }, /too much for one GIF of \/videos\/clip-long\.mp4; use a shorter selection/]])('refuses a selection too long to decode: %j', (options, message) => {
    expect(() => resolveSettings(options, { ...source, path: '/videos/clip-long.mp4', duration: 600 })).toThrow(message);
  });

  it('maps quality to the unchanged-pixel tolerance and bayer scale to a halving amplitude', () => {
    const s = resolveSettings({ quality: 100, dither: 'bayer', bayerScale: 2 }, source);
    expect(encoderSettings(s)).toMatchObject({ keepLevels: 0, dither: 'ordered', ditherStrength: 12 });
    expect(encoderSettings(resolveSettings({}, source))).toMatchObject({ keepLevels: 4, dither: 'diffusion', ditherStrength: 0.5 });
  });
});

describe('parseProbe', () => {
  it('applies sample aspect ratio and rotation to the display size', () => {
    expect(parseProbe('a.mp4', { streams: [{ width: 720, height: 576, sample_aspect_ratio: '16:11', avg_frame_rate: '25/1' }], format: { duration: '3.5' } })).toMatchObject({
      width: 1047,
      height: 576,
      fps: 25,
      duration: 3.5,
    });
    expect(parseProbe('b.mp4', { streams: [{ width: 1920, height: 1080, side_data_list: [{ rotation: -90 }], avg_frame_rate: '30000/1001', duration: '2' }] })).toMatchObject({
      width: 1080,
      height: 1920,
    });
  });

  it('explains a file without video or without a duration', () => {
    expect(() => parseProbe('song.m4a', { streams: [] })).toThrow(/song\.m4a has no video stream/);
    expect(() => parseProbe('x.h264', { streams: [{ width: 2, height: 2 }] })).toThrow(/x\.h264: ffprobe cannot tell how long/);
  });
});

describe('size budget search', () => {
  const max: BudgetKnobs = { width: 960, fps: 30, colours: 256, quality: 80 };
  const bounds = budgetBounds(max);

  it('turns every knob down monotonically as the level falls', () => {
    let prev = knobsAt(1, bounds);
    expect(prev).toEqual(max);
    for (let l = 0.95; l > 0.001; l *= 0.8) {
      const k = knobsAt(l, bounds);
      expect(k.width).toBeLessThanOrEqual(prev.width);
      expect(k.fps).toBeLessThanOrEqual(prev.fps);
      expect(k.colours).toBeLessThanOrEqual(prev.colours);
      expect(k.quality).toBeLessThanOrEqual(prev.quality);
      prev = k;
    }
    expect(prev).toEqual({ width: 160, fps: 6, colours: 32, quality: 40 });
  });

  /** A size model with the shape real GIFs have (area × rate^0.8, noise from content). */
  const model = (k: BudgetKnobs) => Math.round(k.width * k.width * (9 / 16) * k.fps ** 0.8 * (0.6 + (0.4 * Math.log2(k.colours)) / 8) * (1.4 - k.quality / 200));

  it.each([200_000, 1_000_000, 3_000_000, 6_000_000])('lands within 85-100 percent of a %i byte budget in a few encodes', async (budget) => {
    const tried: BudgetKnobs[] = [];
    const r = await fitBudget(budget, bounds, async (k) => {
      tried.push(k);
      return { bytes: model(k), value: k };
    }, { estimateAtMax: model(max) * 1.2 });
    expect(r.outcome).toBe('fits');
    expect(r.bytes).toBeLessThanOrEqual(budget);
    expect(r.bytes).toBeGreaterThanOrEqual(0.85 * budget);
    expect(tried.length).toBeLessThanOrEqual(5);
    expect(r.value).toEqual(r.knobs);
  });

  it('still lands in range when sizes jump between neighbouring frame rates', async () => {
    // Content whose change per frame jumps above 13 fps (as a rotating test pattern's does).
    const jumpy = (k: BudgetKnobs) => Math.round(k.width * k.width * 0.5625 * (k.fps >= 14 ? k.fps * 1.35 : k.fps));
    for (const budget of [60_000, 61_440, 90_000, 150_000]) {
      const r = await fitBudget(budget, budgetBounds({ width: 320, fps: 30, colours: 256, quality: 80 }), async (k) => ({ bytes: jumpy(k), value: null }), {
        estimateAtMax: jumpy({ width: 320, fps: 30, colours: 256, quality: 80 }) * 0.8,
      });
      expect(r.outcome).toBe('fits');
      expect(r.bytes).toBeLessThanOrEqual(budget);
      expect(r.bytes).toBeGreaterThanOrEqual(0.85 * budget);
      expect(r.attempts.length).toBeLessThanOrEqual(6);
    }
  });

  it('says "under" when even the maxima are smaller than the budget', async () => {
    const r = await fitBudget(model(max) * 3, bounds, async (k) => ({ bytes: model(k), value: null }));
    expect(r).toMatchObject({ outcome: 'under', knobs: max });
    expect(r.attempts).toHaveLength(1);
  });

  it('fails clearly when the smallest settings do not fit', async () => {
    await expect(fitBudget(1000, bounds, async (k) => ({ bytes: model(k), value: null }))).rejects.toMatchObject({
      code: 'EBUDGET',
      message: expect.stringMatching(/cannot be made under 1000 B: even at 160 px, 6 fps and 32 colours/),
    });
  });
});

describe('small helpers', () => {
  it('parses CLI sizes (progress times: the jobs progress parser, test/unit/jobs)', () => {
    expect(parseSize('10485760')).toBe(10485760);
    expect(parseSize('10MB')).toBe(10 * 1024 * 1024);
    expect(parseSize('1.5m')).toBe(1572864);
    expect(parseSize('500KiB')).toBe(512000);
    expect(() => parseSize('ten')).toThrow(/--max-size/);
  });

  it('names outputs beside the input without clobbering, and temporaries recognisably', () => {
    const taken = new Set(['/v/clip.gif', '/v/clip-2.gif']);
    expect(defaultGifPath('/v/clip.mp4', (p) => taken.has(p))).toBe('/v/clip-3.gif');
    expect(defaultGifPath('/v/other.mov', (p) => taken.has(p))).toBe('/v/other.gif');
    expect(tempNameFor('/v/clip.gif', 'file', 'abc')).toBe('/v/.clip.mwb-abc.part.gif');
  });
});
