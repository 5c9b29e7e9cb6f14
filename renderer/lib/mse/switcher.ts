/**
 * The Player's rendition choice: which plan streams get a SourceBuffer (one per ladder, from
 * `playSet`), what the user picked per ladder (a rendition, or Auto), and the Auto rule applied at
 * each segment boundary through `MsePlayer.switchTo`. The rules live in core (renditions.ts); this
 * binds them to an engine. Plain TypeScript: the view keeps one per load.
 */
import { autoRendition, closestRendition, laddersOf, playSet, startRendition, type Ladder, type Rendition } from '../../../electron/core/mse/renditions';
import type { MseAnalysis } from '../../../electron/core/mse/types';
import type { MsePlayer, NextPeriod, StreamSource } from './player';

/** A ladder's setting, kept across reloads of the same source. */
export interface Choice {
  auto: boolean;
  /** The rendition picked by hand (or the one Auto was on). */
  stream: number;
}

export interface LaneView {
  /** The ladder playing now (a later DASH Period's once that Period has started). */
  ladder: Ladder;
  auto: boolean;
  /** The rendition asked for last (by hand, or by the Auto rule). */
  wanted: number;
  /** The ladders of later Periods that follow on this SourceBuffer. */
  then: Ladder[];
}

export class RenditionSwitcher {
  readonly lanes: LaneView[];
  /** What the plan holds but the Player does not play (later DASH Periods). */
  readonly notes: string[];

  /**
   * `sources`: one per plan stream (`sourcesOf`); `choices`: what the user set per ladder id, which
   * this updates as the user picks (pass the same map to the next load of the same source).
   */
  constructor(
    plan: MseAnalysis,
    private readonly sources: StreamSource[],
    private readonly choices: Map<string, Choice>,
  ) {
    const fixed = new Map([...choices].map(([id, c]) => [id, c.stream] as const));
    const set = playSet(plan.streams, fixed);
    this.notes = set.notes;
    this.lanes = set.lanes.map((l) => {
      const c = choices.get(l.ladder.id);
      // Auto (the default) starts on the lowest rendition; a hand-picked one starts where it was picked.
      const auto = c?.auto ?? l.ladder.renditions.length > 1;
      const wanted = auto ? startRendition(l.ladder) : l.stream;
      return { ladder: l.ladder, auto, wanted, then: l.then };
    });
    this.counts = plan.streams.map((s) => s.segments.length);
    this.renditions = new Map(laddersOf(plan.streams).flatMap((l) => l.renditions.map((r) => [r.stream, r] as const)));
  }

  private readonly counts: number[];
  /** Every rendition of the plan by stream (the timeline names those of earlier Periods too). */
  readonly renditions: Map<number, Rendition>;

  /**
   * The later Periods of lane `i`, for `MsePlayer.load`: each starts on the rendition closest in
   * declared bandwidth to what the lane plays when it gets there, and its ladder becomes the lane's.
   */
  periodsOf(player: MsePlayer, i: number): NextPeriod[] {
    const lane = this.lanes[i];
    if (!lane) return [];
    return lane.then.map((ladder) => ({
      label: `Period ${ladder.period ?? '?'}`,
      start: ladder.start ?? 0,
      segments: this.counts[ladder.renditions[0]!.stream] ?? 0,
      choose: () => {
        const now = player.streams[i]?.source.stream;
        const bandwidth = lane.ladder.renditions.find((r) => r.stream === now)?.bandwidth;
        const pick = closestRendition(ladder, bandwidth);
        lane.ladder = ladder;
        lane.wanted = pick;
        return this.sources[pick]!;
      },
    }));
  }

  /** The source of plan stream `stream` (every rendition has one, played or not). */
  sourceOf(stream: number): StreamSource | undefined {
    return this.sources[stream];
  }

  /** What to load: one source per lane, in lane order (SourceBuffer i plays lane i). */
  initialSources(): StreamSource[] {
    return this.lanes.map((l) => this.sources[l.wanted]!);
  }

  /** Pick a rendition of lane `i` by hand (`'auto'` hands it back to the rule): it starts at the next segment boundary. */
  choose(player: MsePlayer, i: number, pick: number | 'auto'): void {
    const lane = this.lanes[i];
    if (!lane) return;
    if (pick === 'auto') {
      lane.auto = true;
      this.choices.set(lane.ladder.id, { auto: true, stream: lane.wanted });
      player.log('player', 'rendition', 'info', `${lane.ladder.label}: Auto (the highest declared bandwidth under 0.8 × the measured throughput, decided at each segment boundary)`);
      return;
    }
    if (!lane.ladder.renditions.some((r) => r.stream === pick)) return;
    lane.auto = false;
    lane.wanted = pick;
    this.choices.set(lane.ladder.id, { auto: false, stream: pick });
    player.switchTo(i, this.sources[pick]!);
  }

  /** The engine's boundary hook: under Auto, apply the rule. */
  boundary(player: MsePlayer, i: number): void {
    const lane = this.lanes[i];
    const rt = player.streams[i];
    // (At the end of a Period the next one starts instead: no switch within the old one.)
    if (!lane?.auto || !rt || lane.ladder.renditions.length < 2 || !rt.source.segments[rt.next]) return;
    const current = rt.pending?.source.stream ?? rt.source.stream ?? lane.wanted;
    const pick = autoRendition(lane.ladder, player.throughput.bps, current);
    if (pick === current) return;
    lane.wanted = pick;
    const bps = player.throughput.bps;
    player.log('player', 'auto', 'info', `${lane.ladder.label}: throughput ${bps ? `${Math.round(bps / 1000).toLocaleString('en-US')} kb/s` : 'not measured yet'} → ${this.labelOf(lane, pick)}`, { stream: pick });
    player.switchTo(i, this.sources[pick]!);
  }

  labelOf(lane: LaneView, stream: number): string {
    return lane.ladder.renditions.find((r) => r.stream === stream)?.label ?? `stream ${stream}`;
  }
}
