/**
 * GIF's variable-width LZW (GIF89a spec, appendix F), packed into ≤255-byte sub-blocks.
 *
 * The string table is a small open-addressed hash (see below); a table reset (every ~4000 codes)
 * clears 32 KB.
 * Code-width growth follows the usual encoder convention (grow before inserting code 2^n), which every
 * GIF decoder expects; the unit tests decode our output with ffmpeg to prove it.
 */

// Open-addressed hash of (prefix, index) → code. 8192 slots for at most 4096 codes keeps probes short
// and the whole table in the CPU cache, which matters more here than the hashing work.
const HASH_BITS = 13;
const HASH_SIZE = 1 << HASH_BITS;
const HASH_MASK = HASH_SIZE - 1;

export class LzwEncoder {
  private readonly keys = new Int32Array(HASH_SIZE);
  private readonly codes = new Uint16Array(HASH_SIZE);
  private packed = new Uint8Array(1 << 16);

  /**
   * Compress `indices` (each < 2^minCodeSize) and return the image data: the minimum-code-size byte,
   * the sub-blocks and the terminating zero-length block.
   */
  encode(indices: Uint8Array, minCodeSize: number): Uint8Array {
    const mcs = Math.max(2, minCodeSize);
    const clear = 1 << mcs;
    const eoi = clear + 1;
    // Worst case is 12 bits per index plus clears; size the bit buffer once.
    const need = Math.ceil((indices.length + 2 + indices.length / 4000) * 12 / 8) + 8;
    if (this.packed.length < need) this.packed = new Uint8Array(need);
    const buf = this.packed;
    let pos = 0;
    let acc = 0;
    let bits = 0;
    let size = mcs + 1;
    let next = eoi + 1;
    const keys = this.keys;
    const codes = this.codes;
    keys.fill(-1);

    // emit(code) inlined below as: acc |= code << bits; bits += size; flush whole bytes
    acc |= clear << bits;
    bits += size;
    while (bits >= 8) {
      buf[pos++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
    if (indices.length > 0) {
      let prefix = indices[0]!;
      for (let i = 1, n = indices.length; i < n; i++) {
        const k = indices[i]!;
        const key = (prefix << 8) | k;
        let h = Math.imul(key, 0x9e3779b1) >>> (32 - HASH_BITS);
        let found = -1;
        for (;;) {
          const kk = keys[h]!;
          if (kk === key) {
            found = codes[h]!;
            break;
          }
          if (kk === -1) break;
          h = (h + 1) & HASH_MASK;
        }
        if (found >= 0) {
          prefix = found;
          continue;
        }
        acc |= prefix << bits;
        bits += size;
        while (bits >= 8) {
          buf[pos++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
        if (next === 4096) {
          acc |= clear << bits;
          bits += size;
          while (bits >= 8) {
            buf[pos++] = acc & 0xff;
            acc >>>= 8;
            bits -= 8;
          }
          keys.fill(-1);
          size = mcs + 1;
          next = eoi + 1;
        } else {
          if (next >= 1 << size) size++;
          keys[h] = key;
          codes[h] = next++;
        }
        prefix = k;
      }
      acc |= prefix << bits;
      bits += size;
      while (bits >= 8) {
        buf[pos++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
      // The decoder widens one code earlier than this encoder: if the last insert reached 2^size,
      // it reads EOI at the wider width.
      if (next >= 1 << size && size < 12) size++;
    }
    acc |= eoi << bits;
    bits += size;
    while (bits > 0) {
      buf[pos++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
    return frameBlocks(mcs, buf, pos);
  }
}

/** Code-size byte, then the packed bytes cut into sub-blocks of at most 255, then a zero block. */
function frameBlocks(mcs: number, packed: Uint8Array, length: number): Uint8Array {
  const blocks = Math.ceil(length / 255);
  const out = new Uint8Array(1 + length + blocks + 1);
  out[0] = mcs;
  let o = 1;
  for (let i = 0; i < length; i += 255) {
    const n = Math.min(255, length - i);
    out[o++] = n;
    out.set(packed.subarray(i, i + n), o);
    o += n;
  }
  out[o] = 0;
  return out;
}
