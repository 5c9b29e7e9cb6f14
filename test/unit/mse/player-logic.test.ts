import { describe, expect, it } from 'vitest';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { diagnose, type DiagnoseInput } from '../../../renderer/lib/mse/diagnose';
import { cutPoints } from '../../../renderer/lib/mse/fragment';
import type { Placed } from '../../../renderer/lib/mse/player';
import { formatSpans, gapsBetween, holes, overlaps, union, type Span } from '../../../renderer/lib/mse/ranges';
import { expectedSpan } from '../../../renderer/lib/mse/sources';
import { brokenFixture, cleanFmp4 } from '../../fixtures/mse-broken';

describe('time ranges', () => {
  it('formats, merges and subtracts', () => {
    expect(formatSpans([[0, 6.006]])).toBe('0.000-6.006');
    expect(formatSpans([[0, 2.021], [3.521, 5.521]])).toBe('0.000-2.021, 3.521-5.521');
    expect(formatSpans([])).toBe('empty');
    expect(union([[2, 3], [0, 1], [1.01, 2.5]], 0.02)).toEqual([[0, 3]]);
    expect(holes([[0, 4]], [[0, 2], [3.5, 4]], 0.1)).toEqual([[2, 3.5]]);
    expect(holes([[0, 4]], [[0, 3.95]], 0.1)).toEqual([]);
    expect(gapsBetween([[0, 1], [1, 2], [3.5, 4]], 0.1)).toEqual([[2, 3.5]]);
    // A short span that starts with a longer one (the tail of a Period and the next one's first segment) is no gap.
    expect(gapsBetween([[3, 4], [4, 5], [4, 4.021], [5, 6]], 0.1)).toEqual([]);
    expect(overlaps([[0, 1.2], [1, 2]], 0.05)).toEqual([[1, 1.2]]);
  });
});

describe('on-the-fly cut points', () => {
  it('starts every segment on a sync sample, about every second', () => {
    // 30 fps, keyframes every 15 frames: cuts at 1 s boundaries that fall on keyframes (frames 30, 60…).
    const samples = Array.from({ length: 100 }, (_, i) => ({ dts: i * 512, timescale: 15360, is_sync: i % 15 === 0 }));
    const cuts = cutPoints(samples, 1);
    expect(cuts).toEqual([[0, 29], [30, 59], [60, 89], [90, 99]]);
    for (const [a] of cuts) expect(samples[a]!.is_sync).toBe(true);
    // All-sync audio: plain 1 s pieces.
    const audio = Array.from({ length: 100 }, (_, i) => ({ dts: i * 1024, timescale: 48000, is_sync: true }));
    expect(cutPoints(audio, 1).map(([a, b]) => b - a + 1)).toEqual([47, 47, 6]);
  });
});

/** What the Player would have recorded had every segment landed where the plan says. */
function placedFrom(a: Awaited<ReturnType<typeof analyzeMse>>): Placed[][] {
  return a.streams.map((s) =>
    s.segments.flatMap((seg) => {
      const span = expectedSpan(seg);
      return span ? [{ stream: s.index, segment: seg.index, span, size: seg.range.size, bufferedEnd: span[1] }] : [];
    }),
  );
}

function input(a: Awaited<ReturnType<typeof analyzeMse>>, over: Partial<DiagnoseInput>): DiagnoseInput {
  const placed = placedFrom(a);
  const all = placed.flat().map((p) => p.span);
  return {
    analysis: a,
    fragmentedOnTheFly: false,
    failures: [],
    mediaError: null,
    placed,
    supported: a.streams.map(() => true),
    buffered: union(all, 0.05) as Span[],
    complete: true,
    stalledAt: null,
    ...over,
  };
}

describe('diagnosis', () => {
  it('says all is well for a clean file that buffered as planned', async () => {
    const a = await analyzeMse([await cleanFmp4()]);
    const lines = diagnose(input(a, {}));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.severity).toBe('ok');
    expect(lines[0]!.text).toMatch(/All 4 segments appended and buffered where expected \(0\.000-4\.021\)/);
  });

  it("maps Chromium's append error to the lint finding of that segment, with the fix", async () => {
    const a = await analyzeMse([(await brokenFixture('tfhd-base-data-offset')).file]);
    const lines = diagnose(
      input(a, {
        failures: [{ stream: 0, segment: 0, kind: 'error', message: 'PipelineStatus::CHUNK_DEMUXER_ERROR_APPEND_FAILED: Failure parsing MP4: TFHD base-data-offset not allowed by MSE.' }],
        placed: [[]],
        buffered: [],
        complete: false,
      }),
    );
    expect(lines[0]).toMatchObject({ severity: 'error', rule: 'tfhd-base-data-offset', segment: 0 });
    expect(lines[0]!.text).toMatch(/refused segment 0 .* \[tfhd-base-data-offset\]\. Fix: add \+default_base_moof/);
  });

  it('tells init-trex-missing from a missing mvex although Chromium words both the same way', async () => {
    const a = await analyzeMse([(await brokenFixture('init-trex-missing')).file]);
    const lines = diagnose(input(a, { failures: [{ stream: 0, segment: 0, kind: 'error', message: 'Failure parsing MP4: Detected unfragmented MP4. Media Source Extensions require ISO BMFF moov to contain mvex' }], complete: false }));
    expect(lines[0]!.rule).toBe('init-trex-missing');
  });

  it('finds the silent tfdt gap by comparing the plan with buffered', async () => {
    const a = await analyzeMse([(await brokenFixture('tfdt-discontinuity')).file]);
    const lines = diagnose(input(a, { buffered: [[0, 2.021], [3.521, 5.521]], stalledAt: 2.0 }));
    expect(lines[0]).toMatchObject({ severity: 'error', rule: 'tfdt-discontinuity', segment: 2 });
    expect(lines[0]!.text).toMatch(/browser reported nothing, but 2\.0\d\d–3\.52\d s \(playback is stuck at 2\.000 s\) is missing from buffered \(segment 2\)/);
  });

  it('finds buffering that stops early (trun data outside the mdat)', async () => {
    const a = await analyzeMse([(await brokenFixture('trun-data-out-of-bounds')).file]);
    const lines = diagnose(input(a, { buffered: [[0, 1.021]] }));
    expect(lines[0]).toMatchObject({ rule: 'trun-data-out-of-bounds', segment: 1 });
  });

  it('names segment-starts-non-sync even when the browser played everything', async () => {
    const a = await analyzeMse([(await brokenFixture('segment-starts-non-sync')).file]);
    const lines = diagnose(input(a, {}));
    const line = lines.find((l) => l.rule === 'segment-starts-non-sync')!;
    expect(line.severity).toBe('error');
    expect(line.text).toMatch(/^The browser took every segment, but 6 findings of segment-starts-non-sync \(segments 1, 2, 3 and 3 more\)/);
    expect(line.text).toMatch(/Fix: cut segments at keyframes/);
  });

  it('decode errors carry a timestamp: the segment holding it is blamed', async () => {
    const a = await analyzeMse([(await brokenFixture('parameter-sets-missing')).file]);
    const lines = diagnose(input(a, { mediaError: { code: 3, message: 'PipelineStatus::PIPELINE_ERROR_DECODE: Failed to send video packet for decoding: {timestamp=0 duration=54687 size=7533 is_key_frame=1 encrypted=0}' } }));
    expect(lines[0]).toMatchObject({ rule: 'parameter-sets-missing' });
    expect(lines[0]!.text).toMatch(/^Playback failed at 0\.000 s \(segment 0\)/);
  });

  it('progressive files: not-fragmented until played on the fly', async () => {
    const a = await analyzeMse([(await brokenFixture('not-fragmented')).file]);
    expect(diagnose(input(a, { placed: [[]], complete: false }))[0]!.rule).toBe('not-fragmented');
    const onTheFly = diagnose(input(a, { fragmentedOnTheFly: true, placed: [[{ stream: 0, segment: 0, span: [0, 4], size: 1, bufferedEnd: 4 }]], buffered: [[0, 4]] }));
    expect(onTheFly.map((l) => l.severity)).toEqual(['ok']);
  });

  it('an unsupported type is said first, whatever the boxes', async () => {
    const a = await analyzeMse([await cleanFmp4()]);
    const lines = diagnose(input(a, { supported: [false], placed: [[]], complete: false }));
    expect(lines[0]!.text).toMatch(/does not support video\/mp4; codecs="avc1\.42c00d,mp4a\.40\.2"/);
  });
});
