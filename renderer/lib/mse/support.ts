/**
 * What the running browser cannot play, from its own `MediaSource.isTypeSupported` answers: the
 * Player's prominent notice (HEVC or ProRes in Chromium otherwise plays as sound only, silently)
 * and the note on the lint's codec-string finding.
 */
import { unsupportedTrackText } from '../../../electron/core/mse/browser-support';
import type { Finding, MseAnalysis } from '../../../electron/core/mse/types';

export interface Support {
  /** `${stream}:${trackId}` → isTypeSupported of the track's own type. */
  tracks: Map<string, boolean>;
  /** Per stream: isTypeSupported of the stream's (combined) type. */
  streams: boolean[];
}

/**
 * One notice per track the browser cannot decode, naming what still plays. `perTrack`: each track
 * gets its own SourceBuffer (fragmenting on the fly); otherwise a stream's tracks share one, and
 * one unsupported codec stops them all.
 */
export function unsupportedNotices(analysis: MseAnalysis, support: Support, perTrack: boolean): { track: number; text: string }[] {
  const all = analysis.streams.flatMap((s) => s.tracks.filter((t) => t.kind === 'video' || t.kind === 'audio').map((t) => ({ s, t })));
  const ok = (s: number, t: number) => support.tracks.get(`${s}:${t}`) !== false;
  const plays = (s: number, t: number) => (perTrack ? ok(s, t) : support.streams[s] !== false && ok(s, t));
  return all
    .filter(({ s, t }) => !ok(s.index, t.id))
    .map(({ s, t }) => {
      const others = all.filter((o) => o.t !== t && plays(o.s.index, o.t.id)).map((o) => o.t.kind);
      return { track: t.id, text: unsupportedTrackText(t, others) };
    });
}

/** The lint's codec-string finding, with a note when this browser's MSE cannot take the track. */
export function findingText(f: Finding, support: Support): string {
  if (f.rule !== 'codec-string' || f.track === undefined) return f.message;
  if (support.tracks.get(`${f.stream ?? 0}:${f.track}`) !== false) return f.message;
  return `${f.message}. Not supported by MSE in this browser: MediaSource.isTypeSupported is false for this codec.`;
}
