/**
 * GIF89a container bytes: header, logical screen, NETSCAPE2.0 loop extension, and per frame a
 * graphic control extension plus an image descriptor. Pure functions returning byte arrays; the
 * caller decides where they go (file stream, memory for a preview).
 */

export interface FrameHeader {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Delay after this frame, in hundredths of a second (what GIF can express). */
  delayCs: number;
  /** Palette index shown as "keep what was there", or -1. */
  transparentIndex: number;
  /** RGB triples; written as a local colour table. Omit to use the global table. */
  localPalette?: Uint8Array;
}

/** Colour tables hold 2^n entries (n = 1..8): the size field of the packed byte. */
export function tableBits(colours: number): number {
  let bits = 1;
  while (1 << bits < colours) bits++;
  return bits;
}

function u16(v: number): [number, number] {
  return [v & 0xff, (v >> 8) & 0xff];
}

function padTable(rgb: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(3 << bits);
  out.set(rgb.subarray(0, Math.min(rgb.length, out.length)));
  return out;
}

/**
 * File header and screen descriptor, optionally with a global colour table, and the loop extension.
 * `loop`: 0 = forever, N = play N+1 times in browsers (NETSCAPE "repeat count"), -1 = play once
 * (no extension written, which is what every browser treats as "no loop").
 */
export function gifHeader(width: number, height: number, globalPalette: Uint8Array | null, loop: number): Uint8Array {
  const parts: number[] = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, ...u16(width), ...u16(height)];
  let table: Uint8Array | null = null;
  if (globalPalette) {
    const bits = tableBits(globalPalette.length / 3);
    table = padTable(globalPalette, bits);
    // global table present, colour resolution 8 bits, not sorted, size 2^bits
    parts.push(0x80 | 0x70 | (bits - 1), 0, 0);
  } else {
    parts.push(0x70, 0, 0);
  }
  const loopExt =
    loop >= 0
      ? [0x21, 0xff, 0x0b, ...Array.from('NETSCAPE2.0', (c) => c.charCodeAt(0)), 0x03, 0x01, ...u16(loop), 0x00]
      : [];
  const head = new Uint8Array(parts.length + (table?.length ?? 0) + loopExt.length);
  head.set(parts, 0);
  if (table) head.set(table, parts.length);
  head.set(loopExt, parts.length + (table?.length ?? 0));
  return head;
}

/** Graphic control extension + image descriptor (+ local table), ready to be followed by LZW data. */
export function frameHeader(f: FrameHeader): Uint8Array {
  const transparent = f.transparentIndex >= 0;
  // disposal method 1 ("do not dispose"): the next frame draws over this one, which is what makes
  // transparent pixels mean "unchanged".
  const gce = [0x21, 0xf9, 0x04, (1 << 2) | (transparent ? 1 : 0), ...u16(f.delayCs), transparent ? f.transparentIndex : 0, 0x00];
  const desc = [0x2c, ...u16(f.left), ...u16(f.top), ...u16(f.width), ...u16(f.height)];
  let table: Uint8Array | null = null;
  if (f.localPalette) {
    const bits = tableBits(f.localPalette.length / 3);
    table = padTable(f.localPalette, bits);
    desc.push(0x80 | (bits - 1));
  } else {
    desc.push(0);
  }
  const out = new Uint8Array(gce.length + desc.length + (table?.length ?? 0));
  out.set(gce, 0);
  out.set(desc, gce.length);
  if (table) out.set(table, gce.length + desc.length);
  return out;
}

export const GIF_TRAILER = new Uint8Array([0x3b]);

/** Rewrite the delay of an already-built frame header (used when a following frame is dropped). */
export function setHeaderDelay(header: Uint8Array, delayCs: number): void {
  header[4] = delayCs & 0xff;
  header[5] = (delayCs >> 8) & 0xff;
}
