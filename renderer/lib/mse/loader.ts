/**
 * Fetch-ahead for the Player's automatic mode: a stream's pieces (init segment, then media
 * segments, in append order) are read with ranged requests that cover several adjacent pieces at
 * once, a few requests in flight ahead of the append. The first request is small (init segment and
 * first media segment) so the first frame does not wait; later ones grow fast, by bytes (at least
 * `growFrom`, then four times the previous read), up to `maxBytes`: a 50 MB file is read in a
 * handful of requests. Each piece still gets exactly its own bytes (a view into the shared buffer).
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
  /** Smallest coalesced request after the first, in bytes (reads then grow fourfold up to maxBytes). */
  growFrom?: number;
  /** Pieces in the first request (init + first media segment). */
  firstPieces?: number;
  /** Called whenever a request lands (or fails): `allRead` may have changed. */
  onLanded?: () => void;
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
  /** Bytes of the last group planned (the next one grows from it). */
  private lastBytes = 0;
  private readonly controller = new AbortController();
  private readonly window: number;
  private readonly maxBytes: number;
  private readonly growFrom: number;
  private readonly firstPieces: number;
  /** Requests made, for the log and the tests. */
  requests = 0;
  /** The first request has landed: until then it travels alone, so the first frame does not share the line. */
  private started = false;
  /** Requests not landed yet. */
  private inFlight = 0;
  private readonly onLanded?: () => void;

  constructor(
    private readonly pieces: LoadablePiece[],
    options: LoaderOptions = {},
  ) {
    this.window = Math.max(1, options.window ?? 3);
    this.maxBytes = Math.max(1, options.maxBytes ?? 16 * 1024 * 1024);
    this.growFrom = Math.max(1, options.growFrom ?? 1024 * 1024);
    this.firstPieces = Math.max(1, options.firstPieces ?? 2);
    this.onLanded = options.onLanded;
  }

  /** Every piece has been read (or its read failed): this loader makes no more requests. */
  get allRead(): boolean {
    return this.inFlight === 0 && this.planned >= this.pieces.length;
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
    // Small first (the first frame needs little), then big fast: each request costs a round trip
    // and an append, and throughput wants few of both.
    const budgetPieces = from === 0 ? this.firstPieces : Infinity;
    const budgetBytes = from === 0 ? this.maxBytes : Math.min(this.maxBytes, Math.max(this.growFrom, this.lastBytes * 4));
    let to = from + 1;
    if (first.range) {
      let end = first.range.offset + first.range.size;
      let bytes = first.range.size;
      while (to < this.pieces.length && to - from < budgetPieces) {
        const next = this.pieces[to]!.range;
        if (!next || next.url !== first.range.url || next.offset !== end || bytes + next.size > budgetBytes) break;
        end += next.size;
        bytes += next.size;
        to++;
      }
    }
    this.planned = to;
    this.lastBytes = 0;
    for (let k = from; k < to; k++) this.lastBytes += this.pieces[k]!.size;
    this.inFlight++;
    const bytes = this.fetchGroup(from, to);
    const landed = (ok: boolean) => {
      this.inFlight--;
      if (ok) this.started = true;
      this.onLanded?.();
    };
    // (A failure is reported to whoever awaits one of its pieces.)
    bytes.then(
      () => landed(true),
      () => landed(false),
    );
    this.groups.push({ from, to, bytes });
  }

  private async fetchGroup(from: number, to: number): Promise<PieceBytes[]> {
    this.requests++;
    const signal = this.controller.signal;
    const head = this.pieces[from]!;
    if (to - from === 1 || !head.range) return [await head.load(signal)];
    const start = head.range.offset;
    const last = this.pieces[to - 1]!.range!;
    const buf = await fetchRange(head.range.url, start, last.offset + last.size - start, signal);
    const out: PieceBytes[] = [];
    for (let k = from; k < to; k++) {
      const r = this.pieces[k]!.range!;
      out.push(new Uint8Array(buf, r.offset - start, r.size));
    }
    return out;
  }
}
