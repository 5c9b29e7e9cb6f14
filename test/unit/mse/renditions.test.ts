/**
 * Ladders and the Auto rule (electron/core/mse/renditions.ts) on playback plans of the ladder
 * generated with ffmpeg (test/fixtures/ladder.ts): an fMP4 HLS master with three video-only
 * variants naming an EXT-X-MEDIA audio group, and a two-Period DASH MPD.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { autoRendition, closestRendition, laddersOf, playSet, segmentAtTime, startRendition, ThroughputMeter, type Ladder } from '../../../electron/core/mse/renditions';
import type { MseAnalysis } from '../../../electron/core/mse/types';
import { ladderFixture, type LadderFixture } from '../../fixtures/ladder';

let fx: LadderFixture;
let hls: MseAnalysis;
let dash: MseAnalysis;
beforeAll(async () => {
  fx = await ladderFixture();
  hls = await analyzeMse([path.join(fx.dir, fx.hls.master)], { lint: false });
  dash = await analyzeMse([path.join(fx.dir, fx.dash.manifest)], { lint: false });
}, 180_000);

describe('laddersOf and playSet', () => {
  it('HLS master: the plan carries what the manifest declares per stream', () => {
    const variants = hls.streams.filter((s) => s.declared?.kind === 'variant');
    expect(variants).toHaveLength(3);
    for (const v of variants) {
      expect(v.declared).toMatchObject({ ladder: 'variants', audioGroup: 'aac', codecs: expect.stringMatching(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/) });
      expect(v.declared!.bandwidth).toBeGreaterThan(100_000);
    }
    expect(variants.map((v) => v.declared!.resolution)).toEqual([
      { width: 320, height: 180 },
      { width: 256, height: 144 },
      { width: 192, height: 108 },
    ]);
    const audio = hls.streams.find((s) => s.declared?.kind === 'audio')!;
    expect(audio.declared).toMatchObject({ ladder: 'AUDIO aac', name: 'en', default: true });
    // Per-segment durations stay with the lint: the plan carries only what the Player picks by.
    expect(audio.declared).not.toHaveProperty('durations');
  });

  it('HLS master: two ladders (variants by bandwidth, the audio group); one variant plus the audio it names play', () => {
    const ladders = laddersOf(hls.streams);
    expect(ladders.map((l) => [l.id, l.kind, l.renditions.length])).toEqual([
      ['AUDIO aac', 'audio', 1],
      ['variants', 'video', 3],
    ]);
    const variants = ladders.find((l) => l.id === 'variants')!;
    const bw = variants.renditions.map((r) => r.bandwidth!);
    expect([...bw].sort((a, b) => a - b)).toEqual(bw);
    expect(variants.renditions[0]!.label).toMatch(/^192x108 · \d+ kb\/s$/);
    expect(variants.renditions.map((r) => r.short)).toEqual(['108p', '144p', '180p']);
    const set = playSet(hls.streams);
    expect(set.notes).toEqual([]);
    // Starts on the lowest variant; the variant is video-only, so its AUDIO group plays beside it.
    expect(set.lanes.map((l) => [l.ladder.id, l.stream])).toEqual([
      ['variants', variants.renditions[0]!.stream],
      ['AUDIO aac', ladders[0]!.renditions[0]!.stream],
    ]);
    // A chosen variant overrides the start.
    const top = variants.renditions[2]!.stream;
    expect(playSet(hls.streams, new Map([['variants', top]])).lanes[0]!.stream).toBe(top);
    // A choice that is not in the ladder is ignored.
    expect(playSet(hls.streams, new Map([['variants', 99]])).lanes[0]!.stream).toBe(variants.renditions[0]!.stream);
  });

  it('DASH with two Periods: one ladder per AdaptationSet per Period; each SourceBuffer goes on with the same kind in Period 1', () => {
    const ladders = laddersOf(dash.streams);
    expect(ladders.map((l) => [l.id, l.kind, l.period, l.renditions.length])).toEqual([
      ['period 0 · set 0', 'video', 0, 3],
      ['period 0 · set 1', 'audio', 0, 1],
      ['period 1 · set 0', 'video', 1, 3],
      ['period 1 · set 1', 'audio', 1, 1],
    ]);
    expect(ladders[0]!.label).toBe('Period 0 · AdaptationSet 0');
    // Period 1 starts where Period 0 ends (about 4 s).
    expect(ladders[0]!.start).toBe(0);
    expect(ladders[2]!.start).toBeGreaterThan(3.9);
    expect(ladders[2]!.start).toBeLessThan(4.2);
    const set = playSet(dash.streams);
    expect(set.lanes.map((l) => [l.ladder.id, l.then.map((t) => t.id)])).toEqual([
      ['period 0 · set 0', ['period 1 · set 0']],
      ['period 0 · set 1', ['period 1 · set 1']],
    ]);
    expect(set.notes).toEqual([]);
    // A Period without a matching media kind is said, not played.
    const noAudio = dash.streams.filter((s) => !(s.declared?.period === 1 && s.tracks.some((t) => t.kind === 'audio')));
    expect(playSet(noAudio).notes.join(' ')).toMatch(/Period 1 has no audio AdaptationSet/);
  });

  it('a new Period starts on the rendition closest in bandwidth to the one playing', () => {
    const [, , p1] = laddersOf(dash.streams);
    const [low, mid, high] = p1!.renditions;
    expect(closestRendition(p1!, mid!.bandwidth! + 1)).toBe(mid!.stream);
    expect(closestRendition(p1!, 1e9)).toBe(high!.stream);
    expect(closestRendition(p1!, undefined)).toBe(low!.stream);
  });

  it('a single file or a media playlist given alone: every stream is its own ladder and plays, as before', () => {
    const alone = { ...hls, streams: hls.streams.map(({ declared: _, ...s }) => s) };
    const set = playSet(alone.streams);
    expect(set.lanes.map((l) => l.stream)).toEqual(alone.streams.map((s) => s.index));
    expect(set.lanes.every((l) => l.ladder.renditions.length === 1)).toBe(true);
  });

  it('I-frame playlists are never played', () => {
    const withIframes = hls.streams.map((s) => (s.declared?.kind === 'variant' && s.index === hls.streams.length - 1 ? { ...s, declared: { ...s.declared, kind: 'iframe' as const, ladder: undefined } } : s));
    const ladders = laddersOf(withIframes);
    expect(ladders.flatMap((l) => l.renditions.map((r) => r.stream))).not.toContain(hls.streams.length - 1);
  });
});

describe('the Auto rule', () => {
  const ladder: Ladder = {
    id: 'variants',
    label: 'Variants',
    kind: 'video',
    renditions: [
      { stream: 3, label: 'low', short: 'low', bandwidth: 200_000 },
      { stream: 2, label: 'mid', short: 'mid', bandwidth: 400_000 },
      { stream: 1, label: 'high', short: 'high', bandwidth: 800_000 },
    ],
  };

  it('picks the highest declared bandwidth under 0.8 × the throughput, the lowest when nothing fits or nothing is measured', () => {
    expect(autoRendition(ladder, undefined, 1)).toBe(3);
    expect(autoRendition(ladder, 100_000, 1)).toBe(3);
    expect(autoRendition(ladder, 499_999, 3)).toBe(3);
    expect(autoRendition(ladder, 500_000, 3)).toBe(2);
    expect(autoRendition(ladder, 1_000_000, 3)).toBe(1);
    expect(autoRendition(ladder, 50e6, 3)).toBe(1);
  });

  it('renditions of one height are told apart by bandwidth on the timeline', async () => {
    const same = laddersOf(hls.streams.map((s) => (s.declared?.resolution ? { ...s, declared: { ...s.declared, resolution: { width: 320, height: 180 } } } : s)));
    const shorts = same.find((l) => l.id === 'variants')!.renditions.map((r) => r.short);
    expect(shorts).toHaveLength(3);
    for (const x of shorts) expect(x).toMatch(/^180p \d+k$/);
  });

  it('a ladder without declared bandwidths stays where it is', () => {
    expect(autoRendition({ ...ladder, renditions: ladder.renditions.map(({ bandwidth: _, ...r }) => r) }, 1e9, 2)).toBe(2);
    expect(startRendition({ ...ladder, renditions: [{ stream: 5, label: 'a', short: 'a' }, { stream: 6, label: 'b', short: 'b', default: true }] })).toBe(6);
  });

  it('the throughput meter weights reads by size', () => {
    const m = new ThroughputMeter();
    expect(m.bps).toBeUndefined();
    m.add(1_000_000, 1000); // 8 Mb/s
    expect(m.bps).toBeCloseTo(8e6, -3);
    m.add(1_000, 1); // a tiny read at 8 Mb/s changes little in either direction
    m.add(1_000, 1000);
    expect(m.bps! / 8e6).toBeGreaterThan(0.95);
    for (let i = 0; i < 20; i++) m.add(1_000_000, 4000); // the link slows to 2 Mb/s
    expect(m.bps! / 2e6).toBeCloseTo(1, 1);
  });
});

describe('segmentAtTime', () => {
  const aligned: [number, number][] = [
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 4],
  ];
  it('aligned ladders keep the index', () => {
    expect(segmentAtTime(aligned, 2, 2)).toBe(2);
    expect(segmentAtTime(aligned, 1.999, 2)).toBe(2);
    expect(segmentAtTime(aligned, 4, 4)).toBe(4);
  });
  it('ladders whose indices differ switch by time', () => {
    const long: [number, number][] = [
      [0, 1.5],
      [1.5, 3],
      [3, 4],
    ];
    expect(segmentAtTime(long, 2, 2)).toBe(1);
    expect(segmentAtTime(long, 3, 3)).toBe(2);
  });
  it('without spans, the next index', () => {
    expect(segmentAtTime([undefined, undefined, undefined], 1, 2)).toBe(2);
  });
});
