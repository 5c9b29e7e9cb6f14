import { describe, expect, it } from 'vitest';
import { encodeGif, frameTimeCs, type EncodeSettings, type FrameSource } from '../../../electron/core/gif/encoder';
import { LzwEncoder } from '../../../electron/core/gif/lzw';
import { buildPalette, ColourHistogram, NearestColour } from '../../../electron/core/gif/palette';
import { framesAtRate, lzwDecode, parseGif, renderFrames } from './gif-file';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function source(frames: Uint8Array[]): FrameSource {
  return { count: frames.length, frame: async (i) => frames[i]! };
}

async function encode(frames: Uint8Array[], s: Partial<EncodeSettings> & { width: number; height: number }) {
  const chunks: Uint8Array[] = [];
  const settings: EncodeSettings = { fps: 10, loop: 0, paletteMode: 'global', colours: 256, dither: 'none', ditherStrength: 0, keepLevels: 0, ...s };
  const stats = await encodeGif(source(frames), settings, { write: (b) => void chunks.push(b.slice()) });
  const bytes = Buffer.concat(chunks);
  return { stats, bytes, gif: parseGif(bytes) };
}

describe('LZW', () => {
  it('round-trips random, run-heavy and table-overflowing data at every code size', () => {
    const enc = new LzwEncoder();
    const r = rng(7);
    for (const mcs of [2, 3, 4, 5, 8]) {
      const max = 1 << mcs;
      const cases = [
        Uint8Array.from({ length: 1 }, () => 1),
        Uint8Array.from({ length: 20_000 }, () => Math.floor(r() * max)),
        Uint8Array.from({ length: 30_000 }, (_, i) => Math.floor(i / 97) % max),
        new Uint8Array(100_000),
      ];
      for (const data of cases) {
        const out = enc.encode(data, mcs);
        expect(out[0]).toBe(mcs);
        // sub-blocks: lengths ≤ 255, terminated by a zero block
        let i = 1;
        const payload: number[] = [];
        while (out[i] !== 0) {
          expect(out[i]).toBeLessThanOrEqual(255);
          payload.push(...out.subarray(i + 1, i + 1 + out[i]!));
          i += out[i]! + 1;
        }
        expect(i).toBe(out.length - 1);
        expect(lzwDecode(Uint8Array.from(payload), mcs, data.length)).toEqual(data);
      }
    }
  });

  it('compresses a flat frame to a tiny fraction of its pixels', () => {
    const out = new LzwEncoder().encode(new Uint8Array(480 * 270), 8);
    expect(out.length).toBeLessThan(2000);
  });
});

describe('palette', () => {
  it('keeps every colour of an image with fewer colours than the palette', () => {
    const h = new ColourHistogram();
    const colours = [
      [255, 0, 0],
      [0, 128, 255],
      [12, 12, 12],
      [250, 250, 250],
      [30, 200, 40],
    ];
    for (const [r, g, b] of colours) for (let k = 0; k < 100; k++) h.add(r!, g!, b!, 1);
    const p = buildPalette(h, 255);
    expect(p.length / 3).toBe(5);
    const near = new NearestColour(p);
    for (const [r, g, b] of colours) {
      const i = near.find(r!, g!, b!);
      expect([p[3 * i], p[3 * i + 1], p[3 * i + 2]]).toEqual([r, g, b]);
    }
  });

  it('finds the same nearest colour as a brute-force search', () => {
    const r = rng(3);
    const p = Uint8Array.from({ length: 3 * 200 }, () => Math.floor(r() * 256));
    const near = new NearestColour(p);
    for (let k = 0; k < 2000; k++) {
      const [x, y, z] = [r() * 255, r() * 255, r() * 255];
      let best = Infinity;
      for (let i = 0; i < 200; i++) {
        const d = 3 * (p[3 * i]! - x) ** 2 + 4 * (p[3 * i + 1]! - y) ** 2 + 2 * (p[3 * i + 2]! - z) ** 2;
        best = Math.min(best, d);
      }
      const i = near.find(x, y, z);
      const d = 3 * (p[3 * i]! - x) ** 2 + 4 * (p[3 * i + 1]! - y) ** 2 + 2 * (p[3 * i + 2]! - z) ** 2;
      expect(d).toBeCloseTo(best, 6);
    }
  });
});

describe('encodeGif', () => {
  const W = 40;
  const H = 24;
  /** Few-colour frames with a moving block: exact reproduction is possible and expected. */
  function blockFrames(n: number): Uint8Array[] {
    return Array.from({ length: n }, (_, f) => {
      const rgb = new Uint8Array(W * H * 3);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const o = (y * W + x) * 3;
          const inBlock = x >= f * 3 && x < f * 3 + 8 && y >= 6 && y < 14;
          rgb.set(inBlock ? [220, 30, 40] : x < W / 2 ? [20, 40, 200] : [240, 240, 240], o);
        }
      }
      return rgb;
    });
  }

  it('reproduces few-colour frames exactly, cropping each frame to what changed', async () => {
    const frames = blockFrames(6);
    const { gif, stats } = await encode(frames, { width: W, height: H, keepLevels: 0 });
    expect(gif.trailer).toBe(true);
    expect(gif.loop).toBe(0);
    expect(gif.frames.length).toBe(6);
    expect(stats.gifFrames).toBe(6);
    expect(gif.frames[0]).toMatchObject({ left: 0, top: 0, width: W, height: H, transparentIndex: null });
    for (const f of gif.frames.slice(1)) {
      expect(f.height).toBeLessThanOrEqual(8); // only the block's rows change
      expect(f.transparentIndex).not.toBeNull();
      expect(f.disposal).toBe(1);
    }
    const shown = renderFrames(gif);
    shown.forEach((canvas, i) => expect(Buffer.from(canvas).equals(Buffer.from(frames[i]!))).toBe(true));
  });

  it('merges frames that change nothing into the previous delay, keeping the total duration', async () => {
    const [a, b] = blockFrames(2);
    const frames = [a!, a!, a!, b!, b!];
    const { gif, stats } = await encode(frames, { width: W, height: H, fps: 10 });
    expect(stats.gifFrames).toBe(2);
    expect(gif.frames.map((f) => f.delayCs)).toEqual([30, 20]);
  });

  it('spreads centisecond delays so the average rate is exact', async () => {
    const frames = blockFrames(6);
    const { gif } = await encode(frames, { width: W, height: H, fps: 15 });
    const delays = gif.frames.map((f) => f.delayCs);
    expect(delays.reduce((x, y) => x + y, 0)).toBe(frameTimeCs(6, 15));
    expect(Math.max(...delays) - Math.min(...delays)).toBeLessThanOrEqual(1);
  });

  it('writes the loop extension only when looping', async () => {
    const frames = blockFrames(2);
    expect((await encode(frames, { width: W, height: H, loop: 3 })).gif.loop).toBe(3);
    expect((await encode(frames, { width: W, height: H, loop: -1 })).gif.loop).toBeNull();
  });

  it('keeps pixels within the tolerance and never lets small changes drift further', async () => {
    // A slow brightness ramp: each step is below the tolerance, the total is far above it.
    const frames = Array.from({ length: 40 }, (_, f) => new Uint8Array(W * H * 3).fill(60 + f));
    const { gif } = await encode(frames, { width: W, height: H, keepLevels: 4 });
    const shown = framesAtRate(gif, renderFrames(gif), 10, frames.length);
    for (let f = 0; f < frames.length; f++) {
      const err = Math.abs(shown[f]![0]! - frames[f]![0]!);
      expect(err).toBeLessThanOrEqual(4);
    }
    expect(gif.frames.length).toBeLessThan(frames.length);
  });

  it('gives each scene of a cut its own palette', async () => {
    const red = new Uint8Array(W * H * 3);
    const blue = new Uint8Array(W * H * 3);
    for (let p = 0; p < W * H; p++) {
      red.set([200 + (p % 40), 10 + (p % 7), 20], p * 3);
      blue.set([10, 20 + (p % 9), 150 + (p % 60)], p * 3);
    }
    const frames = [red, red, red, blue, blue];
    const { gif, stats } = await encode(frames, { width: W, height: H, paletteMode: 'scenes' });
    expect(stats.palettes).toBe(2);
    expect(gif.frames.filter((f) => f.localPalette).length).toBeGreaterThan(0);
    const shown = renderFrames(gif);
    expect(shown[shown.length - 1]![2]).toBeGreaterThan(140); // blue scene shown in blue
    expect(shown[0]![0]).toBeGreaterThan(190); // red scene in red
  });

  it('supports per-frame palettes, ordered and diffusion dithering and small palettes', async () => {
    const r = rng(11);
    const frames = Array.from({ length: 4 }, () => Uint8Array.from({ length: W * H * 3 }, () => Math.floor(r() * 256)));
    for (const s of [
      { paletteMode: 'per-frame' as const, dither: 'none' as const, ditherStrength: 0 },
      { paletteMode: 'global' as const, dither: 'ordered' as const, ditherStrength: 12 },
      { paletteMode: 'diff' as const, dither: 'diffusion' as const, ditherStrength: 0.5, adaptive: 1 },
      { paletteMode: 'global' as const, dither: 'none' as const, ditherStrength: 0, colours: 4 },
    ]) {
      const { gif } = await encode(frames, { width: W, height: H, ...s });
      const shown = renderFrames(gif);
      expect(shown).toHaveLength(4);
      if (s.colours === 4) {
        const seen = new Set<number>();
        for (let p = 0; p < W * H; p++) seen.add((shown[3]![p * 3]! << 16) | (shown[3]![p * 3 + 1]! << 8) | shown[3]![p * 3 + 2]!);
        expect(seen.size).toBeLessThanOrEqual(3);
        expect(gif.globalPalette!.length).toBe(12);
      }
    }
  });
});
