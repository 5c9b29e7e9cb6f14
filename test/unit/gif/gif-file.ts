/**
 * An independent reader for the GIFs under test: block structure, the NETSCAPE2.0 loop extension,
 * per-frame rectangles/delays/transparency, and an LZW decoder written from the spec (not sharing
 * code with the encoder, so a symmetric bug cannot hide).
 */

export interface ParsedFrame {
  left: number;
  top: number;
  width: number;
  height: number;
  delayCs: number;
  disposal: number;
  transparentIndex: number | null;
  localPalette: Uint8Array | null;
  minCodeSize: number;
  data: Uint8Array;
}

export interface ParsedGif {
  version: string;
  width: number;
  height: number;
  globalPalette: Uint8Array | null;
  /** NETSCAPE2.0 repeat count; null when the extension is absent (plays once). */
  loop: number | null;
  frames: ParsedFrame[];
  trailer: boolean;
}

export function parseGif(buf: Uint8Array): ParsedGif {
  const u16 = (o: number) => buf[o]! | (buf[o + 1]! << 8);
  const version = String.fromCharCode(...buf.subarray(0, 6));
  if (version !== 'GIF89a' && version !== 'GIF87a') throw new Error(`not a GIF: ${JSON.stringify(version)}`);
  const width = u16(6);
  const height = u16(8);
  const flags = buf[10]!;
  let i = 13;
  let globalPalette: Uint8Array | null = null;
  if (flags & 0x80) {
    const n = 3 * (2 << (flags & 7));
    globalPalette = buf.slice(i, i + n);
    i += n;
  }
  const frames: ParsedFrame[] = [];
  let loop: number | null = null;
  let gce: { delayCs: number; disposal: number; transparentIndex: number | null } | null = null;
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    while (buf[i] !== 0) {
      const n = buf[i]!;
      if (i + 1 + n > buf.length) throw new Error('sub-block runs past the end');
      for (let k = 0; k < n; k++) parts.push(buf[i + 1 + k]!);
      i += n + 1;
    }
    i++;
    return Uint8Array.from(parts);
  };
  let trailer = false;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b === 0x21) {
      const label = buf[i + 1]!;
      i += 2;
      if (label === 0xf9) {
        const packed = buf[i + 1]!;
        gce = { delayCs: u16(i + 2), disposal: (packed >> 2) & 7, transparentIndex: packed & 1 ? buf[i + 4]! : null };
        i += 1 + buf[i]!;
        subBlocks();
      } else if (label === 0xff) {
        const id = String.fromCharCode(...buf.subarray(i + 1, i + 12));
        i += 1 + buf[i]!;
        const data = subBlocks();
        if (id === 'NETSCAPE2.0' && data[0] === 1) loop = data[1]! | (data[2]! << 8);
      } else {
        subBlocks();
      }
    } else if (b === 0x2c) {
      const left = u16(i + 1);
      const top = u16(i + 3);
      const w = u16(i + 5);
      const h = u16(i + 7);
      const f = buf[i + 9]!;
      i += 10;
      let localPalette: Uint8Array | null = null;
      if (f & 0x80) {
        const n = 3 * (2 << (f & 7));
        localPalette = buf.slice(i, i + n);
        i += n;
      }
      const minCodeSize = buf[i++]!;
      const data = subBlocks();
      frames.push({ left, top, width: w, height: h, delayCs: gce?.delayCs ?? 0, disposal: gce?.disposal ?? 0, transparentIndex: gce?.transparentIndex ?? null, localPalette, minCodeSize, data });
      gce = null;
    } else if (b === 0x3b) {
      trailer = true;
      break;
    } else {
      throw new Error(`unexpected byte 0x${b.toString(16)} at ${i}`);
    }
  }
  return { version, width, height, globalPalette, loop, frames, trailer };
}

/** GIF LZW decoder, straight from the spec. */
export function lzwDecode(data: Uint8Array, minCodeSize: number, expected: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const out = new Uint8Array(expected);
  let o = 0;
  let size = minCodeSize + 1;
  let dict: number[][] = [];
  const reset = () => {
    dict = [];
    for (let k = 0; k < clear; k++) dict.push([k]);
    dict.push([], []);
    size = minCodeSize + 1;
  };
  reset();
  let bitPos = 0;
  let prev: number[] | null = null;
  const read = (): number => {
    let v = 0;
    for (let k = 0; k < size; k++) {
      const byte = data[(bitPos + k) >> 3];
      if (byte === undefined) throw new Error('LZW data ended without an end code');
      v |= ((byte >> ((bitPos + k) & 7)) & 1) << k;
    }
    bitPos += size;
    return v;
  };
  for (;;) {
    const code = read();
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === eoi) break;
    let entry: number[];
    if (code < dict.length && dict[code]!.length) entry = dict[code]!;
    else if (code === dict.length && prev) entry = [...prev, prev[0]!];
    else throw new Error(`bad LZW code ${code} (table has ${dict.length})`);
    for (const v of entry) {
      if (o >= expected) throw new Error('LZW data decodes to more pixels than the frame has');
      out[o++] = v;
    }
    if (prev && dict.length < 4096) dict.push([...prev, entry[0]!]);
    if (dict.length === 1 << size && size < 12) size++;
    prev = entry;
  }
  if (o !== expected) throw new Error(`LZW decoded ${o} pixels, expected ${expected}`);
  return out;
}

/** Render every frame onto an RGB canvas the way a browser does (disposal 1, transparency). */
export function renderFrames(gif: ParsedGif): Uint8Array[] {
  const canvas = new Uint8Array(gif.width * gif.height * 3);
  const out: Uint8Array[] = [];
  for (const f of gif.frames) {
    const palette = f.localPalette ?? gif.globalPalette!;
    const idx = lzwDecode(f.data, f.minCodeSize, f.width * f.height);
    for (let y = 0; y < f.height; y++) {
      for (let x = 0; x < f.width; x++) {
        const v = idx[y * f.width + x]!;
        if (v === f.transparentIndex) continue;
        const o = ((f.top + y) * gif.width + f.left + x) * 3;
        canvas[o] = palette[v * 3]!;
        canvas[o + 1] = palette[v * 3 + 1]!;
        canvas[o + 2] = palette[v * 3 + 2]!;
      }
    }
    out.push(canvas.slice());
  }
  return out;
}

/** What is on screen at each source frame time (GIF frames last as long as their delay). */
export function framesAtRate(gif: ParsedGif, shown: Uint8Array[], fps: number, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let t = 0;
  let k = 0;
  for (let i = 0; i < count; i++) {
    const at = Math.round((i * 100) / fps);
    while (k + 1 < gif.frames.length && t + gif.frames[k]!.delayCs <= at) {
      t += gif.frames[k]!.delayCs;
      k++;
    }
    out.push(shown[k]!);
  }
  return out;
}
