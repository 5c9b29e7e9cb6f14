/**
 * The MSE engine behind the Player view: one MediaSource on a <video>, one SourceBuffer per stream
 * (a muxed fMP4 is one stream; DASH representations and on-the-fly fragmented tracks are one each),
 * segments fetched by URL with a Range header, appended automatically or one at a time. Everything
 * MediaSource, the SourceBuffers and the element say goes to the event log, with `buffered` after
 * each append. Plain TypeScript: the view owns the reactive state and passes hooks.
 */
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
  load(): Promise<ArrayBuffer>;
}

export interface StreamSource {
  label: string;
  mime: string;
  init: Piece | null;
  segments: Piece[];
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

export interface StreamRuntime {
  source: StreamSource;
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

export { fetchRange } from '../range';

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
  private nextId = 1;
  private objectUrl: string | null = null;
  private detach: (() => void)[] = [];
  private busy = false;
  private readonly pending = new Map<Piece, Promise<ArrayBuffer>>();
  private stopped = false;
  private generation = 0;
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

  private setState(s: PlayerState): void {
    if (this.state === s) return;
    // An error is final until the next load: later pause/waiting events do not hide it.
    if (this.state === 'error' && s !== 'idle' && s !== 'loading') return;
    this.state = s;
    this.hooks.changed();
  }

  /** Tear down the current source and start a new MediaSource with one SourceBuffer per stream. */
  async load(sources: StreamSource[], options: { mode?: AppendMode } = {}): Promise<void> {
    this.reset();
    const gen = this.generation;
    this.t0 = performance.now();
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
    await opened;
    if (gen !== this.generation) return;
    sources.forEach((source, i) => {
      const rt: StreamRuntime = {
        source,
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
      this.log('MediaSource', 'isTypeSupported', supported ? 'ok' : 'error', `${source.mime} → ${supported}`, { stream: i });
      try {
        const sb = ms.addSourceBuffer(source.mime);
        rt.sb = sb;
        this.log('MediaSource', 'addSourceBuffer', 'ok', `SourceBuffer ${i} for ${source.label}: ${source.mime}`, { stream: i });
        if (rt.mode !== 'segments') this.applyMode(i, rt.mode);
        for (const name of ['updatestart', 'update', 'updateend', 'error', 'abort'] as const) {
          const fn = () => {
            if (gen !== this.generation) return;
            if (name === 'updatestart' || name === 'update') return; // every append has them; updateend carries the news
            const text = name === 'updateend' ? 'append finished' : name === 'error' ? 'the SourceBuffer could not use the appended data (the element error says why)' : 'the append was aborted';
            this.log(`SourceBuffer ${i}`, name, name === 'error' ? 'error' : name === 'abort' ? 'warn' : 'info', text, {
              stream: i,
              buffered: formatSpans(toSpans(sb.buffered)),
            });
          };
          sb.addEventListener(name, fn);
        }
      } catch (err) {
        const e = err as DOMException;
        rt.failed = { stream: i, segment: -1, kind: e.name ?? 'Error', message: e.message ?? String(err) };
        this.failures.push(rt.failed);
        this.log('MediaSource', 'addSourceBuffer', 'error', `${e.name}: ${e.message}`, { stream: i });
        this.setState('error');
      }
    });
    this.hooks.changed();
  }

  /** Append every stream's init segment (done before the first media segment automatically). */
  private async ensureInit(i: number): Promise<boolean> {
    const rt = this.streams[i]!;
    if (rt.initDone) return !rt.failed;
    rt.initDone = true;
    if (!rt.source.init) return true;
    return this.appendPiece(i, rt.source.init);
  }

  /** Append the next media segment of stream `i` (or of the stream that is furthest behind). Returns false when nothing was appended. */
  async appendNext(stream?: number): Promise<boolean> {
    if (this.busy) return false;
    const i = stream ?? this.pickStream();
    if (i < 0) return false;
    this.busy = true;
    try {
      const rt = this.streams[i]!;
      if (!rt.sb || rt.failed) return false;
      if (!(await this.ensureInit(i))) return false;
      const piece = rt.source.segments[rt.next];
      if (!piece) return false;
      rt.next++;
      const ok = await this.appendPiece(i, piece);
      this.maybeEnd();
      return ok;
    } finally {
      this.busy = false;
      this.hooks.changed();
    }
  }

  /** Append everything that is left, interleaving streams by expected time. Starts playback after the first append. */
  async appendAll(options: { autoplay?: boolean } = {}): Promise<void> {
    const gen = this.generation;
    this.stopped = false;
    let first = true;
    while (!this.stopped && gen === this.generation) {
      const i = this.pickStream();
      if (i < 0) break;
      // Fetch ahead while the current segment is parsed, as a streaming player does.
      this.prefetch(i, 2);
      const ok = await this.appendNext(i);
      if (!ok) {
        if (this.streams[i]?.failed) break;
        continue;
      }
      if (first && options.autoplay !== false) {
        first = false;
        void this.play();
      }
    }
    this.maybeEnd();
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
      if (!piece) return;
      const start = piece.expected?.[0] ?? rt.next;
      if (start < bestStart) {
        bestStart = start;
        best = i;
      }
    });
    return best;
  }

  /** Segments not appended yet. */
  get remaining(): number {
    return this.streams.reduce((n, rt) => n + (rt.failed || !rt.sb ? 0 : rt.source.segments.length - rt.next), 0);
  }

  private maybeEnd(): void {
    const ms = this.mediaSource;
    if (!ms || ms.readyState !== 'open') return;
    if (this.streams.some((rt) => rt.failed || rt.sb?.updating)) return;
    if (this.remaining > 0) return;
    try {
      ms.endOfStream();
      this.log('player', 'endOfStream', 'info', 'every segment appended; endOfStream() called');
    } catch (err) {
      this.log('player', 'endOfStream', 'warn', `endOfStream() threw ${(err as Error).message}`);
    }
  }

  /** Start loading the next `ahead` segments of stream `i` (kept until appended or reset). */
  private prefetch(i: number, ahead: number): void {
    const rt = this.streams[i];
    if (!rt) return;
    for (let k = rt.next; k < Math.min(rt.source.segments.length, rt.next + 1 + ahead); k++) {
      const piece = rt.source.segments[k]!;
      if (!this.pending.has(piece)) {
        const p = piece.load();
        p.catch(() => {}); // reported when the append awaits it
        this.pending.set(piece, p);
      }
    }
  }

  private fetchPiece(piece: Piece): Promise<ArrayBuffer> {
    const p = this.pending.get(piece) ?? piece.load();
    this.pending.delete(piece);
    return p;
  }

  /** Fetch and append one piece, waiting for updateend; handles QuotaExceededError by evicting. */
  private async appendPiece(i: number, piece: Piece): Promise<boolean> {
    const rt = this.streams[i]!;
    const sb = rt.sb!;
    const gen = this.generation;
    const what = piece.index < 0 ? 'init segment' : `segment ${piece.index}`;
    let data: ArrayBuffer;
    try {
      data = await this.fetchPiece(piece);
    } catch (err) {
      if (gen !== this.generation) return false;
      rt.failed = { stream: i, segment: piece.index, kind: 'fetch', message: (err as Error).message };
      this.failures.push(rt.failed);
      this.log('player', 'fetch', 'error', `${what} of ${rt.source.label}: ${(err as Error).message}`, { stream: i, segment: piece.index });
      this.setState('error');
      return false;
    }
    if (gen !== this.generation) return false;
    this.log('player', 'append', 'info', `${what} (${piece.label}, ${data.byteLength.toLocaleString('en-US')} B) → SourceBuffer ${i}`, { stream: i, segment: piece.index });
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
        if (e.name === 'QuotaExceededError' && attempt < 8 && (await this.makeRoom(i, data.byteLength))) continue;
        rt.failed = { stream: i, segment: piece.index, kind: e.name ?? 'Error', message: e.message ?? String(err) };
        this.failures.push(rt.failed);
        this.log(`SourceBuffer ${i}`, 'appendBuffer', 'error', `${e.name}: ${e.message}`, { stream: i, segment: piece.index });
        this.setState('error');
        return false;
      }
      sb.removeEventListener('error', onError);
      if (gen !== this.generation) return false;
      rt.buffered = toSpans(sb.buffered);
      rt.bytes += data.byteLength;
      if (errored) {
        const message = this.video.error?.message;
        rt.failed = { stream: i, segment: piece.index, kind: 'error', message: message || 'the SourceBuffer reported an error while parsing this segment', placeholder: !message };
        this.failures.push(rt.failed);
        this.setState('error');
        return false;
      }
      rt.timestampOffset = sb.timestampOffset;
      if (piece.expected) {
        const shift = sb.timestampOffset;
        const bufferedEnd = rt.buffered.length ? rt.buffered[rt.buffered.length - 1]![1] : 0;
        // In sequence mode the browser moved timestampOffset so the segment starts at the previous end.
        const span: Span = [piece.expected[0] + shift, piece.expected[1] + shift];
        rt.placed.push({ stream: i, segment: piece.index, span, size: data.byteLength, bufferedEnd });
      }
      return true;
    }
  }

  /** QuotaExceededError: remove what is behind the playhead (keeping a little for small seeks back). */
  private async makeRoom(i: number, need: number): Promise<boolean> {
    const sb = this.streams[i]!.sb!;
    const keep = 2;
    const behind = this.video.currentTime - keep;
    const start = sb.buffered.length ? sb.buffered.start(0) : 0;
    if (behind > start + 0.5) {
      this.log(`SourceBuffer ${i}`, 'QuotaExceededError', 'warn', `buffer full (needs ${need.toLocaleString('en-US')} B): evicting ${start.toFixed(3)}–${behind.toFixed(3)} behind the playhead`, { stream: i });
      await this.removeRange(i, start, behind);
      this.evictions++;
      return true;
    }
    // Nothing behind the playhead to drop: wait for playback to consume some of the buffer.
    this.log(`SourceBuffer ${i}`, 'QuotaExceededError', 'warn', 'buffer full and nothing behind the playhead yet: waiting for playback to advance', { stream: i });
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
      this.log(`SourceBuffer ${i}`, 'remove', 'error', `${(err as Error).name}: ${(err as Error).message}`, { stream: i });
      return;
    }
    this.log(`SourceBuffer ${i}`, 'remove', 'info', `remove(${start.toFixed(3)}, ${end.toFixed(3)})`, { stream: i });
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
      else this.log(`SourceBuffer ${i}`, 'remove', 'info', `nothing buffered more than ${keep} s behind the playhead`, { stream: i });
    }
  }

  applyMode(i: number, mode: AppendMode): void {
    const rt = this.streams[i];
    if (!rt?.sb) return;
    try {
      rt.sb.mode = mode;
      rt.mode = mode;
      this.log(`SourceBuffer ${i}`, 'mode', 'info', `mode = '${mode}'`, { stream: i });
    } catch (err) {
      this.log(`SourceBuffer ${i}`, 'mode', 'error', `${(err as Error).name}: ${(err as Error).message}`, { stream: i });
    }
    this.hooks.changed();
  }

  setTimestampOffset(i: number, seconds: number): void {
    const rt = this.streams[i];
    if (!rt?.sb) return;
    try {
      rt.sb.timestampOffset = seconds;
      rt.timestampOffset = seconds;
      this.log(`SourceBuffer ${i}`, 'timestampOffset', 'info', `timestampOffset = ${seconds}`, { stream: i });
    } catch (err) {
      this.log(`SourceBuffer ${i}`, 'timestampOffset', 'error', `${(err as Error).name}: ${(err as Error).message}`, { stream: i });
    }
    this.hooks.changed();
  }

  changeType(i: number, mime: string): void {
    const rt = this.streams[i];
    if (!rt?.sb) return;
    const sb = rt.sb as SourceBuffer & { changeType?: (type: string) => void };
    if (typeof sb.changeType !== 'function') {
      this.log(`SourceBuffer ${i}`, 'changeType', 'error', 'this browser has no SourceBuffer.changeType()', { stream: i });
      return;
    }
    try {
      sb.changeType(mime);
      rt.mime = mime;
      this.log(`SourceBuffer ${i}`, 'changeType', 'ok', `changeType('${mime}')`, { stream: i });
    } catch (err) {
      this.log(`SourceBuffer ${i}`, 'changeType', 'error', `${(err as Error).name}: ${(err as Error).message}`, { stream: i });
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

  /** Forget the current source (a new load, or leaving the view). */
  reset(): void {
    this.generation++;
    this.stopped = true;
    this.pending.clear();
    this.busy = false;
    this.streams = [];
    this.failures.length = 0;
    this.mediaError = null;
    this.stalledAt = null;
    this.evictions = 0;
    this.firstFrameMs = null;
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
