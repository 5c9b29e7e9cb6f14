/** Tiny ISO BMFF writer for hand-made test inputs (odd sizes, deep nesting, broken headers). */

export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}

export function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** A box with a 32-bit size (or `size` forced to a given value). */
export function box(type: string, body: Uint8Array = new Uint8Array(0), size?: number): Uint8Array {
  return concat(u32(size ?? 8 + body.length), ascii(type), body);
}

/** A box with a 64-bit largesize. */
export function largeBox(type: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concat(u32(1), ascii(type), u64(16 + body.length), body);
}

export function fullBox(type: string, version: number, flags: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return box(type, concat(Uint8Array.of(version, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255), body));
}

export function ftyp(brand = 'isom'): Uint8Array {
  return box('ftyp', concat(ascii(brand), u32(512), ascii('isom'), ascii('iso6')));
}
