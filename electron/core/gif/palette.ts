/**
 * Palettes: a colour histogram over frames, median cut that splits where it removes the most
 * weighted error (not at the median count), then a few rounds of k-means to settle the colours.
 * That pair is the pngquant/libimagequant recipe; it beats ffmpeg's plain median cut on clips with
 * small but important colours (text, a subject against a large background).
 */
import { distance, WB, WG, WR } from './colour';

const SHIFT = 2;
const BITS = 8 - SHIFT;
const BINS = 1 << (3 * BITS);

function binOf(r: number, g: number, b: number): number {
  return ((r >> SHIFT) << (2 * BITS)) | ((g >> SHIFT) << BITS) | (b >> SHIFT);
}

/** Weighted colour counts at 6 bits per channel, keeping the exact mean colour of each bin. */
export class ColourHistogram {
  readonly weight = new Float64Array(BINS);
  readonly sumR = new Float64Array(BINS);
  readonly sumG = new Float64Array(BINS);
  readonly sumB = new Float64Array(BINS);
  total = 0;
  /**
   * The exact colours while there are at most 256 of them (UI captures, flat graphics): then the
   * palette can be exactly those instead of bin averages.
   */
  exact: Set<number> | null = new Set();

  clear(): void {
    this.weight.fill(0);
    this.sumR.fill(0);
    this.sumG.fill(0);
    this.sumB.fill(0);
    this.total = 0;
    this.exact = new Set();
  }

  /** Count every pixel of an RGB frame, or only every `step`-th one (sampling for speed). */
  addFrame(rgb: Uint8Array, weight = 1, step = 1): void {
    const stride = 3 * step;
    for (let i = 0; i < rgb.length; i += stride) this.add(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!, weight);
  }

  /**
   * Count what changed since `prev` at full weight and what did not at `unchangedWeight`: the colours
   * that the GIF will actually have to draw in later frames matter more than a static background.
   */
  addChanged(rgb: Uint8Array, prev: Uint8Array, threshold: number, unchangedWeight: number): void {
    for (let i = 0; i < rgb.length; i += 3) {
      const r = rgb[i]!;
      const g = rgb[i + 1]!;
      const b = rgb[i + 2]!;
      const changed = distance(r, g, b, prev[i]!, prev[i + 1]!, prev[i + 2]!) > threshold;
      if (changed) this.add(r, g, b, 1);
      else if (unchangedWeight > 0) this.add(r, g, b, unchangedWeight);
    }
  }

  add(r: number, g: number, b: number, w: number): void {
    if (this.exact) {
      this.exact.add((r << 16) | (g << 8) | b);
      if (this.exact.size > 256) this.exact = null;
    }
    const k = binOf(r, g, b);
    this.weight[k] += w;
    this.sumR[k] += r * w;
    this.sumG[k] += g * w;
    this.sumB[k] += b * w;
    this.total += w;
  }
}

interface Entries {
  r: Float64Array;
  g: Float64Array;
  b: Float64Array;
  w: Float64Array;
  n: number;
}

function entriesOf(h: ColourHistogram): Entries {
  let n = 0;
  for (let k = 0; k < BINS; k++) if (h.weight[k]! > 0) n++;
  const e: Entries = { r: new Float64Array(n), g: new Float64Array(n), b: new Float64Array(n), w: new Float64Array(n), n };
  let j = 0;
  for (let k = 0; k < BINS; k++) {
    const w = h.weight[k]!;
    if (w <= 0) continue;
    e.r[j] = h.sumR[k]! / w;
    e.g[j] = h.sumG[k]! / w;
    e.b[j] = h.sumB[k]! / w;
    e.w[j] = w;
    j++;
  }
  return e;
}

interface Box {
  start: number;
  end: number;
  /** Weighted squared error if the box became one colour. */
  error: number;
}

const CH_WEIGHT = [WR, WG, WB];

function boxError(e: Entries, order: Uint32Array, start: number, end: number): number {
  let w = 0;
  let sr = 0;
  let sg = 0;
  let sb = 0;
  let qr = 0;
  let qg = 0;
  let qb = 0;
  for (let i = start; i < end; i++) {
    const k = order[i]!;
    const wk = e.w[k]!;
    const r = e.r[k]!;
    const g = e.g[k]!;
    const b = e.b[k]!;
    w += wk;
    sr += wk * r;
    sg += wk * g;
    sb += wk * b;
    qr += wk * r * r;
    qg += wk * g * g;
    qb += wk * b * b;
  }
  if (w <= 0) return 0;
  return WR * (qr - (sr * sr) / w) + WG * (qg - (sg * sg) / w) + WB * (qb - (sb * sb) / w);
}

/** Split a box along its widest weighted channel where the two halves' summed error is least. */
function splitBox(e: Entries, order: Uint32Array, box: Box): [Box, Box] | null {
  const { start, end } = box;
  if (end - start < 2) return null;
  const chans = [e.r, e.g, e.b];
  let best = 0;
  let bestVar = -1;
  for (let c = 0; c < 3; c++) {
    const v = chans[c]!;
    let w = 0;
    let s = 0;
    let q = 0;
    for (let i = start; i < end; i++) {
      const k = order[i]!;
      const wk = e.w[k]!;
      w += wk;
      s += wk * v[k]!;
      q += wk * v[k]! * v[k]!;
    }
    const variance = CH_WEIGHT[c]! * (q - (s * s) / w);
    if (variance > bestVar) {
      bestVar = variance;
      best = c;
    }
  }
  const key = chans[best]!;
  order.subarray(start, end).sort((a, b) => key[a]! - key[b]!);
  // Prefix sums of weight and of the split channel give each cut's error along that channel.
  let totalW = 0;
  let totalS = 0;
  for (let i = start; i < end; i++) {
    const k = order[i]!;
    totalW += e.w[k]!;
    totalS += e.w[k]! * key[k]!;
  }
  let w = 0;
  let s = 0;
  let cut = -1;
  let bestScore = -Infinity;
  for (let i = start; i < end - 1; i++) {
    const k = order[i]!;
    w += e.w[k]!;
    s += e.w[k]! * key[k]!;
    if (key[order[i + 1]!]! === key[k]!) continue;
    const rw = totalW - w;
    // Maximising between-group variance is the same as minimising within-group error.
    const score = (s * s) / w + ((totalS - s) * (totalS - s)) / rw;
    if (score > bestScore) {
      bestScore = score;
      cut = i + 1;
    }
  }
  if (cut < 0) return null;
  return [
    { start, end: cut, error: boxError(e, order, start, cut) },
    { start: cut, end, error: boxError(e, order, cut, end) },
  ];
}

/**
 * Up to `maxColours` colours (RGB triples) for the histogram. Fewer come back when the histogram has
 * fewer distinct colours. `refine` rounds of k-means polish the median-cut result.
 */
export function buildPalette(h: ColourHistogram, maxColours: number, refine = 3): Uint8Array {
  if (h.exact && h.exact.size > 0 && h.exact.size <= maxColours) {
    const out = new Uint8Array(h.exact.size * 3);
    let i = 0;
    for (const c of h.exact) {
      out[i++] = c >> 16;
      out[i++] = (c >> 8) & 0xff;
      out[i++] = c & 0xff;
    }
    return out;
  }
  const e = entriesOf(h);
  if (e.n === 0) return new Uint8Array([0, 0, 0]);
  const order = new Uint32Array(e.n);
  for (let i = 0; i < e.n; i++) order[i] = i;
  const boxes: Box[] = [{ start: 0, end: e.n, error: boxError(e, order, 0, e.n) }];
  while (boxes.length < maxColours) {
    let pick = -1;
    for (let i = 0; i < boxes.length; i++) {
      const b = boxes[i]!;
      if (b.end - b.start > 1 && (pick < 0 || b.error > boxes[pick]!.error)) pick = i;
    }
    if (pick < 0 || boxes[pick]!.error <= 0) break;
    const parts = splitBox(e, order, boxes[pick]!);
    if (!parts) {
      boxes[pick]!.error = 0;
      continue;
    }
    boxes.splice(pick, 1, parts[0], parts[1]);
  }
  const n = boxes.length;
  const cr = new Float64Array(n);
  const cg = new Float64Array(n);
  const cb = new Float64Array(n);
  boxes.forEach((b, i) => {
    let w = 0;
    let sr = 0;
    let sg = 0;
    let sb = 0;
    for (let j = b.start; j < b.end; j++) {
      const k = order[j]!;
      w += e.w[k]!;
      sr += e.w[k]! * e.r[k]!;
      sg += e.w[k]! * e.g[k]!;
      sb += e.w[k]! * e.b[k]!;
    }
    cr[i] = sr / w;
    cg[i] = sg / w;
    cb[i] = sb / w;
  });
  for (let round = 0; round < refine; round++) {
    const index = new NearestColour(toBytes(cr, cg, cb));
    const w = new Float64Array(n);
    const sr = new Float64Array(n);
    const sg = new Float64Array(n);
    const sb = new Float64Array(n);
    for (let k = 0; k < e.n; k++) {
      const c = index.find(e.r[k]!, e.g[k]!, e.b[k]!);
      const wk = e.w[k]!;
      w[c] += wk;
      sr[c] += wk * e.r[k]!;
      sg[c] += wk * e.g[k]!;
      sb[c] += wk * e.b[k]!;
    }
    for (let i = 0; i < n; i++) {
      if (w[i]! <= 0) continue;
      cr[i] = sr[i]! / w[i]!;
      cg[i] = sg[i]! / w[i]!;
      cb[i] = sb[i]! / w[i]!;
    }
  }
  return dedupe(toBytes(cr, cg, cb));
}

function toBytes(r: Float64Array, g: Float64Array, b: Float64Array): Uint8Array {
  const out = new Uint8Array(r.length * 3);
  for (let i = 0; i < r.length; i++) {
    out[3 * i] = Math.min(255, Math.max(0, Math.round(r[i]!)));
    out[3 * i + 1] = Math.min(255, Math.max(0, Math.round(g[i]!)));
    out[3 * i + 2] = Math.min(255, Math.max(0, Math.round(b[i]!)));
  }
  return out;
}

function dedupe(rgb: Uint8Array): Uint8Array {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < rgb.length; i += 3) {
    const key = (rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
  }
  return new Uint8Array(out);
}

/**
 * Nearest palette colour under the weighted distance. Colours are kept sorted by green (the heaviest
 * channel); a search walks outwards from the query's green and stops as soon as the green difference
 * alone exceeds the best match, which visits a handful of colours instead of all 256.
 */
export class NearestColour {
  private readonly order: Int32Array;
  private readonly gs: Float64Array;
  private readonly rs: Float64Array;
  private readonly bs: Float64Array;
  readonly size: number;

  constructor(readonly palette: Uint8Array) {
    const n = palette.length / 3;
    this.size = n;
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => palette[3 * a + 1]! - palette[3 * b + 1]!);
    this.order = Int32Array.from(idx);
    this.gs = Float64Array.from(idx, (i) => palette[3 * i + 1]!);
    this.rs = Float64Array.from(idx, (i) => palette[3 * i]!);
    this.bs = Float64Array.from(idx, (i) => palette[3 * i + 2]!);
  }

  find(r: number, g: number, b: number): number {
    const gs = this.gs;
    const n = this.size;
    // binary search for the first colour with green >= g
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (gs[mid]! < g) lo = mid + 1;
      else hi = mid;
    }
    let best = Infinity;
    let bestI = 0;
    let up = lo;
    let down = lo - 1;
    while (up < n || down >= 0) {
      if (up < n) {
        const dg = gs[up]! - g;
        const dgw = WG * dg * dg;
        if (dgw >= best) up = n;
        else {
          const dr = this.rs[up]! - r;
          const db = this.bs[up]! - b;
          const d = dgw + WR * dr * dr + WB * db * db;
          if (d < best) {
            best = d;
            bestI = up;
          }
          up++;
        }
      }
      if (down >= 0) {
        const dg = gs[down]! - g;
        const dgw = WG * dg * dg;
        if (dgw >= best) down = -1;
        else {
          const dr = this.rs[down]! - r;
          const db = this.bs[down]! - b;
          const d = dgw + WR * dr * dr + WB * db * db;
          if (d < best) {
            best = d;
            bestI = down;
          }
          down--;
        }
      }
    }
    return this.order[bestI]!;
  }
}
