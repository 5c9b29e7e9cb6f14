/**
 * The MSE engine behind the Player view: one MediaSource on a <video>, one SourceBuffer per stream
 * (a muxed fMP4 is one stream; DASH representations and on-the-fly fragmented tracks are one each),
 * segments fetched by URL with a Range header, appended automatically or one at a time. Everything
 * MediaSource, the SourceBuffers and the element say goes to the event log, with `buffered` after
 * each append. Plain TypeScript: the view owns the reactive state and passes hooks.
 *
 * Automatic mode reads ahead (`PieceLoader`: adjacent segments coalesced into larger ranged reads,
 * made by the read worker, the first of them possibly started with the load before the plan
 * arrived) while appending what has arrived, several segments per appendBuffer when it may;
 * step-by-step appends fetch exactly the segment asked for and nothing else.
 */
import { segmentAtTime, ThroughputMeter } from '../../../electron/core/mse/renditions';
import { offThreadReads } from '../range-reader';
import { EarlyRead, PieceLoader, type PieceBytes, type RangeRef } from './loader';
import { formatSpans, toSpans, type Span } from './ranges';

export type PlayerState = 'idle' | 'loading' | 'playing' | 'paused' | 'ended' | 'error';
export type AppendMode = 'segments' | 'sequence';
export type LogLevel = 'info' | 'ok' | 'warn' | 'error';

export interface LogEntry {
  id: number;
  /** Milliseconds since the source was loaded. */
  t: number;
  /** Who said it: `MediaSource`, `SourceBuffer 0`, `video`, `player`. */
  source: string;
  /** The event name (`sourceopen`, `updateend`, `error`…) or the player's action (`append`). */
  type: string;
  level: LogLevel;
  text: string;
  stream?: number;
  segment?: number;
  /** `buffered` of the SourceBuffer after an append, formatted. */
  buffered?: string;
}

/** One piece of media to append: the init segment (index -1) or a media segment. */
export interface Piece {
  index: number;
  label: string;
  size: number;
  /** Expected decode-order time span in seconds, when known (from tfdt and durations). */
  expected?: Span;
  /** Where its bytes are, when they can be read by range (lets automatic mode coalesce reads). */
  range?: RangeRef;
  /** timestampOffset to set before appending it (segments mode): MPEG-TS re-based after a discontinuity. */
  timestampOffset?: number;
  load(signal?: AbortSignal): Promise<ArrayBuffer>;
}

export interface StreamSource {
  label: string;
  /** The plan's stream this is (`MseAnalysis.streams` index), when it comes from a plan. */
  stream?: number;
  mime: string;
  init: Piece | null;
  segments: Piece[];
  /** Set on the SourceBuffer before the first append (MPEG-TS remuxed: start at 0, as hls.js does). */
  timestampOffset?: number;
}

export interface AppendFailure {
  stream: number;
  /** -1 for the init segment. */
  segment: number;
  /** DOMException name from appendBuffer, or `error` for a SourceBuffer error event. */
  kind: string;
  message: string;
  /** The message is ours, waiting for the element's MediaError to say more. */
  placeholder?: boolean;
}

/** Where an appended segment landed: its expected span shifted by the timestampOffset in force. */
export interface Placed {
  stream: number;
  segment: number;
  span: Span;
  /** Bytes of the segment. */
  size: number;
  /** `buffered` end of the stream right after the append. */
  bufferedEnd: number;
}

/** A rendition switch on one SourceBuffer, for the timeline and the log. */
export interface SwitchMark {
  /** Presentation time where the new rendition's first segment was meant to start (timestampOffset applied). */
  at: number;
  from: string;
  to: string;
  fromStream?: number;
  toStream?: number;
  /** The new rendition's first segment. */
  segment: number;
  /** changeType() was called (the codec string differs). */
  changeType: boolean;
  /** A new Period (`Period 1`) rather than another rendition of the same one. */
  period?: string;
  /** The SourceBuffer's `buffered` when the switch was made (the old rendition's last segment in). */
  buffered: string;
}

/** A later Period that continues a SourceBuffer once its current source has no segment left (DASH). */
export interface NextPeriod {
  /** `Period 1` */
  label: string;
  /** Where it starts on the presentation timeline, seconds (its segments are shifted there with timestampOffset). */
  start: number;
  /** Media segments it holds (for `remaining`). */
  segments: number;
  /** Its rendition, asked when it starts (so it follows what was picked meanwhile). */
  choose(): StreamSource;
}

export interface StreamRuntime {
  source: StreamSource;
  /** A rendition asked for with `switchTo`, applied at the next segment boundary. */
  pending: { source: StreamSource; at?: number; timestampOffset?: number; period?: string } | null;
  switches: SwitchMark[];
  /** Periods still to come on this SourceBuffer, in order. */
  then: NextPeriod[];
  sb: SourceBuffer | null;
  /** Next media segment to append (index into `source.segments`). */
  next: number;
  initDone: boolean;
  buffered: Span[];
  placed: Placed[];
  failed: AppendFailure | null;
  mode: AppendMode;
  timestampOffset: number;
  mime: string;
  bytes: number;
}

export interface PlayerHooks {
  log(entry: LogEntry): void;
  /** At each segment boundary of SourceBuffer `i`, before its next media segment: the place to call `switchTo` (the Auto rule). */
  boundary?(i: number): void;
  /** The source of the plan's stream `stream`, whether a SourceBuffer plays it or not (default: SourceBuffer `stream`'s). */
  source?(stream: number): StreamSource | undefined;
  /** Something observable changed (state, buffered, progress): re-read the player. */
  changed(): void;
}

export interface Quality {
  dropped: number;
  total: number;
}

const VIDEO_EVENTS = [
  'loadstart', 'durationchange', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough', 'play', 'playing', 'pause',
  'waiting', 'stalled', 'seeking', 'seeked', 'ended', 'error', 'emptied', 'abort', 'resize', 'ratechange',
] as const;

const MEDIA_ERROR_NAMES: Record<number, string> = {
  1: 'MEDIA_ERR_ABORTED',
  2: 'MEDIA_ERR_NETWORK',
  3: 'MEDIA_ERR_DECODE',
  4: 'MEDIA_ERR_SRC_NOT_SUPPORTED',
};

export function describeMediaError(err: MediaError | null): string {
  if (!err) return '';
  return `${MEDIA_ERROR_NAMES[err.code] ?? `code ${err.code}`} (${err.code})${err.message ? `: ${err.message}` : ''}`;
}

/** Pieces of one read are views over one buffer, back to back: one view over all of them. */
function joined(parts: PieceBytes[]): PieceBytes {
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const first = views[0]!;
  const contiguous = views.every((v, k) => v.buffer === first.buffer && (k === 0 || v.byteOffset === views[k - 1]!.byteOffset + views[k - 1]!.byteLength));
  if (contiguous) return new Uint8Array(first.buffer, first.byteOffset, views.reduce((n, v) => n + v.byteLength, 0));
  const out = new Uint8Array(views.reduce((n, v) => n + v.byteLength, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.byteLength;
  }
  return out;
}
export { fetchRange } from '../range';

/** Automatic mode appends at least this much at once when the read has it coming (fewer appends, each one a round trip). */
const BATCH_BYTES = 4 * 1024 * 1024;

export class MsePlayer {
  state: PlayerState = 'idle';
  streams: StreamRuntime[] = [];
  mediaSource: MediaSource | null = null;
  /** Set when the element is waiting for data it cannot get (a hole, or the end of what was appended). */
  stalledAt: number | null = null;
  readonly failures: AppendFailure[] = [];
  /** The element's MediaError, once it has one (Chromium puts the demuxer's message here). */
  mediaError: { code: number; message: string } | null = null;
  /** How many times a QuotaExceededError was handled by evicting. */
  evictions = 0;
  private t0 = performance.now();
  /** Wall-clock time of the last load (for the exported log). */
  startedAt = Date.now();
  /** Download throughput of the segment reads (feeds the Auto rendition rule). */
  throughput = new ThroughputMeter();
  private nextId = 1;
  private objectUrl: string | null = null;
  private detach: (() => void)[] = [];
  private busy = false;
  /** Automatic mode's read-ahead, per stream (made on the first automatic append). */
  private readonly loaders = new Map<number, { loader: PieceLoader; from: number; init: boolean }>();
  /**
   * A read from byte 0 of the file, started with the load while the plan was on its way (automatic
   * mode, a local file: the view asks for it): the read-ahead takes the pieces it holds from it.
   */
  private early: EarlyRead | null = null;
  private stopped = false;
  private generation = 0;
  /** The generation whose automatic append loop is running (one at a time). */
  private running = -1;
  /** Where to seek once the first media segment is in (a live start: see `startAt`). */
  private pendingSeek: number | null = null;
  /** A live stream: more segments will come (`extend`), so running out is not the end of the stream. */
  live = false;
  firstFrameMs: number | null = null;

  constructor(
    readonly video: HTMLVideoElement,
    private readonly hooks: PlayerHooks,
  ) {
    for (const name of VIDEO_EVENTS) {
      const fn = () => this.onVideoEvent(name);
      video.addEventListener(name, fn);
      this.detach.push(() => video.removeEventListener(name, fn));
    }
  }

  get busyAppending(): boolean {
    return this.busy;
  }

  log(source: string, type: string, level: LogLevel, text: string, extra: Partial<LogEntry> = {}): void {
    this.hooks.log({ id: this.nextId++, t: performance.now() - this.t0, source, type, level, text, ...extra });
  }

  /** The plan's stream SourceBuffer `i` plays now (its index when it has no plan). */
  private sid(i: number): number {
    return this.streams[i]?.source.stream ?? i;
  }

  private setState(s: PlayerState): void {
    if (this.state === s) return;
    // An error is final until the next load: later pause/waiting events do not hide it.
    if (this.state === 'error' && s !== 'idle' && s !== 'loading') return;
    this.state = s;
    this.hooks.changed();
  }

  /**
   * Tear down the current source and start a new MediaSource with one SourceBuffer per stream.
   * `sources` may still be on its way (the plan request): the MediaSource opens meanwhile.
   */
  async load(
    sourcesOrPlan: StreamSource[] | Promise<StreamSource[]>,
    options: { mode?: AppendMode; then?: (i: number) => NextPeriod[]; early?: { url: string; size: number } } = {},
  ): Promise<void> {
    this.reset();
    const gen = this.generation;
    // The file's first bytes start to travel now, while the plan that says what they are is on its way.
    this.early = options.early ? EarlyRead.forFile(options.early.url, options.early.size, offThreadReads.readArriving) : null;
    this.t0 = performance.now();
    this.startedAt = Date.now();
    this.throughput = new ThroughputMeter();
    this.setState('loading');
    const ms = new MediaSource();
    this.mediaSource = ms;
    for (const name of ['sourceopen', 'sourceended', 'sourceclose'] as const) {
      ms.addEventListener(name, () => {
        if (gen !== this.generation) return;
        this.log('MediaSource', name, name === 'sourceclose' ? 'warn' : 'info', `readyState ${ms.readyState}`);
        this.hooks.changed();
      });
    }
    this.objectUrl = URL.createObjectURL(ms);
    const opened = new Promise<void>((resolve) => ms.addEventListener('sourceopen', () => resolve(), { once: true }));
    this.video.src = this.objectUrl;
    const [sources] = await Promise.all([sourcesOrPlan, opened]).catch((err: unknown) => {
      if (gen === this.generation) this.dropEarly(); // no plan
      throw err;
    });
    if (gen !== this.generation) return;
    // A read started before the plan that no stream starts inside (a progressive or transport-stream file) is dropped.
    if (this.early && !sources.some((s) => this.early!.holds((s.init ?? s.segments[0])?.range))) this.dropEarly();
    sources.forEach((source, i) => {
      const rt: StreamRuntime = {
        source,
        pending: null,
        switches: [],
        then: options.then?.(i) ?? [],
        sb: null,
        next: 0,
        initDone: false,
        buffered: [],
        placed: [],
        failed: null,
        mode: options.mode ?? 'segments',
        timestampOffset: 0,
        mime: source.mime,
        bytes: 0,
      };
      this.streams.push(rt);
      const supported = MediaSource.isTypeSupported(source.mime);
      this.log('MediaSource', 'isTypeSupported', supported ? 'ok' : 'error', `${source.mime} → ${supported}`, { stream: this.sid(i) });
      try {
        const sb = ms.addSourceBuffer(source.mime);
        rt.sb = sb;
        this.log('MediaSource', 'addSourceBuffer', 'ok', `SourceBuffer ${i} for ${source.label}: ${source.mime}`, { stream: this.sid(i) });
        if (rt.mode !== 'segments') this.applyMode(i, rt.mode);
        if (source.timestampOffset) this.setTimestampOffset(i, source.timestampOffset);
        for (const name of ['updatestart', 'update', 'updateend', 'error', 'abort'] as const) {
          const fn = () => {
            if (gen !== this.generation) return;
            if (name === 'updatestart' || name === 'update') return; // every append has them; updateend carries the news
            const text = name === 'updateend' ? 'append finished' : name === 'error' ? 'the SourceBuffer could not use the appended data (the element error says why)' : 'the append was aborted';
            this.log(`SourceBuffer ${i}`, name, name === 'error' ? 'error' : name === 'abort' ? 'warn' : 'info', text, {
              stream: this.sid(i),
              buffered: formatSpans(toSpans(sb.buffered)),
            });
          };
          sb.addEventListener(name, fn);
        }
      } catch (err) {
        const e = err as DOMException;
        rt.failed = { stream: this.sid(i), segment: -1, kind: e.name ?? 'Error', message: e.message ?? String(err) };
        this.failures.push(rt.failed);
        this.log('MediaSource', 'addSourceBuffer', 'error', `${e.name}: ${e.message}`, { stream: this.sid(i) });
        this.setState('error');
      }
    });
    this.hooks.changed();
  }

  /** Append every stream's init segment (done before the first media segment automatically). */
  private async ensureInit(i: number, ahead: boolean): Promise<boolean> {
    const rt = this.streams[i]!;
    if (rt.initDone) return !rt.failed;
    rt.initDone = true;
    if (!rt.source.init) return true;
    return this.appendPieces(i, [rt.source.init], ahead);
  }

  /** Append the next media segment of stream `i` (or of the stream that is furthest behind). Returns false when nothing was appended. */
  appendNext(stream?: number): Promise<boolean> {
    return this.appendOne(stream, false);
  }

  /**
   * One media segment; `ahead`: through the stream's read-ahead (automatic mode), else fetched
   * alone. With `batchable`, the following segments whose bytes have already arrived in the same
   * read, and that it accepts, go in with it, as one appendBuffer (each append costs the browser a
   * round trip; a 10-minute file has 600 segments). If the browser refuses such a batch,
   * `locateRefusal` finds the segment it refuses, so the failure still names one segment.
   */
  private async appendOne(stream: number | undefined, ahead: boolean, batchable?: (stream: number, segment: number) => boolean): Promise<boolean> {
    if (this.busy) return false;
    const i = stream ?? this.pickStream();
    if (i < 0) return false;
    this.busy = true;
    try {
      const rt = this.streams[i]!;
      if (!rt.sb || rt.failed) return false;
      // A segment boundary: the Auto rule may ask for another rendition, and a requested one starts here.
      this.hooks.boundary?.(i);
      if (!rt.pending && !rt.source.segments[rt.next] && rt.then.length) this.nextPeriod(i);
      this.applySwitch(i);
      if (!(await this.ensureInit(i, ahead))) return false;
      const piece = rt.source.segments[rt.next];
      if (!piece) return false;
      const pieces = [piece];
      const sid = this.sid(i);
      // (Not across a requested switch: the rest of the batch would come from the old rendition.)
      if (ahead && batchable && rt.mode === 'segments' && !rt.pending) {
        // Wait for this segment's bytes and a few MB behind it (or the end of its read), then take
        // with it every segment that has arrived.
        const src = rt.source;
        const gen = this.generation;
        await this.loaderOf(i).loader.whenReady(this.loaderKey(i, rt.next), BATCH_BYTES).catch(() => {}); // a failed read is reported by appendPieces
        if (gen !== this.generation) return false;
        if (!rt.pending && src === rt.source && batchable(sid, piece.index)) {
          const together = this.loaderOf(i).loader.readyFrom(this.loaderKey(i, rt.next));
          // (Never across a change of timestampOffset: it is set once, before the append.)
          const joins = (p: Piece) => batchable(sid, p.index) && p.timestampOffset === piece.timestampOffset;
          for (let k = rt.next + 1; k - rt.next < together && k < src.segments.length && joins(src.segments[k]!); k++) pieces.push(src.segments[k]!);
        }
      }
      rt.next += pieces.length;
      const ok = await this.appendPieces(i, pieces, ahead);
      this.maybeEnd();
      return ok;
    } finally {
      this.busy = false;
      this.hooks.changed();
    }
  }

  /**
   * Append everything that is left, interleaving streams by expected time. Starts playback after
   * the first append. `whenAppended` runs once appending ends (every segment in, a failure, or
   * stopped), or `patienceMs` after the first media segment went in (2 s; a long file is read as
   * fast as playback makes room): that is when the view lets the lint start, since the lint runs
   * on the server that serves the segments' bytes (reads would wait behind it) and takes CPU
   * the appends need on a small machine.
   */
  async appendAll(options: { autoplay?: boolean; whenAppended?: () => void; patienceMs?: number; batchable?: (stream: number, segment: number) => boolean } = {}): Promise<void> {
    const gen = this.generation;
    this.stopped = false;
    if (this.running === gen) return options.whenAppended?.();
    this.running = gen;
    let first = true;
    let notified = false;
    let patience: ReturnType<typeof setTimeout> | undefined;
    const notify = () => {
      clearTimeout(patience);
      if (notified) return;
      notified = true;
      options.whenAppended?.();
    };
    try {
      while (!this.stopped && gen === this.generation) {
        const i = this.pickStream();
        if (i < 0) break;
        // The first media segment always goes alone (the first frame waits for nothing else).
        const ok = await this.appendOne(i, true, first ? undefined : options.batchable);
        if (!ok) {
          notify();
          if (this.streams[i]?.failed) break;
          continue;
        }
        if (first) {
          first = false;
          patience = setTimeout(() => gen === this.generation && notify(), options.patienceMs ?? 2000);
          if (options.autoplay !== false) void this.play();
        }
      }
      this.maybeEnd();
    } finally {
      if (this.running === gen) this.running = -1;
      notify();
    }
  }

  /**
   * More media segments for the plan's stream `stream`, after its last (a live playlist's new ones):
   * its source grows whether a SourceBuffer plays it now or not (a rendition switched to later has
   * them), and so does the read-ahead of the SourceBuffer that plays it.
   */
  extend(stream: number, pieces: Piece[]): void {
    const source = this.hooks.source?.(stream) ?? this.streams[stream]?.source;
    if (!source || !pieces.length) return;
    source.segments.push(...pieces);
    this.streams.forEach((rt, i) => {
      if (rt.source === source) this.loaders.get(i)?.loader.add(pieces);
    });
    this.hooks.changed();
  }

  /**
   * Start at `seconds` instead of the beginning (a live stream starts near its edge): each stream
   * appends from its segment that holds it, and the element seeks there once the first is in.
   */
  startAt(seconds: number): void {
    for (const rt of this.streams) {
      const k = rt.source.segments.findIndex((p) => p.expected && p.expected[1] > seconds + 1e-3);
      if (k > 0 && rt.next === 0) rt.next = k;
    }
    this.pendingSeek = seconds;
    this.log('player', 'live', 'info', `starting at ${seconds.toFixed(3)} s, near the live edge`);
  }

  stop(): void {
    this.stopped = true;
  }

  /** The stream whose next segment starts earliest (so audio and video advance together). */
  private pickStream(): number {
    let best = -1;
    let bestStart = Infinity;
    this.streams.forEach((rt, i) => {
      if (!rt.sb || rt.failed) return;
      const piece = rt.source.segments[rt.next];
      if (!piece && !rt.then.length) return;
      const start = piece ? (piece.expected?.[0] ?? rt.next) + rt.timestampOffset : rt.then[0]!.start;
      if (start < bestStart) {
        bestStart = start;
        best = i;
      }
    });
    return best;
  }

  /** Segments not appended yet. */
  get remaining(): number {
    return this.streams.reduce((n, rt) => n + (rt.failed || !rt.sb ? 0 : rt.source.segments.length - rt.next + rt.then.reduce((k, p) => k + p.segments, 0)), 0);
  }

  private maybeEnd(): void {
    const ms = this.mediaSource;
    if (!ms || ms.readyState !== 'open') return;
    if (this.streams.some((rt) => rt.failed || rt.sb?.updating)) return;
    if (this.remaining > 0 || this.live) return;
    try {
      ms.endOfStream();
      this.log('player', 'endOfStream', 'info', 'every segment appended; endOfStream() called');
    } catch (err) {
      this.log('player', 'endOfStream', 'warn', `endOfStream() threw ${(err as Error).message}`);
    }
  }

  /**
   * Stream `i`'s read-ahead over its pieces in append order (init segment first), from the
   * segment it is at (after a rendition switch, the new rendition's segments from the switch on).
   */
  private loaderOf(i: number, start?: number): { loader: PieceLoader; from: number; init: boolean } {
    let entry = this.loaders.get(i);
    if (!entry) {
      const rt = this.streams[i]!;
      const src = rt.source;
      // From the first piece asked for: the init segment if it is still to go in, then media segment `start` on.
      const init = !!src.init && (!rt.initDone || start === -1);
      const from = Math.min(start === undefined || start < 0 ? rt.next : start, src.segments.length);
      const rest = src.segments.slice(from);
      const loader = new PieceLoader(init ? [src.init!, ...rest] : rest, {
        onRead: (bytes, ms) => this.throughput.add(bytes, ms),
        early: this.early ?? undefined,
        readArriving: offThreadReads.readArriving,
      });
      entry = { loader, from, init };
      this.loaders.set(i, entry);
    }
    return entry;
  }

  /** The loader's key of media segment `pos` of stream `i` (-1: the init segment); the loader starts at `pos` if there is none yet. */
  private loaderKey(i: number, pos: number): number {
    const { from, init } = this.loaderOf(i, pos);
    return pos < 0 ? 0 : pos - from + (init ? 1 : 0);
  }

  private async fetchPiece(i: number, piece: Piece, ahead: boolean): Promise<PieceBytes> {
    if (!ahead) {
      const t = performance.now();
      const bytes = await piece.load();
      this.throughput.add(bytes.byteLength, performance.now() - t);
      return bytes;
    }
    const src = this.streams[i]!.source;
    const pos = piece.index < 0 ? -1 : src.segments.indexOf(piece);
    const k = this.loaderKey(i, pos);
    const { loader } = this.loaderOf(i, pos);
    loader.release(k);
    return loader.get(k);
  }

  /**
   * Switch SourceBuffer `i` to another rendition at its next segment boundary: there its init
   * segment goes in (after `changeType()` when the codec string differs), then its segment `at`,
   * by default the one at the time the current rendition has reached (same index for aligned ladders).
   */
  switchTo(i: number, source: StreamSource, at?: number): void {
    const rt = this.streams[i];
    if (!rt?.sb) return;
    if (source === rt.source && !rt.pending) return;
    rt.pending = source === rt.source ? null : { source, ...(at !== undefined && { at }) };
    if (rt.pending) this.log('player', 'switch requested', 'info', `${rt.source.label} → ${source.label}: at the next segment boundary`, { stream: source.stream ?? i });
    this.hooks.changed();
  }

  /** Stream `i` has no segment left: its next Period starts (its rendition shifted to the Period's start). */
  private nextPeriod(i: number): void {
    const rt = this.streams[i]!;
    const period = rt.then.shift()!;
    const source = period.choose();
    const first = source.segments[0]?.expected?.[0] ?? 0;
    rt.pending = { source, at: 0, timestampOffset: period.start - first, period: period.label };
  }

  /** Apply a requested switch (at a segment boundary: nothing of stream `i` is being appended). */
  private applySwitch(i: number): void {
    const rt = this.streams[i]!;
    const sw = rt.pending;
    if (!sw) return;
    rt.pending = null;
    const from = rt.source;
    const to = sw.source;
    // Where the old rendition got to, in its own time: the end of its last appended segment.
    const last = rt.next > 0 ? from.segments[rt.next - 1]?.expected : undefined;
    const boundary = last?.[1] ?? from.segments[rt.next]?.expected?.[0];
    const index = sw.at ?? (rt.next === 0 ? 0 : segmentAtTime(to.segments.map((p) => p.expected), boundary, rt.next));
    this.loaders.get(i)?.loader.abort();
    this.loaders.delete(i);
    const started = rt.initDone;
    const fromId = this.sid(i);
    const needsType = to.mime !== rt.mime;
    rt.source = to;
    rt.next = index;
    rt.initDone = false;
    if (needsType) this.changeType(i, to.mime);
    // A Period's shift, or the new rendition's own (MPEG-TS remuxed to start at 0).
    const offset = sw.timestampOffset ?? to.timestampOffset;
    if (offset !== undefined && offset !== rt.timestampOffset) this.setTimestampOffset(i, offset);
    const toId = this.sid(i);
    if (!started) {
      this.log('player', 'switch', 'info', `starts on ${to.label} instead of ${from.label}`, { stream: toId, segment: index });
      return;
    }
    const at = (to.segments[index]?.expected?.[0] ?? boundary ?? 0) + rt.timestampOffset;
    const buffered = formatSpans(this.bufferedOf(rt));
    rt.switches.push({ at, from: from.label, to: to.label, fromStream: fromId, toStream: toId, segment: index, changeType: needsType, buffered, ...(sw.period && { period: sw.period }) });
    const what = sw.period ? `${sw.period} starts: ${from.label} → ${to.label}` : `${from.label} → ${to.label}`;
    this.log('player', 'switch', 'ok', `${what} at ${at.toFixed(3)} s: its init segment${needsType ? ' (after changeType)' : ''}, then segment ${index}`, {
      stream: toId,
      segment: index,
      buffered,
    });
  }

  /**
   * Fetch and append pieces (one, or adjacent ones from one read as a single appendBuffer),
   * waiting for updateend; handles QuotaExceededError by evicting.
   */
  private async appendPieces(i: number, pieces: Piece[], ahead: boolean): Promise<boolean> {
    const rt = this.streams[i]!;
    const sb = rt.sb!;
    const gen = this.generation;
    const piece = pieces[0]!;
    const last = pieces[pieces.length - 1]!;
    const what = piece.index < 0 ? 'init segment' : pieces.length > 1 ? `segments ${piece.index}–${last.index}` : `segment ${piece.index}`;
    let data: PieceBytes;
    let parts: PieceBytes[];
    try {
      parts = await Promise.all(pieces.map((p) => this.fetchPiece(i, p, ahead)));
      data = parts.length === 1 ? parts[0]! : joined(parts);
    } catch (err) {
      if (gen !== this.generation) return false;
      rt.failed = { stream: this.sid(i), segment: piece.index, kind: 'fetch', message: (err as Error).message };
      this.failures.push(rt.failed);
      this.log('player', 'fetch', 'error', `${what} of ${rt.source.label}: ${(err as Error).message}`, { stream: this.sid(i), segment: piece.index });
      this.setState('error');
      return false;
    }
    if (gen !== this.generation) return false;
    const label = pieces.length > 1 ? `${pieces.length} segments from one read, one appendBuffer` : piece.label;
    this.log('player', 'append', 'info', `${what} (${label}, ${data.byteLength.toLocaleString('en-US')} B) → SourceBuffer ${i}`, { stream: this.sid(i), segment: piece.index });
    if (piece.timestampOffset !== undefined && rt.mode === 'segments' && sb.timestampOffset !== piece.timestampOffset) this.setTimestampOffset(i, piece.timestampOffset);
    for (let attempt = 0; ; attempt++) {
      let errored = false;
      const onError = () => (errored = true);
      sb.addEventListener('error', onError, { once: true });
      try {
        const done = new Promise<void>((resolve) => sb.addEventListener('updateend', () => resolve(), { once: true }));
        sb.appendBuffer(data);
        await done;
      } catch (err) {
        sb.removeEventListener('error', onError);
        const e = err as DOMException;
        if (e.name === 'QuotaExceededError' && pieces.length > 1) {
          // More than the SourceBuffer takes at once: the first half now, the rest after it.
          const half = Math.ceil(pieces.length / 2);
          rt.next -= pieces.length - half;
          this.log(`SourceBuffer ${i}`, 'QuotaExceededError', 'warn', `${what} (${data.byteLength.toLocaleString('en-US')} B) do not fit at once: appending ${half} of them`, { stream: this.sid(i), segment: piece.index });
          return this.appendPieces(i, pieces.slice(0, half), ahead);
        }
        if (e.name === 'QuotaExceededError' && attempt < 8 && (await this.makeRoom(i, data.byteLength))) continue;
        rt.failed = { stream: this.sid(i), segment: piece.index, kind: e.name ?? 'Error', message: e.message ?? String(err) };
        this.failures.push(rt.failed);
        this.log(`SourceBuffer ${i}`, 'appendBuffer', 'error', `${e.name}: ${e.message}`, { stream: this.sid(i), segment: piece.index });
        this.setState('error');
        await this.attribute(i, rt.failed, pieces, parts);
        return false;
      }
      sb.removeEventListener('error', onError);
      if (gen !== this.generation) return false;
      rt.buffered = toSpans(sb.buffered);
      rt.bytes += data.byteLength;
      if (errored) {
        const message = this.video.error?.message;
        rt.failed = { stream: this.sid(i), segment: piece.index, kind: 'error', message: message || `the SourceBuffer reported an error while parsing ${pieces.length > 1 ? `${what} (appended together)` : 'this segment'}`, placeholder: !message };
        this.failures.push(rt.failed);
        this.setState('error');
        await this.attribute(i, rt.failed, pieces, parts);
        return false;
      }
      rt.timestampOffset = sb.timestampOffset;
      const bufferedEnd = rt.buffered.length ? rt.buffered[rt.buffered.length - 1]![1] : 0;
      for (const p of pieces) {
        if (!p.expected) continue;
        // In sequence mode the browser moved timestampOffset so the segment starts at the previous
        // end (batches are only made in segments mode, where the shift is the same for all).
        const shift = sb.timestampOffset;
        const span: Span = [p.expected[0] + shift, p.expected[1] + shift];
        rt.placed.push({ stream: this.sid(i), segment: p.index, span, size: pieces.length > 1 ? p.size : data.byteLength, bufferedEnd });
      }
      if (this.pendingSeek !== null && piece.index >= 0) {
        this.video.currentTime = this.pendingSeek;
        this.pendingSeek = null;
      }
      return true;
    }
  }

  /**
   * A refused batch: name the segment the browser refuses (see `locateRefusal`) in the failure
   * and the log. Until then the failure names the batch's first segment.
   */
  private async attribute(i: number, failure: AppendFailure, pieces: Piece[], parts: PieceBytes[]): Promise<void> {
    if (pieces.length < 2) return;
    const gen = this.generation;
    const what = `segments ${pieces[0]!.index}–${pieces[pieces.length - 1]!.index}`;
    const k = await this.locateRefusal(i, parts);
    if (gen !== this.generation) return;
    if (k === undefined) {
      this.log('player', 'locate', 'warn', `the browser refused ${what} appended together, but none of them alone (after the init segment): the failure names the first`, { stream: this.sid(i), segment: failure.segment });
    } else {
      failure.segment = pieces[k]!.index;
      // The segments before it went in (the browser parses an append in order).
      const rt = this.streams[i]!;
      const bufferedEnd = rt.buffered.length ? rt.buffered[rt.buffered.length - 1]![1] : 0;
      for (const p of pieces.slice(0, k)) {
        if (p.expected) rt.placed.push({ stream: this.sid(i), segment: p.index, span: [p.expected[0] + rt.timestampOffset, p.expected[1] + rt.timestampOffset], size: p.size, bufferedEnd });
      }
      this.log('player', 'locate', 'info', `segment ${failure.segment} is the one the browser refuses: ${what} appended again one by one, after the init segment, to a scratch MediaSource`, { stream: this.sid(i), segment: failure.segment });
    }
    this.hooks.changed();
  }

  /**
   * Append the init segment and then `parts`, one appendBuffer each, to a scratch MediaSource on a
   * detached <video>: the index of the first part the browser refuses, or undefined. Only runs
   * when a batch was refused, so automatic mode can batch before the lint has answered.
   */
  private async locateRefusal(i: number, parts: PieceBytes[]): Promise<number | undefined> {
    const rt = this.streams[i]!;
    const video = document.createElement('video');
    video.muted = true;
    const ms = new MediaSource();
    const url = URL.createObjectURL(ms);
    try {
      const opened = new Promise<boolean>((resolve) => {
        ms.addEventListener('sourceopen', () => resolve(true), { once: true });
        setTimeout(() => resolve(false), 5000);
      });
      video.src = url;
      const init = rt.source.init ? await rt.source.init.load() : null;
      if (!(await opened)) return undefined;
      const sb = ms.addSourceBuffer(rt.mime);
      const append = (bytes: PieceBytes) =>
        new Promise<boolean>((resolve) => {
          const done = (ok: boolean) => () => {
            sb.removeEventListener('error', fail);
            sb.removeEventListener('updateend', end);
            resolve(ok);
          };
          const fail = done(false);
          const end = done(true);
          sb.addEventListener('error', fail, { once: true });
          sb.addEventListener('updateend', end, { once: true });
          try {
            sb.appendBuffer(bytes);
          } catch {
            fail();
          }
        });
      if (init && !(await append(init))) return undefined;
      for (let k = 0; k < parts.length; k++) {
        // An 'error' fires before its updateend: once refused, the SourceBuffer is gone.
        if (!(await append(parts[k]!)) || ms.readyState !== 'open') return k;
      }
      return undefined;
    } catch {
      return undefined;
    } finally {
      URL.revokeObjectURL(url);
      video.removeAttribute('src');
      video.load();
    }
  }

  /** QuotaExceededError: remove what is behind the playhead (keeping a little for small seeks back). */
  private async makeRoom(i: number, need: number): Promise<boolean> {
    const sb = this.streams[i]!.sb!;
    const keep = 2;
    const behind = this.video.currentTime - keep;
    const start = sb.buffered.length ? sb.buffered.start(0) : 0;
    if (behind > start + 0.5) {
      this.log(`SourceBuffer ${i}`, 'QuotaExceededError', 'warn', `buffer full (needs ${need.toLocaleString('en-US')} B): evicting ${start.toFixed(3)}–${behind.toFixed(3)} behind the playhead`, { stream: this.sid(i) });
      await this.removeRange(i, start, behind);
      this.evictions++;
      return true;
    }
    // Nothing behind the playhead to drop: wait for playback to consume some of the buffer.
    this.log(`SourceBuffer ${i}`, 'QuotaExceededError', 'warn', 'buffer full and nothing behind the playhead yet: waiting for playback to advance', { stream: this.sid(i) });
    const t = this.video.currentTime;
    if (this.video.paused) void this.play();
    const gen = this.generation;
    for (let waited = 0; waited < 30_000; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      if (gen !== this.generation) return false;
      if (this.video.currentTime > t + keep + 1) return this.makeRoom(i, need);
    }
    return false;
  }

  async removeRange(i: number, start: number, end: number): Promise<void> {
    const rt = this.streams[i];
    const sb = rt?.sb;
    if (!sb || end <= start) return;
    if (sb.updating) await new Promise<void>((r) => sb.addEventListener('updateend', () => r(), { once: true }));
    const done = new Promise<void>((r) => sb.addEventListener('updateend', () => r(), { once: true }));
    try {
      sb.remove(start, end);
    } catch (err) {
      this.log(`SourceBuffer ${i}`, 'remove', 'error', `${(err as Error).name}: ${(err as Error).message}`, { stream: this.sid(i) });
      return;
    }
    this.log(`SourceBuffer ${i}`, 'remove', 'info', `remove(${start.toFixed(3)}, ${end.toFixed(3)})`, { stream: this.sid(i) });
    await done;
    rt.buffered = toSpans(sb.buffered);
    this.hooks.changed();
  }

  /** Evict everything more than `keep` seconds behind the playhead, on every stream. */
  async evictBehind(keep = 2): Promise<void> {
    const end = this.video.currentTime - keep;
    for (let i = 0; i < this.streams.length; i++) {
      const sb = this.streams[i]!.sb;
      if (!sb || !sb.buffered.length) continue;
      const start = sb.buffered.start(0);
      if (end > start) await this.removeRange(i, start, end);
      else this.log(`SourceBuffer ${i}`, 'remove', 'info', `nothing buffered more than ${keep} s behind the playhead`, { stream: this.sid(i) });
    }
  }

  applyMode(i: number, mode: AppendMode): void {
    const rt = this.streams[i];
    if (!rt?.sb) return;
    try {
      rt.sb.mode = mode;
      rt.mode = mode;
      this.log(`SourceBuffer ${i}`, 'mode', 'info', `mode = '${mode}'`, { stream: this.sid(i) });
    } catch (err) {
      this.log(`SourceBuffer ${i}`, 'mode', 'error', `${(err as Error).name}: ${(err as Error).message}`, { stream: this.sid(i) });
    }
    this.hooks.changed();
  }

  setTimestampOffset(i: number, seconds: number): void {
    const rt = this.streams[i];
    if (!rt?.sb) return;
    try {
      rt.sb.timestampOffset = seconds;
      rt.timestampOffset = seconds;
      this.log(`SourceBuffer ${i}`, 'timestampOffset', 'info', `timestampOffset = ${seconds}`, { stream: this.sid(i) });
    } catch (err) {
      this.log(`SourceBuffer ${i}`, 'timestampOffset', 'error', `${(err as Error).name}: ${(err as Error).message}`, { stream: this.sid(i) });
    }
    this.hooks.changed();
  }

  changeType(i: number, mime: string): void {
    const rt = this.streams[i];
    if (!rt?.sb) return;
    const sb = rt.sb as SourceBuffer & { changeType?: (type: string) => void };
    if (typeof sb.changeType !== 'function') {
      this.log(`SourceBuffer ${i}`, 'changeType', 'error', 'this browser has no SourceBuffer.changeType()', { stream: this.sid(i) });
      return;
    }
    try {
      sb.changeType(mime);
      rt.mime = mime;
      this.log(`SourceBuffer ${i}`, 'changeType', 'ok', `changeType('${mime}')`, { stream: this.sid(i) });
    } catch (err) {
      this.log(`SourceBuffer ${i}`, 'changeType', 'error', `${(err as Error).name}: ${(err as Error).message}`, { stream: this.sid(i) });
    }
    this.hooks.changed();
  }

  async play(): Promise<void> {
    try {
      await this.video.play();
    } catch (err) {
      const e = err as DOMException;
      // A pause() or a new load interrupts play(); that is not worth an error line.
      if (e.name === 'AbortError') return;
      this.log('video', 'play()', 'warn', `${e.name}: ${e.message}`);
    }
  }

  quality(): Quality | null {
    const q = typeof this.video.getVideoPlaybackQuality === 'function' ? this.video.getVideoPlaybackQuality() : null;
    return q ? { dropped: q.droppedVideoFrames, total: q.totalVideoFrames } : null;
  }

  buffered(): Span[] {
    return toSpans(this.video.buffered);
  }

  /** A SourceBuffer's buffered ranges now (the last known ones once it is detached). */
  bufferedOf(rt: StreamRuntime): Span[] {
    try {
      if (rt.sb && this.mediaSource?.readyState !== 'closed') rt.buffered = toSpans(rt.sb.buffered);
    } catch {
      // Removed from its MediaSource (after an error): keep what was last seen.
    }
    return rt.buffered;
  }

  private onVideoEvent(name: (typeof VIDEO_EVENTS)[number]): void {
    const v = this.video;
    if (!this.mediaSource && name !== 'error') return;
    let level: LogLevel = 'info';
    let text = `t=${v.currentTime.toFixed(3)} readyState=${v.readyState}`;
    switch (name) {
      case 'error':
        level = 'error';
        text = describeMediaError(v.error);
        if (v.error) {
          this.mediaError = { code: v.error.code, message: v.error.message };
          // The SourceBuffer's error event comes first and says nothing; the element's message says why.
          for (const f of this.failures) if (f.kind === 'error' && f.placeholder) (f.message = v.error.message || f.message), (f.placeholder = false);
        }
        this.setState('error');
        break;
      case 'waiting':
      case 'stalled':
        level = 'warn';
        this.stalledAt = v.currentTime;
        text = `${text}; buffered ${formatSpans(toSpans(v.buffered))}`;
        if (this.state === 'playing') this.setState('loading');
        break;
      case 'playing':
        this.stalledAt = null;
        this.setState('playing');
        break;
      case 'loadeddata':
        if (this.firstFrameMs === null) this.firstFrameMs = performance.now() - this.t0;
        if (v.paused && this.state === 'loading') this.setState('paused');
        break;
      case 'canplay':
        if (v.paused && this.state === 'loading') this.setState('paused');
        break;
      case 'pause':
        if (!v.ended) this.setState('paused');
        break;
      case 'ended':
        this.setState('ended');
        break;
      case 'durationchange':
        text = `duration ${Number.isFinite(v.duration) ? v.duration.toFixed(3) : String(v.duration)}`;
        break;
      case 'resize':
        text = `${v.videoWidth}×${v.videoHeight}`;
        break;
      case 'emptied':
      case 'abort':
        level = 'warn';
        break;
    }
    this.log('video', name, level, text);
    this.hooks.changed();
  }

  /** Stop the early read (the loaders that took it keep the pieces already handed out). */
  private dropEarly(): void {
    this.early?.abort();
    this.early = null;
  }

  /** Forget the current source (a new load, or leaving the view). */
  reset(): void {
    this.generation++;
    this.stopped = true;
    this.dropEarly();
    for (const { loader } of this.loaders.values()) loader.abort();
    this.loaders.clear();
    this.busy = false;
    this.streams = [];
    this.failures.length = 0;
    this.mediaError = null;
    this.stalledAt = null;
    this.evictions = 0;
    this.firstFrameMs = null;
    this.live = false;
    this.pendingSeek = null;
    const hadSource = !!this.mediaSource;
    this.mediaSource = null;
    if (hadSource) {
      this.video.removeAttribute('src');
      this.video.load();
    }
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
    this.state = 'idle';
    this.hooks.changed();
  }

  destroy(): void {
    this.reset();
    for (const d of this.detach) d();
    this.detach = [];
  }
}
