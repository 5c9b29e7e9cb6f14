/**
 * The Player's rendition choice (renderer/lib/mse/switcher.ts) over real plans of the ladder
 * generated with ffmpeg: which sources load, picks kept across reloads, the Auto rule at a segment
 * boundary, and a DASH SourceBuffer handed to the next Period. The engine is a stand-in recording
 * what the switcher asks of it (the real one runs in Chromium: test/e2e/abr.test.ts).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { ThroughputMeter } from '../../../electron/core/mse/renditions';
import type { MseAnalysis } from '../../../electron/core/mse/types';
import type { MsePlayer, StreamSource } from '../../../renderer/lib/mse/player';
import { sourcesOf } from '../../../renderer/lib/mse/sources';
import { RenditionSwitcher, type Choice } from '../../../renderer/lib/mse/switcher';
import { ladderFixture } from '../../fixtures/ladder';

let hls: MseAnalysis;
let dash: MseAnalysis;
beforeAll(async () => {
  const fx = await ladderFixture();
  hls = await analyzeMse([path.join(fx.dir, fx.hls.master)], { lint: false });
  dash = await analyzeMse([path.join(fx.dir, fx.dash.manifest)], { lint: false });
}, 180_000);

const reader = { read: async () => new ArrayBuffer(0) };

/** What the switcher reads of the engine, and the switches it asks for. */
function engine(sources: StreamSource[]) {
  const asked: { i: number; stream: number | undefined }[] = [];
  const player = {
    streams: sources.map((source) => ({ source, next: 1, pending: null as { source: StreamSource } | null })),
    throughput: new ThroughputMeter(),
    log: () => {},
    switchTo(i: number, source: StreamSource) {
      asked.push({ i, stream: source.stream });
      this.streams[i]!.pending = { source };
    },
  };
  return { player, asked, as: player as unknown as MsePlayer };
}

const variantsOf = (a: MseAnalysis) => a.streams.filter((s) => s.declared?.kind === 'variant').sort((x, y) => x.declared!.bandwidth! - y.declared!.bandwidth!);

describe('RenditionSwitcher', () => {
  it('loads the lowest variant (Auto) and the audio it names; a pick is kept for the next load of the same source', () => {
    const choices = new Map<string, Choice>();
    const sw = new RenditionSwitcher(hls, sourcesOf(hls, reader), choices);
    const [low, , high] = variantsOf(hls);
    const audio = hls.streams.find((s) => s.declared?.kind === 'audio')!;
    expect(sw.initialSources().map((s) => s.stream)).toEqual([low!.index, audio.index]);
    expect(sw.lanes.map((l) => l.auto)).toEqual([true, false]);
    const { as, asked } = engine(sw.initialSources());
    sw.choose(as, 0, high!.index);
    expect(asked).toEqual([{ i: 0, stream: high!.index }]);
    expect(choices.get('variants')).toEqual({ auto: false, stream: high!.index });
    // Reload: starts on the pick, Auto off.
    const again = new RenditionSwitcher(hls, sourcesOf(hls, reader), choices);
    expect(again.initialSources()[0]!.stream).toBe(high!.index);
    expect(again.lanes[0]!.auto).toBe(false);
    // A rendition of another ladder is not a pick for this one.
    sw.choose(as, 0, audio.index);
    expect(asked).toHaveLength(1);
  });

  it('under Auto, asks at a boundary for the highest variant the throughput carries; nothing when it already plays it', () => {
    const sw = new RenditionSwitcher(hls, sourcesOf(hls, reader), new Map());
    const [low, mid, high] = variantsOf(hls);
    const { player, as, asked } = engine(sw.initialSources());
    sw.boundary(as, 0);
    expect(asked).toEqual([]); // nothing measured: stays on the lowest
    // 0.8 × throughput between mid's and high's declared bandwidth.
    const bps = ((mid!.declared!.bandwidth! + high!.declared!.bandwidth!) / 2) / 0.8;
    player.throughput.add((bps / 8) * 2, 2000);
    sw.boundary(as, 0);
    expect(asked).toEqual([{ i: 0, stream: mid!.index }]);
    sw.boundary(as, 0); // already on its way
    expect(asked).toHaveLength(1);
    // Hand-picked: the rule leaves it alone.
    sw.choose(as, 0, low!.index);
    player.throughput.add(1e9, 1);
    sw.boundary(as, 0);
    expect(asked.at(-1)).toEqual({ i: 0, stream: low!.index });
  });

  it('DASH: each SourceBuffer is handed to the same kind in Period 1, on the rendition closest in bandwidth, and its ladder follows', () => {
    const sources = sourcesOf(dash, reader);
    const sw = new RenditionSwitcher(dash, sources, new Map());
    expect(sw.notes).toEqual([]);
    const { player, as } = engine(sw.initialSources());
    const video = sw.periodsOf(as, 0);
    expect(video).toHaveLength(1);
    expect(video[0]!.label).toBe('Period 1');
    expect(video[0]!.start).toBeGreaterThan(3.9);
    expect(video[0]!.segments).toBe(4);
    // Playing Period 0's top video rendition: Period 1 starts on its top one too.
    const p0 = sw.lanes[0]!.ladder;
    const top0 = p0.renditions.at(-1)!.stream;
    player.streams[0]!.source = sources[top0]!;
    const next = video[0]!.choose();
    expect(dash.streams[next.stream!]!.declared).toMatchObject({ period: 1, ladder: 'period 1 · set 0' });
    expect(next.stream).toBe(sw.lanes[0]!.ladder.renditions.at(-1)!.stream);
    expect(sw.lanes[0]!.ladder.id).toBe('period 1 · set 0');
    expect(sw.periodsOf(as, 1)[0]!.choose().stream).toBe(dash.streams.find((s) => s.declared?.ladder === 'period 1 · set 1')!.index);
  });
});
