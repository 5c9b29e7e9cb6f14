/**
 * Fetch-ahead for the Player's automatic mode: a stream's pieces (init segment, then media
 * segments, in append order) are read with ranged requests that cover several adjacent pieces at
 * once, a few requests in flight ahead of the append. The first request is small (init segment and
 * first media segment) so the first frame does not wait; later ones grow up to `maxBytes`.
 * Each piece still gets exactly its own bytes (a view into the shared buffer).
 *
 * Plain TypeScript over `fetch`: no DOM, so it runs (and is tested) in Node against a real server.
 */
import { fetchRange } from '../range';

export { fetchRange };

/** Bytes `[offset, offset + size)` of `url`. */
export interface RangeRef {
  url: string;
  offset: number;
  size: number;
}

export interface LoadablePiece {
  size: number;
  /** Where the bytes are, when they can be fetched by range (and so coalesced with neighbours). */
  range?: RangeRef;
  /** Fetch the piece alone. */
  load(signal?: AbortSignal): Promise<ArrayBuffer>;
}

export interface LoaderOptions {
  /** Requests in flight ahead of the piece being appended. */
  window?: number;
  /** Largest coalesced request, in bytes (a single bigger piece is still fetched whole). */
  maxBytes?: number;
  /** Pieces in the first request (init + first media segment). */
  firstPieces?: number;
  /** Each request that landed: its bytes and how long it took (the Player's throughput for its Auto rendition rule). */
  onRead?: (bytes: number, ms: number) => void;
}

export type PieceBytes = ArrayBuffer | Uint8Array<ArrayBuffer>;

interface Group {
  from: number;
  /** Exclusive. */
  to: number;
  bytes: Promise<PieceBytes[]>;
}

export class PieceLoader {
  private readonly groups: Group[] = [];
  /** Index of the first piece no group covers yet. */
  private planned = 0;
  private readonly controller = new AbortController();
  private readonly window: number;
  private readonly maxBytes: number;
  private readonly firstPieces: number;
  private readonly onRead?: (bytes: number, ms: number) => void;
  /** Requests made, for the log and the tests. */
  requests = 0;
  /** The first request has landed: until then it travels alone, so the first frame does not share the line. */
  private started = false;

  private readonly pieces: LoadablePiece[];

  constructor(pieces: LoadablePiece[], options: LoaderOptions = {}) {
    this.pieces = [...pieces];
    this.window = Math.max(1, options.window ?? 3);
    this.maxBytes = Math.max(1, options.maxBytes ?? 8 * 1024 * 1024);
    this.firstPieces = Math.max(1, options.firstPieces ?? 2);
    this.onRead = options.onRead;
  }

  /** The bytes of piece `k`, and requests started for what follows it (up to the window). */
  get(k: number): Promise<PieceBytes> {
    this.ahead(k);
    const g = this.groups.find((x) => k >= x.from && k < x.to)!;
    return g.bytes.then((list) => list[k - g.from]!);
  }

  /** How many pieces from `k` on (k included) arrive in the same read as `k` (1 before it is planned). */
  sameRead(k: number): number {
    this.ahead(k);
    const g = this.groups.find((x) => k >= x.from && k < x.to);
    return g && this.pieces[k]!.range ? g.to - k : 1;
  }

  /** More pieces after the last (a live playlist's new segments). */
  add(more: LoadablePiece[]): void {
    this.pieces.push(...more);
  }

  /** Forget groups wholly before piece `k` (so their buffers can be collected). */
  release(k: number): void {
    while (this.groups.length && this.groups[0]!.to <= k) this.groups.shift();
  }

  abort(): void {
    this.controller.abort();
  }

  private ahead(k: number): void {
    // Plan up to `window` groups that end after k (one until the first has arrived).
    const window = this.started ? this.window : 1;
    while (this.planned < this.pieces.length && this.groups.filter((g) => g.to > k).length < window) this.plan();
  }

  /** The next group: adjacent ranged pieces of one URL, growing from the first request to maxBytes. */
  private plan(): void {
    const from = this.planned;
    const first = this.pieces[from]!;
    const previous = this.groups[this.groups.length - 1];
    // Small first, then double: the first frame needs little, throughput wants big reads.
    const budgetPieces = previous ? Math.max(1, (previous.to - previous.from) * 2) : this.firstPieces;
    let to = from + 1;
    if (first.range) {
      let end = first.range.offset + first.range.size;
      let bytes = first.range.size;
      while (to < this.pieces.length && to - from < budgetPieces) {
        const next = this.pieces[to]!.range;
        if (!next || next.url !== first.range.url || next.offset !== end || bytes + next.size > this.maxBytes) break;
        end += next.size;
        bytes += next.size;
        to++;
      }
    }
    this.planned = to;
    const bytes = this.fetchGroup(from, to);
    bytes.then(
      () => (this.started = true),
      () => {}, // reported to whoever awaits one of its pieces
    );
    this.groups.push({ from, to, bytes });
  }

  private async fetchGroup(from: number, to: number): Promise<PieceBytes[]> {
    this.requests++;
    const signal = this.controller.signal;
    const head = this.pieces[from]!;
    const t0 = performance.now();
    if (to - from === 1 || !head.range) {
      const one = await head.load(signal);
      this.onRead?.(one.byteLength, performance.now() - t0);
      return [one];
    }
    const start = head.range.offset;
    const last = this.pieces[to - 1]!.range!;
    const buf = await fetchRange(head.range.url, start, last.offset + last.size - start, signal);
    this.onRead?.(buf.byteLength, performance.now() - t0);
    const out: PieceBytes[] = [];
    for (let k = from; k < to; k++) {
      const r = this.pieces[k]!.range!;
      out.push(new Uint8Array(buf, r.offset - start, r.size));
    }
    return out;
  }
}
