/**
 * Following a live HLS playlist in the Player: reload each live stream's media playlist every
 * target duration (half of it after a reload that found nothing new, as the HLS spec asks), take
 * the segments not seen before (by media sequence) into the Player's numbering, and say when the
 * window stops moving for 1.5 × the target duration (`live-window-stalled`, the catalogue's text).
 *
 * `LiveEdge` is the bookkeeping, with time passed in (unit-tested without a browser or a clock);
 * `followLive` drives it with timers and the client. Plain TypeScript, no DOM.
 */
import { liveStartTime, liveWindowStalled, sameWindow, stallAfter } from '../../../electron/core/mse/live';
import type { Finding, LiveReload, LiveStream, MediaSegment, MseAnalysis } from '../../../electron/core/mse/types';
import type { LogEntry, LogLevel, Piece } from './player';
import { expectedSpan } from './sources';

/** Segments per stream the timeline draws of a live stream (the newest): it slides, and stays bounded. */
export const LIVE_DRAWN = 120;

interface LiveTrack {
  stream: number;
  /** The window as last read. */
  live: LiveStream;
  /** Segments the Player has (the next new one gets this index). */
  count: number;
  /** Highest media sequence the Player has. */
  lastSequence: number;
  /** When (ms) the window last changed: the first read counts. */
  changedAt: number;
  /** Set once the window has not moved for 1.5 × the target duration, until it moves again. */
  stalled: Finding | null;
  /** Reloads that found nothing new in a row (the next waits half a target duration). */
  unchanged: number;
}

/** What one reload changed. */
export interface LiveUpdate {
  /** New segments, numbered after the Player's (`index`), in media sequence order. */
  added: MediaSegment[];
  /** The window just stalled (once per stall). */
  stalled: Finding | null;
  /** It moves again after a stall. */
  resumed: boolean;
  /** `EXT-X-ENDLIST` appeared: nothing more will come. */
  ended: boolean;
}

export class LiveEdge {
  private readonly tracks = new Map<number, LiveTrack>();

  /** From the first plan (its segments are the Player's 0..n-1) at time `now` (ms). */
  constructor(plan: MseAnalysis, now: number) {
    for (const s of plan.streams) {
      if (!s.live) continue;
      const sequences = s.segments.map((seg) => seg.mediaSequence ?? -1);
      this.tracks.set(s.index, { stream: s.index, live: s.live, count: s.segments.length, lastSequence: Math.max(-1, ...sequences), changedAt: now, stalled: null, unchanged: 0 });
    }
  }

  /** Whether the plan has a live stream at all. */
  get live(): boolean {
    return this.tracks.size > 0;
  }

  /** The live streams' indices. */
  get streams(): number[] {
    return [...this.tracks.keys()];
  }

  track(stream: number): Readonly<LiveTrack> | undefined {
    return this.tracks.get(stream);
  }

  /** Where playback starts: 3 target durations before the live edge of the plan's segments. */
  startTime(plan: MseAnalysis): number | undefined {
    const spans = plan.streams.filter((s) => s.live).flatMap((s) => s.segments.map(expectedSpan).filter((x) => !!x));
    const target = Math.max(...plan.streams.map((s) => s.live?.targetDuration ?? 0));
    return liveStartTime(spans, target);
  }

  /** Milliseconds until stream `stream`'s next reload. */
  delay(stream: number): number {
    const t = this.tracks.get(stream);
    if (!t) return Infinity;
    const target = Math.max(0.1, t.live.targetDuration) * 1000;
    return t.unchanged > 0 ? target / 2 : target;
  }

  /** The media sequence after which segments are new to the Player. */
  after(stream: number): number {
    return this.tracks.get(stream)?.lastSequence ?? -1;
  }

  /** Fold in a reload of stream `stream` answered at `now` (ms); a failed reload is `null` (nothing moved). */
  update(stream: number, reload: LiveReload | null, now: number): LiveUpdate {
    const t = this.tracks.get(stream);
    const out: LiveUpdate = { added: [], stalled: null, resumed: false, ended: false };
    if (!t) return out;
    const moved = !!reload && (reload.live.ended || !sameWindow(t.live, reload.live));
    if (reload) t.live = { ...reload.live, playlist: t.live.playlist };
    for (const seg of reload?.segments ?? []) {
      const seq = seg.mediaSequence;
      if (seq === undefined || seq <= t.lastSequence) continue;
      t.lastSequence = seq;
      out.added.push({ ...seg, index: t.count++ });
    }
    if (moved) {
      t.changedAt = now;
      t.unchanged = 0;
      out.resumed = t.stalled !== null;
      t.stalled = null;
    } else {
      t.unchanged++;
      const waited = (now - t.changedAt) / 1000;
      if (!t.stalled && waited >= stallAfter(t.live.targetDuration)) {
        t.stalled = liveWindowStalled({ stream, url: t.live.url, name: t.live.url.replace(/[?#].*$/, '').replace(/^.*[\\/]/, ''), waited, window: t.live, targetDuration: t.live.targetDuration });
        out.stalled = t.stalled;
      }
    }
    out.ended = !!reload?.live.ended;
    return out;
  }

  /** The stall in force on any stream, if one is. */
  get stalled(): Finding | null {
    for (const t of this.tracks.values()) if (t.stalled) return t.stalled;
    return null;
  }

  /**
   * The lint's analysis of the same input, shown over what the Player has: each live stream keeps
   * the Player's segments (the lint read the playlist later, so its window has moved on), with the
   * lint's error and warning counts copied by media sequence, and findings renumbered the same way
   * (a finding on a segment the Player does not have yet keeps no segment number).
   */
  adopt(lint: MseAnalysis, shown: MseAnalysis): MseAnalysis {
    const streams = lint.streams.map((s) => {
      const mine = shown.streams[s.index];
      if (!s.live || !mine) return s;
      const bySeq = new Map(s.segments.map((seg) => [seg.mediaSequence, seg] as const));
      const segments = mine.segments.map((seg) => {
        const l = bySeq.get(seg.mediaSequence);
        return l ? { ...seg, errors: l.errors, warnings: l.warnings } : seg;
      });
      return { ...s, segments, live: mine.live };
    });
    const findings = lint.findings.map((f) => {
      const s = lint.streams[f.stream ?? 0];
      if (!s?.live || f.segment === undefined) return f;
      const seq = s.segments[f.segment]?.mediaSequence;
      const index = shown.streams[s.index]?.segments.find((x) => x.mediaSequence === seq)?.index;
      const { segment: _drop, ...rest } = f;
      return index === undefined ? rest : { ...f, segment: index };
    });
    return { ...lint, streams, findings };
  }
}

/** The newest segments of a live stream, which the timeline draws (all of them otherwise). */
export function drawnSegments<T>(segments: T[], live: boolean): T[] {
  return live && segments.length > LIVE_DRAWN ? segments.slice(segments.length - LIVE_DRAWN) : segments;
}

export interface LiveHooks {
  reload(playlist: string, after: number): Promise<LiveReload>;
  /** New segments for stream `stream` (append them, show them). */
  added(stream: number, segments: MediaSegment[]): void;
  stalled(stream: number, finding: Finding): void;
  resumed(stream: number): void;
  ended(stream: number): void;
  /** A reload failed (counted as "nothing moved"); said once until one succeeds. */
  failed(stream: number, message: string): void;
}

/** Reload every live stream of `edge` on its own schedule until `stop()` (or the playlist ends). */
export function followLive(edge: LiveEdge, hooks: LiveHooks, now: () => number = () => performance.now()): { stop(): void } {
  let stopped = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  for (const stream of edge.streams) {
    void (async () => {
      let failing = false;
      while (!stopped) {
        await wait(edge.delay(stream));
        if (stopped) return;
        const playlist = edge.track(stream)!.live.playlist;
        let reload: LiveReload | null = null;
        try {
          reload = await hooks.reload(playlist, edge.after(stream));
          failing = false;
        } catch (err) {
          if (!stopped && !failing) hooks.failed(stream, (err as Error).message);
          failing = true;
        }
        if (stopped) return;
        const u = edge.update(stream, reload, now());
        if (u.added.length) hooks.added(stream, u.added);
        if (u.resumed) hooks.resumed(stream);
        if (u.stalled) hooks.stalled(stream, u.stalled);
        if (u.ended) {
          hooks.ended(stream);
          return;
        }
      }
    })();
  }
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/** The notice the Player shows while a live window is stalled: the finding's message and the catalogue's fix. */
export function stalledNotice(f: Finding): string {
  return `${f.message}. Fix: ${f.fix}`;
}

/** What following a live stream needs of the Player (`MsePlayer`). */
export interface LivePlayer {
  live: boolean;
  startAt(seconds: number): void;
  extend(stream: number, pieces: Piece[]): void;
  appendAll(options: { autoplay?: boolean }): Promise<void>;
  log(source: string, type: string, level: LogLevel, text: string, extra?: Partial<LogEntry>): void;
}

/** What it needs of the view. */
export interface LiveView {
  /** `mseLiveReload` through the client. */
  reload(playlist: string, after: number): Promise<LiveReload>;
  /** Pieces the Player can append for new segments (`segmentPieces` with the view's reader). */
  pieces(segments: MediaSegment[]): Piece[];
  /** New segments of a stream, to show (segment table, timeline). */
  show(stream: number, segments: MediaSegment[]): void;
  /** The stall notice to show, or null when there is none. */
  notice(text: string | null): void;
  /** Every live stream has ended (`EXT-X-ENDLIST`). */
  ended(): void;
  /** Append new segments as they come (automatic mode), or leave them to the user (step by step). */
  automatic(): boolean;
}

/**
 * Follow the live streams of `plan` in `player`: start near the edge, reload, extend the Player
 * and the view with new segments, log what happens (`live-window-stalled` with the catalogue's
 * fix), and end the stream when the playlist ends. Null when the plan has no live stream.
 */
export function followPlayer(player: LivePlayer, plan: MseAnalysis, view: LiveView): { edge: LiveEdge; stop(): void } | null {
  const edge = new LiveEdge(plan, performance.now());
  if (!edge.live) return null;
  player.live = true;
  const start = edge.startTime(plan);
  if (start !== undefined) player.startAt(start);
  const follower = followLive(edge, {
    reload: view.reload,
    added(stream, segments) {
      view.show(stream, segments);
      player.extend(stream, view.pieces(segments));
      const first = segments[0]!.mediaSequence;
      const last = segments[segments.length - 1]!.mediaSequence;
      player.log('player', 'live', 'info', `playlist reloaded: ${segments.length} new segment${segments.length === 1 ? '' : 's'} (media sequence ${first}${last !== first ? `–${last}` : ''})`, { stream });
      if (view.automatic()) void player.appendAll({ autoplay: false });
    },
    stalled(stream, f) {
      view.notice(stalledNotice(f));
      player.log('player', 'live-window-stalled', 'warn', `live-window-stalled: ${f.message}; fix: ${f.fix}`, { stream });
    },
    resumed(stream) {
      view.notice(edge.stalled ? stalledNotice(edge.stalled) : null);
      player.log('player', 'live', 'ok', 'the live playlist advances again', { stream });
    },
    ended(stream) {
      player.log('player', 'live', 'info', 'EXT-X-ENDLIST: the live event is over; what is left is appended and the stream ends', { stream });
      if (edge.streams.every((i) => edge.track(i)?.live.ended)) {
        view.ended();
        player.live = false;
        void player.appendAll({ autoplay: false });
      }
    },
    failed(stream, message) {
      player.log('player', 'live', 'warn', `reloading the playlist failed: ${message}`, { stream });
    },
  });
  return { edge, stop: () => follower.stop() };
}
