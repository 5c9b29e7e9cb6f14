/**
 * Live HLS playlists (no `EXT-X-ENDLIST`): the facts the lint's reload (`live-window-stalled`) and
 * the Player's live-edge follower share. Plain data and functions, no Node imports: the renderer
 * imports them.
 */
import { RULES } from './catalogue';
import type { StreamSpec } from './manifest';
import type { Finding, LiveStream } from './types';

/** A live playlist that lists nothing new this long after a read (× its target duration) has stalled (MSE_RULES.md). */
export const LIVE_STALL_FACTOR = 1.5;

/** The longest the lint waits to reload a live playlist, in seconds, unless told otherwise (`mwb lint --live-wait`). */
export const DEFAULT_LIVE_WAIT = 30;

/** How far behind the live edge the Player starts, in target durations (what hls.js does by default). */
export const LIVE_START_TARGETS = 3;

/** What tells one read of a live playlist from the next. */
export type LiveWindow = Pick<LiveStream, 'mediaSequence' | 'count' | 'last'>;

/** The playlist did not change between two reads: same media sequence, same segments. */
export function sameWindow(a: LiveWindow, b: LiveWindow): boolean {
  return a.mediaSequence === b.mediaSequence && a.count === b.count && a.last === b.last;
}

/** Seconds after a read at which a playlist that has not changed counts as stalled. */
export function stallAfter(targetDuration: number): number {
  return LIVE_STALL_FACTOR * Math.max(targetDuration, 0.001);
}

/**
 * The `live-window-stalled` finding: `name` is the playlist as a person knows it, `url` where it
 * is, `waited` the seconds between the read that last changed and the one that found it unchanged.
 */
export function liveWindowStalled(args: { stream: number; url: string; name: string; waited: number; window: LiveWindow; targetDuration: number }): Finding {
  const { window: w } = args;
  return {
    rule: 'live-window-stalled',
    severity: RULES['live-window-stalled'].severity,
    message: `the live playlist ${args.name} did not advance: reloaded ${args.waited.toFixed(1)} s later (${LIVE_STALL_FACTOR} × its target duration of ${args.targetDuration} s or more), it still lists the same ${w.count} segment${w.count === 1 ? '' : 's'} from media sequence ${w.mediaSequence}`,
    path: '',
    offset: 0,
    stream: args.stream,
    url: args.url,
    fix: RULES['live-window-stalled'].fix!,
  };
}

/**
 * Where the Player starts a live stream: `LIVE_START_TARGETS` target durations before the end of
 * the last listed segment (the live edge), but never before the first one starts.
 */
export function liveStartTime(spans: readonly (readonly [number, number])[], targetDuration: number): number | undefined {
  if (!spans.length) return undefined;
  const first = Math.min(...spans.map((s) => s[0]));
  const edge = Math.max(...spans.map((s) => s[1]));
  return Math.max(first, edge - LIVE_START_TARGETS * targetDuration);
}

/** A live playlist's window as read (`declared.live` and its parts), or undefined for anything else. */
export function liveWindowOf(spec: StreamSpec): (LiveWindow & { targetDuration: number; playlist: string }) | undefined {
  const live = spec.live;
  if (!live) return undefined;
  const media = spec.parts.filter((p) => p.role !== 'init');
  const last = media[media.length - 1]?.path ?? '';
  const targetDuration = spec.declared?.targetDuration ?? Math.max(1, ...(spec.declared?.durations ?? []).map(Math.ceil));
  return { playlist: live.playlist, mediaSequence: live.mediaSequence, count: media.length, last: last.replace(/^.*[\\/]/, ''), targetDuration };
}
