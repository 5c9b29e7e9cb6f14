/**
 * Our GIF encoder: RGB frames in, GIF bytes out. ffmpeg decodes, trims, resamples and scales; this
 * module chooses the palette(s), maps pixels against what the viewer already sees (quantize.ts),
 * crops each frame to what changed, merges frames that change nothing into the previous frame's
 * delay, and LZW-compresses. See test/bench/gif.ts for how it compares with ffmpeg's
 * palettegen/paletteuse and with gifski.
 */
import { ColourHistogram, buildPalette } from './palette';
import { FrameQuantizer, type QuantizeOptions } from './quantize';
import { LzwEncoder } from './lzw';
import { frameHeader, gifHeader, GIF_TRAILER, setHeaderDelay, tableBits } from './gif-writer';
import type { GifPaletteMode } from './gif-types';

export interface EncodeSettings extends QuantizeOptions {
  width: number;
  height: number;
  fps: number;
  /** 0 = forever, N = repeat N more times, -1 = play once. */
  loop: number;
  paletteMode: GifPaletteMode;
  /** Palette size including the transparent entry (2..256). */
  colours: number;
}

/** Random access to decoded frames (RGB, width × height × 3): palettes need a pass before encoding. */
export interface FrameSource {
  readonly count: number;
  frame(index: number): Promise<Uint8Array>;
}

export interface EncodeHooks {
  write(bytes: Uint8Array): Promise<void> | void;
  /** 0..1 across the palette passes and the encoding pass. */
  progress?(fraction: number): void;
  signal?: AbortSignal;
}

export interface EncodeStats {
  frames: number;
  /** Frames written; a frame identical on screen to the previous one only lengthens its delay. */
  gifFrames: number;
  bytes: number;
  /** Bytes each source frame cost (0 for merged frames); the first includes the file header. */
  frameBytes: number[];
  /** Palettes used (1 unless scenes or per-frame). */
  palettes: number;
}

/** Where a new scene starts: L1 distance (0..2) between a frame's colours and its scene's so far. */
const SCENE_THRESHOLD = 0.8;
/** k-means rounds after median cut. */
const REFINE = 3;
/** The histogram pass samples every other pixel above this many pixels in total. */
const FULL_HISTOGRAM_LIMIT = 4_000_000;

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Aborted');
}

/** Centisecond timestamp of frame `i` at `fps`, rounded so delays average out to the exact rate. */
export function frameTimeCs(i: number, fps: number): number {
  return Math.round((i * 100) / fps);
}

export async function encodeGif(source: FrameSource, s: EncodeSettings, hooks: EncodeHooks): Promise<EncodeStats> {
  const colours = Math.max(2, Math.min(256, Math.round(s.colours)));
  const budget = colours - 1; // one entry is the transparent "unchanged" index
  const step = s.width * s.height * source.count > FULL_HISTOGRAM_LIMIT ? 2 : 1;
  const perFrame = s.paletteMode === 'per-frame';
  const passes = perFrame ? 1 : 2;
  let pass = 0;
  const report = (i: number) => hooks.progress?.((pass + (i + 1) / source.count) / passes);

  // ---- palettes
  const hist = new ColourHistogram();
  const starts = [0];
  let palettes: Uint8Array[] = [];
  if (s.paletteMode === 'scenes') {
    // One pass: a frame that starts a new scene closes the previous scene's histogram into a palette.
    const scenes = new SceneSplitter(step);
    for (let i = 0; i < source.count; i++) {
      checkAbort(hooks.signal);
      const rgb = await source.frame(i);
      if (scenes.isCut(rgb) && i > 0) {
        palettes.push(buildPalette(hist, budget, REFINE));
        hist.clear();
        starts.push(i);
      }
      hist.addFrame(rgb, 1, step);
      report(i);
    }
    palettes.push(buildPalette(hist, budget, REFINE));
    pass++;
  } else if (!perFrame) {
    let prev: Uint8Array | null = null;
    for (let i = 0; i < source.count; i++) {
      checkAbort(hooks.signal);
      const rgb = await source.frame(i);
      // diff: what changes is what the GIF keeps drawing; the still background counts a little.
      if (s.paletteMode === 'diff' && prev) hist.addChanged(rgb, prev, 9 * 4 * 4, 0.05);
      else hist.addFrame(rgb, 1, step);
      prev = rgb;
      report(i);
    }
    palettes = [buildPalette(hist, budget, REFINE)];
    pass++;
  }
  // The longest scene's palette goes in the global table; other scenes carry local tables.
  let globalIndex = -1;
  if (palettes.length) {
    globalIndex = 0;
    const len = (k: number) => (starts[k + 1] ?? source.count) - starts[k]!;
    for (let k = 1; k < starts.length; k++) if (len(k) > len(globalIndex)) globalIndex = k;
  }
  const globalPalette = globalIndex >= 0 ? withTransparent(palettes[globalIndex]!) : null;

  // ---- frames
  const quantizer = new FrameQuantizer(s.width, s.height);
  const lzw = new LzwEncoder();
  const frameBytes = new Array<number>(source.count).fill(0);
  let bytes = 0;
  let gifFrames = 0;
  const header = gifHeader(s.width, s.height, globalPalette, s.loop);
  bytes += header.length;
  await hooks.write(header);

  let pending: { head: Uint8Array; data: Uint8Array; startCs: number; index: number } | null = null;
  const flush = async (endCs: number) => {
    if (!pending) return;
    setHeaderDelay(pending.head, Math.max(2, endCs - pending.startCs));
    await hooks.write(pending.head);
    await hooks.write(pending.data);
    const n = pending.head.length + pending.data.length;
    frameBytes[pending.index] += n;
    bytes += n;
    pending = null;
  };
  frameBytes[0] = header.length;

  const frameHist = perFrame ? new ColourHistogram() : null;
  let scene = 0;
  for (let i = 0; i < source.count; i++) {
    checkAbort(hooks.signal);
    const rgb = await source.frame(i);
    let palette: Uint8Array;
    let local: Uint8Array | undefined;
    if (frameHist) {
      // Per-frame: a palette for the pixels this frame will actually draw.
      frameHist.clear();
      if (i === 0) frameHist.addFrame(rgb);
      else frameHist.addChanged(rgb, quantizer.canvas, 9 * s.keepLevels * s.keepLevels, 0);
      palette = frameHist.total > 0 ? buildPalette(frameHist, budget, 2) : new Uint8Array([0, 0, 0]);
      local = withTransparent(palette);
    } else {
      while (scene + 1 < starts.length && starts[scene + 1]! <= i) scene++;
      palette = palettes[scene]!;
      if (scene !== globalIndex) local = withTransparent(palette);
    }
    const transparentIndex = palette.length / 3;
    const q = quantizer.quantize(rgb, palette, transparentIndex, s);
    report(i);
    if (q.width === 0) continue; // nothing changed on screen: the previous frame stays up longer
    await flush(frameTimeCs(i, s.fps));
    const head = frameHeader({
      left: q.left,
      top: q.top,
      width: q.width,
      height: q.height,
      delayCs: 0,
      transparentIndex: i === 0 ? -1 : transparentIndex,
      localPalette: local,
    });
    const data = lzw.encode(q.indices, tableBits((local ?? globalPalette!).length / 3));
    pending = { head, data, startCs: frameTimeCs(i, s.fps), index: i };
    gifFrames++;
  }
  await flush(frameTimeCs(source.count, s.fps));
  await hooks.write(GIF_TRAILER);
  bytes += GIF_TRAILER.length;
  return { frames: source.count, gifFrames, bytes, frameBytes, palettes: perFrame ? gifFrames : palettes.length };
}

/** The palette plus one extra (black) entry used as the transparent index. */
function withTransparent(palette: Uint8Array): Uint8Array {
  const out = new Uint8Array(palette.length + 3);
  out.set(palette);
  return out;
}

/**
 * Where the clip's colours change: a frame whose coarse (4 bits per channel) colour histogram is far
 * (L1 distance) from the mean of the current scene starts a new one. Cuts and fades get their own
 * palettes; a pan over the same landscape stays one scene.
 */
export class SceneSplitter {
  private static readonly BINS = 4096;
  private readonly sum = new Float64Array(SceneSplitter.BINS);
  private readonly h = new Float64Array(SceneSplitter.BINS);
  private inScene = 0;

  constructor(private readonly step = 1) {}

  /** Feed the next frame; true when it starts a new scene (never for the first frame). */
  isCut(rgb: Uint8Array): boolean {
    const { h, sum } = this;
    h.fill(0);
    let n = 0;
    for (let o = 0; o < rgb.length; o += 3 * this.step) {
      h[((rgb[o]! >> 4) << 8) | ((rgb[o + 1]! >> 4) << 4) | (rgb[o + 2]! >> 4)] += 1;
      n++;
    }
    let cut = false;
    if (this.inScene > 0) {
      let d = 0;
      for (let k = 0; k < SceneSplitter.BINS; k++) d += Math.abs(h[k]! / n - sum[k]! / this.inScene);
      if (d > SCENE_THRESHOLD) {
        cut = true;
        sum.fill(0);
        this.inScene = 0;
      }
    }
    for (let k = 0; k < SceneSplitter.BINS; k++) sum[k] += h[k]! / n;
    this.inScene++;
    return cut;
  }
}
