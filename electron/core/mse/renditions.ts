/**
 * Renditions and ladders for the Player: which planned streams are switchable renditions of one
 * another (an HLS master's variants, each EXT-X-MEDIA group, each DASH AdaptationSet per Period),
 * which ladders play together (one rendition each, plus the audio group a video-only variant names),
 * the "Auto" rule that picks a rendition at each segment boundary from the measured throughput, and
 * where a switch lands in the new rendition (by time, for ladders whose indices differ).
 *
 * Node-free: the renderer imports it.
 */
import type { MseStream } from './types';

export interface Rendition {
  /** Index of the stream in the plan (`MseAnalysis.streams`). */
  stream: number;
  /** Short name for a picker: `320x180 · 412 kb/s`, `audio en`, or the stream's label. */
  label: string;
  /** A few characters for a timeline marker: `180p`, `en`, `226 kb/s`. */
  short: string;
  /** Declared peak bitrate, bits per second. */
  bandwidth?: number;
  codecs?: string;
  resolution?: { width: number; height: number };
  /** The HLS rendition marked DEFAULT=YES. */
  default?: boolean;
}

export type LadderKind = 'video' | 'audio' | 'muxed' | 'other';

export interface Ladder {
  /** `variants`, `AUDIO aac`, `period 0 · set 1`, or `stream 3` for a stream that is its own ladder. */
  id: string;
  /** For people: `Variants`, `Audio group "aac"`, `Period 0 · AdaptationSet 1`. */
  label: string;
  kind: LadderKind;
  /** DASH Period of the ladder, and where it starts on the presentation timeline (seconds). */
  period?: number;
  start?: number;
  /** By declared bandwidth, lowest first (in plan order where none is declared). */
  renditions: Rendition[];
}

/** What the Player plays: one ladder per SourceBuffer, and the rendition it starts on. */
export interface Lane {
  ladder: Ladder;
  stream: number;
  /** DASH: the ladders of the later Periods that continue this one on the same SourceBuffer, in order. */
  then: Ladder[];
}

export interface PlaySet {
  lanes: Lane[];
  /** What is planned but not played, said in the log and the view (later DASH Periods). */
  notes: string[];
}

const kbps = (bps: number) => `${Math.round(bps / 1000).toLocaleString('en-US')} kb/s`;

function kindOf(s: MseStream): LadderKind {
  const kinds = new Set(s.tracks.map((t) => t.kind));
  if (kinds.has('video') && kinds.has('audio')) return 'muxed';
  if (kinds.has('video')) return 'video';
  if (kinds.has('audio')) return 'audio';
  // Not probed (unreadable): fall back on what the manifest says.
  const d = s.declared;
  if (d?.kind === 'audio') return 'audio';
  if (d?.kind === 'video' || d?.resolution) return 'video';
  return 'other';
}

function renditionOf(s: MseStream): Rendition {
  const d = s.declared;
  const video = s.tracks.find((t) => t.kind === 'video');
  const resolution = d?.resolution ?? (video?.width && video.height ? { width: video.width, height: video.height } : undefined);
  const parts: string[] = [];
  if (d?.kind === 'audio' || d?.kind === 'video') parts.push(`${d.kind} ${d.name ?? ''}`.trim());
  if (resolution) parts.push(`${resolution.width}x${resolution.height}`);
  if (d?.bandwidth) parts.push(kbps(d.bandwidth));
  const short = resolution ? `${resolution.height}p` : d?.name ?? (d?.bandwidth ? kbps(d.bandwidth) : `#${s.index}`);
  const out: Rendition = { stream: s.index, label: parts.length ? parts.join(' · ') : s.label, short };
  if (d?.bandwidth) out.bandwidth = d.bandwidth;
  if (d?.codecs) out.codecs = d.codecs;
  if (resolution) out.resolution = resolution;
  if (d?.default) out.default = true;
  return out;
}

function ladderLabel(id: string, d: MseStream['declared']): string {
  if (id === 'variants') return 'Variants';
  const group = /^(AUDIO|VIDEO) (.*)$/.exec(id);
  if (group) return `${group[1] === 'AUDIO' ? 'Audio' : 'Video'} group "${group[2]}"`;
  if (d?.kind === 'representation') return id.replace(/^period (\d+) · set (\d+)$/, 'Period $1 · AdaptationSet $2');
  return id;
}

/**
 * Group a plan's streams into ladders, in plan order of their first stream. I-frame playlists are
 * left out (they are never played); a stream without a declared ladder is its own.
 */
export function laddersOf(streams: readonly MseStream[]): Ladder[] {
  const byId = new Map<string, Ladder>();
  for (const s of streams) {
    const d = s.declared;
    if (d?.kind === 'iframe' || d?.kind === 'subtitles') continue;
    const id = d?.ladder ?? `stream ${s.index}`;
    let ladder = byId.get(id);
    if (!ladder) {
      ladder = { id, label: d?.ladder ? ladderLabel(id, d) : s.label, kind: kindOf(s), renditions: [] };
      if (d?.period !== undefined) ladder.period = d.period;
      if (d?.periodStart !== undefined) ladder.start = d.periodStart;
      byId.set(id, ladder);
    }
    if (ladder.kind === 'other') ladder.kind = kindOf(s);
    ladder.renditions.push(renditionOf(s));
  }
  for (const l of byId.values()) {
    // Stable: renditions without a declared bandwidth keep plan order after those with one.
    l.renditions.sort((a, b) => (a.bandwidth ?? Infinity) - (b.bandwidth ?? Infinity));
    // Two renditions of one height: the bandwidth tells them apart on a marker.
    const shared = l.renditions.filter((r) => r.bandwidth && l.renditions.some((o) => o !== r && o.short === r.short));
    for (const r of shared) r.short = `${r.short} ${Math.round(r.bandwidth! / 1000)}k`;
  }
  return [...byId.values()];
}

/** The rendition a ladder starts on: the lowest declared bandwidth, or an alternate group's DEFAULT=YES one. */
export function startRendition(ladder: Ladder): number {
  const r = ladder.renditions;
  if (!r.some((x) => x.bandwidth !== undefined)) return (r.find((x) => x.default) ?? r[0]!).stream;
  return r[0]!.stream;
}

/**
 * What to play: with an HLS master, the variants ladder, plus the audio group the variant names
 * when the variant itself has no audio track; with DASH, every AdaptationSet of the first Period,
 * each followed on its SourceBuffer by the AdaptationSet of the same media kind in each later
 * Period (one with no match is named in `notes`); otherwise every ladder (each stream of a segment
 * set or a single playlist plays, as before). `chosen` overrides the start rendition per ladder id.
 */
export function playSet(streams: readonly MseStream[], chosen: ReadonlyMap<string, number> = new Map()): PlaySet {
  const ladders = laddersOf(streams);
  const notes: string[] = [];
  const startOf = (l: Ladder) => {
    const c = chosen.get(l.id);
    return c !== undefined && l.renditions.some((r) => r.stream === c) ? c : startRendition(l);
  };
  const variants = ladders.find((l) => l.id === 'variants');
  if (variants) {
    const stream = startOf(variants);
    const lanes: Lane[] = [{ ladder: variants, stream, then: [] }];
    const variant = streams[stream];
    const group = variant?.declared?.audioGroup;
    if (variant && group && !variant.tracks.some((t) => t.kind === 'audio')) {
      const audio = ladders.find((l) => l.id === `AUDIO ${group}`);
      if (audio) lanes.push({ ladder: audio, stream: startOf(audio), then: [] });
    }
    return { lanes, notes };
  }
  const periods = [...new Set(ladders.map((l) => l.period).filter((p): p is number => p !== undefined))].sort((a, b) => a - b);
  const first = periods[0];
  const lanes: Lane[] = ladders.filter((l) => l.period === first).map((l) => ({ ladder: l, stream: startOf(l), then: [] }));
  for (const p of periods.slice(1)) {
    const sets = ladders.filter((l) => l.period === p);
    const taken = new Set<Ladder>();
    for (const lane of lanes) {
      const next = sets.find((l) => !taken.has(l) && l.kind === lane.ladder.kind);
      if (!next) {
        notes.push(`Period ${p} has no ${lane.ladder.kind} AdaptationSet to follow ${lane.ladder.label}: that SourceBuffer stops at the end of Period ${p - 1}.`);
        continue;
      }
      taken.add(next);
      lane.then.push(next);
    }
    for (const l of sets) if (!taken.has(l)) notes.push(`${l.label} (${l.kind}) has no SourceBuffer from Period ${first} to continue: it is not played.`);
  }
  return { lanes, notes };
}

/** The rendition of `ladder` whose declared bandwidth is closest to `bandwidth` (a new Period keeps the quality picked in the last). */
export function closestRendition(ladder: Ladder, bandwidth: number | undefined): number {
  const r = ladder.renditions;
  if (bandwidth === undefined) return startRendition(ladder);
  let best = r[0]!;
  for (const x of r) if (Math.abs((x.bandwidth ?? Infinity) - bandwidth) < Math.abs((best.bandwidth ?? Infinity) - bandwidth)) best = x;
  return best.stream;
}

/** Share of the measured throughput the Auto rule is willing to use. */
export const AUTO_SAFETY = 0.8;

/**
 * The Auto rule, asked at each segment boundary: the highest declared bandwidth at or below
 * `throughput × safety` (bits per second); the lowest when none fits or nothing is measured yet.
 * A ladder without declared bandwidths stays on `current`.
 */
export function autoRendition(ladder: Ladder, throughput: number | undefined, current: number, safety = AUTO_SAFETY): number {
  const rated = ladder.renditions.filter((r) => r.bandwidth !== undefined);
  if (!rated.length) return current;
  if (throughput === undefined || !(throughput > 0)) return rated[0]!.stream;
  const budget = throughput * safety;
  let pick = rated[0]!;
  for (const r of rated) if (r.bandwidth! <= budget) pick = r;
  return pick.stream;
}

/**
 * Download throughput from the reads the Player makes: an exponentially weighted average of
 * bits per second per read, weighting each read by its size (a 2 kB read says little about the link).
 */
export class ThroughputMeter {
  private weight = 0;
  private value = 0;

  constructor(private readonly halfLifeBytes = 512 * 1024) {}

  add(bytes: number, ms: number): void {
    if (!(bytes > 0)) return;
    const bps = (bytes * 8) / (Math.max(ms, 1) / 1000);
    // The older estimate loses half its weight for every `halfLifeBytes` read since.
    const keep = 0.5 ** (bytes / this.halfLifeBytes);
    this.value = this.value * keep + bps * (1 - keep);
    this.weight = this.weight * keep + (1 - keep);
  }

  /** Bits per second, once anything was read. */
  get bps(): number | undefined {
    return this.weight > 0 ? this.value / this.weight : undefined;
  }
}

/**
 * Where a switch lands in the new rendition: the segment whose expected span holds `at` (the end of
 * what the old rendition appended), or the first one starting after it. Aligned ladders give the
 * same index as the old rendition; spans unknown: `fallback` (the old rendition's next index).
 */
export function segmentAtTime(spans: readonly (readonly [number, number] | undefined)[], at: number | undefined, fallback: number): number {
  if (at === undefined || !spans.length || spans.some((s) => !s)) return Math.min(fallback, spans.length);
  // A frame's worth of slack: an aligned segment that starts a hair before `at` is the one.
  const slack = 0.02;
  const list = spans as (readonly [number, number])[];
  const holding = list.findIndex(([a, b]) => a <= at + slack && at + slack < b);
  if (holding >= 0) return holding;
  const after = list.findIndex(([a]) => a >= at);
  return after >= 0 ? after : list.length;
}
