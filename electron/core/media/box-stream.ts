/**
 * Top-level ISO BMFF boxes of a byte stream as it arrives (ffmpeg's fragmented MP4 on a pipe): each
 * chunk is cut where boxes start and end and every piece is labelled with its box type, so a caller
 * can keep some boxes (`moof`, `mdat`) and drop others (`ftyp`, `moov`, `mfra`) without holding more
 * than one box header in memory. No Node import.
 */

export interface BoxPiece {
  /** Four-character type of the box these bytes belong to. */
  type: string;
  /** The bytes (a view into the chunk that was pushed). */
  data: Uint8Array;
  /** Whether the box ends with this piece. */
  last: boolean;
}

const HEADER = 8;
const LARGE_HEADER = 16;

export class TopLevelBoxes {
  /** Header bytes of the next box collected so far (a header may straddle chunks). */
  private header = new Uint8Array(LARGE_HEADER);
  private headerLength = 0;
  private type = '';
  /** Bytes of the current box still to come (Infinity: size 0, "to the end of the stream"). */
  private left = 0;
  /** Total bytes seen, for error messages. */
  private offset = 0;

  /** Cut `chunk` into pieces of top-level boxes; throws on a size no box can have. */
  push(chunk: Uint8Array): BoxPiece[] {
    const out: BoxPiece[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - at);
        this.left -= n;
        out.push({ type: this.type, data: chunk.subarray(at, at + n), last: this.left === 0 });
        at += n;
        this.offset += n;
        continue;
      }
      // Collect a header: 8 bytes, or 16 when the 32-bit size is 1 (a 64-bit largesize follows).
      const need = this.headerLength >= HEADER && this.size32() === 1 ? LARGE_HEADER : HEADER;
      const n = Math.min(need - this.headerLength, chunk.length - at);
      this.header.set(chunk.subarray(at, at + n), this.headerLength);
      this.headerLength += n;
      at += n;
      if (this.headerLength < need) continue;
      if (need === HEADER && this.size32() === 1) continue; // read the largesize next
      const type = String.fromCharCode(...this.header.subarray(4, 8));
      const size32 = this.size32();
      let size: number;
      if (size32 === 1) {
        const view = new DataView(this.header.buffer, 8, 8);
        size = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
      } else size = size32 === 0 ? Infinity : size32;
      if (size < this.headerLength) throw new Error(`a top-level box at byte ${this.offset} has an impossible size ${size} (type ${JSON.stringify(type)})`);
      const header = this.header.slice(0, this.headerLength);
      this.type = type;
      this.left = size - this.headerLength;
      this.offset += this.headerLength;
      this.headerLength = 0;
      out.push({ type, data: header, last: this.left === 0 });
    }
    return out;
  }

  /** Whether the stream stopped at a box boundary (nothing half-read). */
  get atBoundary(): boolean {
    return this.headerLength === 0 && (this.left === 0 || this.left === Infinity);
  }

  private size32(): number {
    return new DataView(this.header.buffer, 0, 4).getUint32(0);
  }
}
