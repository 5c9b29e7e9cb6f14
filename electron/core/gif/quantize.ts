/**
 * Frame quantisation with temporal awareness: each source frame is mapped onto the palette against
 * what the viewer currently sees (the "canvas": everything drawn so far), not just the previous source
 * frame. A pixel whose source colour is within `keepLevels` of the canvas is left as is
 * (transparent in the GIF), so sensor noise and codec shimmer cost nothing while real changes are
 * always drawn; because the test is against the canvas, small changes cannot accumulate into drift.
 */
import { NearestColour } from './palette';
import { WB, WG, WR } from './colour';

export type DitherKind = 'none' | 'ordered' | 'diffusion';

export interface QuantizeOptions {
  dither: DitherKind;
  /**
   * ordered: peak-to-peak amplitude in 8-bit levels (e.g. 12). diffusion: share of the error carried
   * to neighbours (0..1).
   */
  ditherStrength: number;
  /** A source pixel within this many 8-bit levels (weighted RMS over R, G, B) of the canvas is kept. */
  keepLevels: number;
  /** Texture level (luma gradient) at which diffusion is halved; 0 = uniform diffusion. */
  adaptive?: number;
}

export interface QuantizedFrame {
  /** Bounding box of changed pixels; width 0 when nothing changed. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** Palette indices for the box, `transparentIndex` where the canvas is kept. */
  indices: Uint8Array;
}

// 8x8 Bayer matrix, values 0..63, built by the usual recursion M(2n) = [4M, 4M+2; 4M+3, 4M+1].
const BAYER = (() => {
  let m = [[0]];
  while (m.length < 8) {
    const n = m.length;
    const next: number[][] = Array.from({ length: 2 * n }, () => new Array<number>(2 * n).fill(0));
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const v = 4 * m[y]![x]!;
        next[y]![x] = v;
        next[y]![x + n] = v + 2;
        next[y + n]![x] = v + 3;
        next[y + n]![x + n] = v + 1;
      }
    }
    m = next;
  }
  return Float32Array.from(m.flat());
})();

const CACHE_BITS = 18;
const CACHE_SIZE = 1 << CACHE_BITS;

export class FrameQuantizer {
  /** What the viewer sees after the last frame (RGB). */
  readonly canvas: Uint8Array;
  private hasCanvas = false;
  private readonly changed: Uint8Array;
  private readonly mapped: Uint8Array;
  private readonly cacheKey = new Int32Array(CACHE_SIZE);
  private readonly cacheVal = new Uint8Array(CACHE_SIZE);
  private cachedPalette: Uint8Array | null = null;
  private nearest: NearestColour | null = null;
  private readonly errCur: Float32Array;
  private readonly errNext: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.canvas = new Uint8Array(width * height * 3);
    this.changed = new Uint8Array(width * height);
    this.mapped = new Uint8Array(width * height);
    this.errCur = new Float32Array((width + 2) * 3);
    this.errNext = new Float32Array((width + 2) * 3);
  }

  /**
   * Diffusion factor for the pixel at (x, y): 1 on smooth areas, where banding shows, falling towards
   * 0 on texture and edges, where the texture already hides the palette's steps and dither noise only
   * costs bytes. `tau` is the mean neighbour luma step (in levels) at which the factor is one half.
   */
  private static smoothness(rgb: Uint8Array, width: number, height: number, x: number, y: number, tau: number): number {
    const o = (y * width + x) * 3;
    const c = 2 * rgb[o]! + 5 * rgb[o + 1]! + rgb[o + 2]!;
    let sum = 0;
    if (x > 0) sum += Math.abs(2 * rgb[o - 3]! + 5 * rgb[o - 2]! + rgb[o - 1]! - c);
    if (x < width - 1) sum += Math.abs(2 * rgb[o + 3]! + 5 * rgb[o + 4]! + rgb[o + 5]! - c);
    const row = width * 3;
    if (y > 0) sum += Math.abs(2 * rgb[o - row]! + 5 * rgb[o - row + 1]! + rgb[o - row + 2]! - c);
    if (y < height - 1) sum += Math.abs(2 * rgb[o + row]! + 5 * rgb[o + row + 1]! + rgb[o + row + 2]! - c);
    return tau / (tau + sum / 32);
  }

  private lookup(r: number, g: number, b: number): number {
    const key = ((r << 16) | (g << 8) | b) + 1;
    const slot = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
    if (this.cacheKey[slot] === key) return this.cacheVal[slot]!;
    const i = this.nearest!.find(r, g, b);
    this.cacheKey[slot] = key;
    this.cacheVal[slot] = i;
    return i;
  }

  private usePalette(palette: Uint8Array): void {
    if (this.cachedPalette === palette) return;
    this.cachedPalette = palette;
    this.nearest = new NearestColour(palette);
    this.cacheKey.fill(0);
  }

  /**
   * Quantise `rgb` (width × height × 3) onto `palette` (which must not contain the transparent index:
   * indices ≥ palette size are free). The first frame, or `full`, draws every pixel.
   */
  quantize(rgb: Uint8Array, palette: Uint8Array, transparentIndex: number, opts: QuantizeOptions, full = false): QuantizedFrame {
    this.usePalette(palette);
    const { width, height, canvas, changed, mapped } = this;
    const drawAll = full || !this.hasCanvas;
    const keep = drawAll ? -1 : opts.keepLevels * opts.keepLevels * (WR + WG + WB);
    const ordered = opts.dither === 'ordered' ? opts.ditherStrength : 0;
    const diffuse = opts.dither === 'diffusion' ? opts.ditherStrength : 0;
    const tau = diffuse > 0 ? (opts.adaptive ?? 0) : 0;
    let errCur = this.errCur;
    let errNext = this.errNext;
    errCur.fill(0);
    errNext.fill(0);
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    for (let y = 0; y < height; y++) {
      const reverse = diffuse > 0 && (y & 1) === 1;
      for (let n = 0; n < width; n++) {
        const x = reverse ? width - 1 - n : n;
        const p = y * width + x;
        const o = p * 3;
        const r = rgb[o]!;
        const g = rgb[o + 1]!;
        const b = rgb[o + 2]!;
        const cr = canvas[o]!;
        const cg = canvas[o + 1]!;
        const cb = canvas[o + 2]!;
        if (keep >= 0) {
          const dr = r - cr;
          const dg = g - cg;
          const db = b - cb;
          if (WR * dr * dr + WG * dg * dg + WB * db * db <= keep) {
            // Unchanged for the viewer. Diffused error arriving here is dropped: the canvas was
            // dithered when it was drawn, so its local average is already right.
            changed[p] = 0;
            continue;
          }
        }
        let tr = r;
        let tg = g;
        let tb = b;
        if (ordered > 0) {
          const t = ((BAYER[((y & 7) << 3) | (x & 7)]! + 0.5) / 64 - 0.5) * ordered;
          tr += t;
          tg += t;
          tb += t;
        } else if (diffuse > 0) {
          const e = (x + 1) * 3;
          tr += errCur[e]!;
          tg += errCur[e + 1]!;
          tb += errCur[e + 2]!;
        }
        const qi = this.lookup(clamp(tr), clamp(tg), clamp(tb));
        const outR = palette[qi * 3]!;
        const outG = palette[qi * 3 + 1]!;
        const outB = palette[qi * 3 + 2]!;
        if (diffuse > 0) {
          // Sierra Lite (2/4 ahead, 1/4 below-behind, 1/4 below), clamped so one poor match cannot
          // smear a streak along the row.
          const k = tau > 0 ? diffuse * FrameQuantizer.smoothness(rgb, width, height, x, y, tau) : diffuse;
          const er = clampErr((tr - outR) * k);
          const eg = clampErr((tg - outG) * k);
          const eb = clampErr((tb - outB) * k);
          const a = (reverse ? x : x + 2) * 3;
          errCur[a] += er * 0.5;
          errCur[a + 1] += eg * 0.5;
          errCur[a + 2] += eb * 0.5;
          const d = (x + 1) * 3;
          errNext[d] += er * 0.25;
          errNext[d + 1] += eg * 0.25;
          errNext[d + 2] += eb * 0.25;
          const bh = (reverse ? x + 2 : x) * 3;
          errNext[bh] += er * 0.25;
          errNext[bh + 1] += eg * 0.25;
          errNext[bh + 2] += eb * 0.25;
        }
        if (!drawAll && outR === cr && outG === cg && outB === cb) {
          changed[p] = 0;
          continue;
        }
        changed[p] = 1;
        mapped[p] = qi;
        canvas[o] = outR;
        canvas[o + 1] = outG;
        canvas[o + 2] = outB;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
      if (diffuse > 0) {
        const t = errCur;
        errCur = errNext;
        errNext = t;
        errNext.fill(0);
      }
    }
    this.hasCanvas = true;
    if (maxX < 0) return { left: 0, top: 0, width: 0, height: 0, indices: new Uint8Array(0) };
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    const indices = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      const row = (minY + y) * width + minX;
      for (let x = 0; x < w; x++) {
        const p = row + x;
        indices[y * w + x] = changed[p] ? mapped[p]! : transparentIndex;
      }
    }
    return { left: minX, top: minY, width: w, height: h, indices };
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

function clampErr(v: number): number {
  return v < -48 ? -48 : v > 48 ? 48 : v;
}
