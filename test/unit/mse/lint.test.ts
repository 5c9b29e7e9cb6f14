import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeMse, lintReport } from '../../../electron/core/mse/analyze';
import { RULE_IDS, type Finding, type MseAnalysis } from '../../../electron/core/mse/types';
import { CORPUS_DIR, corpusAvailable } from '../../fixtures/generate';
import { BROKEN_RULES, brokenFixture, cleanFmp4, segmentedSet } from '../../fixtures/mse-broken';

const problems = (a: MseAnalysis) => a.findings.filter((f) => f.severity !== 'info');
const describeFinding = (f: Finding) => `${f.severity} ${f.rule} seg=${f.segment} ${f.path}: ${f.message}`;

describe('MSE lint on a clean ffmpeg fMP4', () => {
  it('finds nothing wrong and describes tracks, codecs and segments', async () => {
    const a = await analyzeMse([await cleanFmp4()]);
    expect(problems(a).map(describeFinding)).toEqual([]);
    expect(a.fragmented).toBe(true);
    expect(a.tracks.map((t) => [t.id, t.kind, t.codec])).toEqual([
      [1, 'video', 'avc1.42c00d'],
      [2, 'audio', 'mp4a.40.2'],
    ]);
    expect(a.mime).toBe('video/mp4; codecs="avc1.42c00d,mp4a.40.2"');
    const [stream] = a.streams;
    expect(stream!.init).toMatchObject({ offset: 0 });
    expect(stream!.initBoxes.map((b) => b.type)).toEqual(['ftyp', 'moov']);
    // 4 s with a keyframe every second: four segments, contiguous in bytes and in time.
    expect(stream!.segments).toHaveLength(4);
    let end = stream!.init!.offset + stream!.init!.size;
    for (const seg of stream!.segments) {
      expect(seg.range.offset).toBe(end);
      end = seg.range.offset + seg.range.size;
      expect(seg.boxes[0]!.type).toBe('moof');
      const video = seg.tracks.find((t) => t.id === 1)!;
      expect(video.sampleCount).toBe(30);
      expect(video.firstSampleSync).toBe(true);
      // ffmpeg stretches the first frame (840 instead of 512 ticks of 1/15360 s) to line up with AAC priming.
      expect(video.start).toBeCloseTo(seg.index === 0 ? 0 : 15688 / 15360 + (seg.index - 1), 6);
    }
    const last = stream!.segments.at(-1)!.tracks.find((t) => t.id === 1)!;
    expect(last.end).toBeCloseTo(4 + 328 / 15360, 6);
    // The codec strings are reported as info findings too.
    expect(a.findings.filter((f) => f.rule === 'codec-string')).toHaveLength(2);
    expect(lintReport(a).tracks).toEqual([
      { id: 1, codec: 'avc1.42c00d', mime: 'video/mp4; codecs="avc1.42c00d"' },
      { id: 2, codec: 'mp4a.40.2', mime: 'audio/mp4; codecs="mp4a.40.2"' },
    ]);
  });

  it('reads ffmpeg HLS (fMP4) and DASH folders through their manifests without complaint', async () => {
    const hls = await segmentedSet('hls');
    const a = await analyzeMse([hls.manifest]);
    expect(problems(a).map(describeFinding)).toEqual([]);
    expect(a.input.kind).toBe('hls');
    expect(a.streams).toHaveLength(1);
    expect(a.streams[0]!.init?.name).toBe('init.mp4');
    expect(a.streams[0]!.segments.map((s) => s.range.name)).toEqual(['seg_000.m4s', 'seg_001.m4s', 'seg_002.m4s', 'seg_003.m4s']);

    const dash = await segmentedSet('dash');
    const d = await analyzeMse([dash.manifest]);
    expect(problems(d).map(describeFinding)).toEqual([]);
    expect(d.streams.map((s) => [s.tracks[0]?.kind, s.init?.name])).toEqual([
      ['video', 'init-0.m4s'],
      ['audio', 'init-1.m4s'],
    ]);
    expect(d.streams[0]!.segments).toHaveLength(4);
    // ffmpeg writes a fifth, short audio chunk past the nominal duration; template numbers run while files exist.
    expect(d.streams[1]!.segments.length).toBeGreaterThanOrEqual(4);
  });

  it('takes an init segment plus media segments in order, like the manifest', async () => {
    const hls = await segmentedSet('hls');
    const files = ['init.mp4', 'seg_000.m4s', 'seg_001.m4s', 'seg_002.m4s', 'seg_003.m4s'].map((f) => path.join(hls.dir, f));
    const a = await analyzeMse(files);
    expect(a.input.kind).toBe('segments');
    expect(problems(a).map(describeFinding)).toEqual([]);
    expect(a.streams[0]!.segments.map((s) => s.tracks.find((t) => t.id === 1)!.baseMediaDecodeTime)).toEqual([0, 15360, 30720, 46080]);

    // Out of order: the decode times jump back and forth.
    const shuffled = await analyzeMse([files[0]!, files[1]!, files[3]!, files[2]!, files[4]!]);
    expect(problems(shuffled).some((f) => f.rule === 'tfdt-discontinuity' && f.severity === 'error')).toBe(true);
  });
});

describe('MSE lint on broken fixtures: each reports its rule and no other problem', () => {
  for (const rule of BROKEN_RULES) {
    it(rule, async () => {
      const fixture = await brokenFixture(rule);
      const a = await analyzeMse([fixture.file]);
      const found = problems(a);
      expect(found.some((f) => f.rule === rule), `${rule} not reported (${fixture.about}); got ${found.map(describeFinding).join('; ')}`).toBe(true);
      expect(found.filter((f) => f.rule !== rule).map(describeFinding)).toEqual([]);
      for (const f of found) {
        expect(RULE_IDS).toContain(f.rule);
        expect(f.message.length).toBeGreaterThan(20);
        expect(f.offset).toBeGreaterThanOrEqual(0);
        if (f.rule !== 'box-size-invalid' && f.rule !== 'box-truncated') expect(f.fix).toBeTruthy();
      }
    });
  }

  it('puts findings on the right segment, track, box and offset', async () => {
    const at = async (rule: string) => problems(await analyzeMse([(await brokenFixture(rule)).file])).filter((f) => f.rule === rule);

    const gap = await at('tfdt-discontinuity');
    expect(gap.map((f) => [f.segment, f.track, f.path, f.severity])).toEqual([
      [2, 1, 'moof[2]/traf[0]/tfdt', 'error'],
      [2, 2, 'moof[2]/traf[1]/tfdt', 'error'],
    ]);
    expect(gap[0]!.message).toMatch(/gap of 1500\.0 ms/);

    const nonSync = await at('segment-starts-non-sync');
    // 0.5 s fragments and a 2 s GOP: only every fourth fragment starts on a keyframe.
    expect(nonSync.map((f) => f.segment)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(nonSync.every((f) => f.track === 1 && /^moof\[\d\]\/traf\[0\]\/trun\[0\]$/.test(f.path))).toBe(true);

    const nonIdr = await at('segment-starts-non-idr');
    expect(nonIdr.map((f) => f.segment)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(nonIdr[0]!.message).toMatch(/non-IDR slice \(NAL type 1\)/);

    const oob = await at('trun-data-out-of-bounds');
    expect(oob.map((f) => [f.segment, f.track, f.path])).toEqual([[1, 1, 'moof[1]/traf[0]/trun[0]']]);

    const bdo = await at('tfhd-base-data-offset');
    expect(bdo.map((f) => [f.segment, f.track, f.path])).toEqual([
      [0, 1, 'moof[0]/traf[0]/tfhd'],
      [0, 2, 'moof[0]/traf[1]/tfhd'],
    ]);

    // Without default-base-is-moof, only a later traf reads differently in Chromium: that one is an error.
    const implicit = await at('tfhd-no-default-base-is-moof');
    expect(implicit.map((f) => [f.track, f.severity])).toEqual([
      [2, 'error'],
      [1, 'warning'],
    ]);

    const trex = await at('init-trex-missing');
    expect(trex.map((f) => [f.track, f.path])).toEqual([[1, 'moov/mvex']]);

    const trunc = await at('box-truncated');
    expect(trunc.map((f) => f.path)).toEqual(['mdat[3]']);

    const mdat = await at('moof-without-mdat');
    expect(mdat.map((f) => [f.segment, f.path])).toEqual([[1, 'moof[1]']]);

    const seq = await at('mfhd-sequence');
    expect(seq.map((f) => [f.segment, f.path])).toEqual([[2, 'moof[2]/mfhd']]);

    const sidx = await at('sidx-mismatch');
    expect(sidx.map((f) => [f.segment, f.track, f.path])).toEqual([[1, 1, 'sidx[2]']]);
  });

  it('gives no false alarm for a media segment linted without its init segment', async () => {
    const hls = await segmentedSet('hls');
    // Nothing to check trex defaults or codecs against: the per-fragment rules still run.
    const alone = await analyzeMse([path.join(hls.dir, 'seg_001.m4s')]);
    expect(problems(alone).map(describeFinding)).toEqual([]);
    expect(alone.tracks).toEqual([]);
  });
});

/**
 * Corpus files that are flagged on purpose, and why. Everything else in the corpus must lint clean.
 */
const LEGITIMATELY_FLAGGED: Record<string, { rules: string[]; why: string }> = {
  '2xSencNoMdat.mp4': { rules: ['moof-without-mdat'], why: 'a test sample of two senc boxes with the mdat left out' },
  'moof_enc.m4s': { rules: ['moof-without-mdat'], why: 'an encrypted moof kept without its mdat (and its sidx points at the missing bytes)' },
  'bbb5s_aac.isma': { rules: ['traf-missing-tfdt', 'tfhd-no-default-base-is-moof'], why: 'Smooth Streaming: decode times live in a tfxd uuid box, not tfdt; MSE cannot play it' },
  'bbb_prog_10s.mp4': { rules: ['not-fragmented'], why: 'progressive MP4' },
  'ed_hevc.mp4': { rules: ['not-fragmented'], why: 'progressive MP4' },
  'iamf.mp4': { rules: ['not-fragmented'], why: 'progressive MP4' },
  'init_prog.mp4': { rules: ['not-fragmented'], why: 'a progressive moov (480 samples in stbl, no mvex)' },
  'prog_8s.mp4': { rules: ['not-fragmented'], why: 'progressive MP4' },
  'init_truncated.mp4': { rules: ['box-truncated'], why: 'cut inside the moov on purpose' },
  'vvc_400kbps_2s.mp4': {
    rules: ['edit-list-complex', 'sidx-mismatch'],
    why: 'a 960 ms empty edit before the media, and a sidx whose subsegment_duration (1.04 s) counts from the edit-shifted earliest presentation time while the fragment holds 2 s',
  },
};

describe.skipIf(!corpusAvailable())('MSE lint on the mp4ff corpus', () => {
  const files = corpusAvailable() ? readdirSync(CORPUS_DIR).filter((f) => f !== 'LICENSE').sort() : [];
  for (const name of files) {
    it(name, async () => {
      const a = await analyzeMse([path.join(CORPUS_DIR, name)]);
      const expected = LEGITIMATELY_FLAGGED[name];
      const rules = [...new Set(problems(a).map((f) => f.rule))].sort();
      expect(rules, problems(a).map(describeFinding).join('\n')).toEqual(expected ? [...expected.rules].sort() : []);
    });
  }

  it('lints the init + media segment pairs of the corpus clean', async () => {
    for (const pair of [
      ['aac_init.mp4', 'aac_1.m4s'],
      ['hvc1_init.mp4', 'hvc1_seg_1.m4s'],
      ['av1_multitile_init.mp4', 'av1_multitile_seg.m4s'],
      ['init.mp4', '1.m4s'],
      ['init_cenc_test.m4i', 'seg_cenc_no_seig.m4v'],
    ]) {
      const a = await analyzeMse(pair.map((p) => path.join(CORPUS_DIR, p)));
      expect(problems(a).map(describeFinding), pair.join(' + ')).toEqual([]);
      // The segment's fragments belong to the init segment's track.
      expect(a.streams[0]!.segments[0]!.tracks.map((t) => t.id)).toEqual(a.tracks.map((t) => t.id));
    }
  });
});

