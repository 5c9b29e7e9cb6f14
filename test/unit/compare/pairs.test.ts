/**
 * The same source muxed two ways: the playback summary must name exactly the difference made (and
 * nothing volatile); files that differ only in times, names or numbering compare as identical.
 */
import { describe, expect, it } from 'vitest';
import { type CompareResult, type SideInput } from '../../../electron/core/compare';
import { compareFiles } from '../../../electron/core/compare/files';
import { FRAG, FRAG_MOOF, gop, remux, shiftedTimeline, source } from './fixtures';

const VOLATILE_FIELDS = /^(creation_time|modification_time|compressorname|name)$/;

async function compare(a: string | SideInput, b: string | SideInput, includeVolatile = false): Promise<CompareResult> {
  const side = (x: string | SideInput) => (typeof x === 'string' ? { file: x } : x);
  return (await compareFiles(side(a), side(b), { includeVolatile })).result;
}

/** Ids of the summary topics that differ. */
function topics(r: CompareResult): string[] {
  return [...new Set(r.summary.filter((s) => !s.same).map((s) => s.id))].sort();
}

function entry(r: CompareResult, id: string, track?: string) {
  const e = r.summary.find((s) => s.id === id && (track === undefined || s.track === track));
  if (!e) throw new Error(`no summary topic ${id}${track ? ` (${track})` : ''}`);
  return e;
}

function expectNothingVolatile(r: CompareResult): void {
  for (const d of r.differences) {
    expect(d.ignored).toBeUndefined();
    expect(d.field ?? '').not.toMatch(VOLATILE_FIELDS);
    expect(d.path).not.toMatch(/©too|free|skip/);
  }
}

describe('compare: one muxer setting changed', () => {
  it('frag_keyframe+empty_moov vs +default_base_moof: tfhd flags (and the iso5 brand ffmpeg writes with it)', async () => {
    const r = await compare(await remux(['-movflags', FRAG]), await remux(['-movflags', FRAG_MOOF]));
    // ffmpeg marks default_base_moof output with the iso5 major brand: that is part of the change.
    expect(topics(r)).toEqual(['ftyp', 'tfhd-base']);
    const tfhd = entry(r, 'tfhd-base');
    expect(tfhd.a).toMatch(/base-data-offset/);
    expect(tfhd.b).toBe('default-base-is-moof');
    expect(tfhd.rule).toBe('tfhd-base-data-offset');
    // Brands alone touch no lint rule (browsers ignore them; only a missing ftyp does).
    expect(entry(r, 'ftyp').rule).toBeUndefined();
    // Every traf's tfhd flags, folded into one line per track; the moved offsets are not reported.
    const flags = r.reported.filter((d) => d.field === 'flags');
    expect(flags.map((d) => d.path).sort()).toEqual(['moof[*]/traf[0]/tfhd', 'moof[*]/traf[1]/tfhd']);
    expect(flags[0]!.a).toEqual({ boxes: 4, value: '0x000039' });
    expect(flags[0]!.b).toEqual({ boxes: 4, value: '0x020038' });
    expect(r.differences.some((d) => d.field === 'base_data_offset' || d.field === 'data_offset')).toBe(false);
    expect(r.ignored.position).toBeGreaterThanOrEqual(8);
    expectNothingVolatile(r);
    expect(r.identical).toBe(false);
  });

  it('-g 30 vs -g 60: the GOP and, with frag_keyframe, the fragment durations', async () => {
    const r = await compare(await gop(30), await gop(60));
    expect(topics(r)).toEqual(['fragment-durations', 'gop']);
    const g = entry(r, 'gop', 'video');
    expect(g.a).toBe('every 30 samples (1.000 s)');
    expect(g.b).toBe('every 60 samples (2.000 s)');
    expect(g.rule).toBe('segment-starts-non-sync');
    expect(entry(r, 'fragment-durations', 'video').a).toMatch(/^4 fragments/);
    expect(entry(r, 'fragment-durations', 'video').b).toMatch(/^2 fragments/);
    // Fragments are matched by decode time: moof[0] and moof[2] of a have counterparts, 1 and 3 do not.
    const removed = r.differences.filter((d) => d.kind === 'removed' && !d.field).map((d) => d.path);
    expect(removed).toEqual(expect.arrayContaining(['moof[1]', 'moof[3]', 'mdat[1]', 'mdat[3]']));
    const moof2 = r.differences.find((d) => d.path === 'moof[2]/traf[0]/trun[0]' && d.field === 'sample_count');
    expect(moof2).toMatchObject({ pathB: 'moof[1]/traf[0]/trun[0]', a: 30, b: 60 });
    // Renumbered fragments are not a difference.
    expect(r.differences.some((d) => d.field === 'sequence_number')).toBe(false);
    expectNothingVolatile(r);
  });

  it('avc1 vs avc3 with in-band parameter sets: sample entry, codec string, in-band SPS/PPS', async () => {
    const avc1 = await remux(['-movflags', FRAG_MOOF]);
    const avc3 = await remux(['-bsf:v', 'h264_mp4toannexb', '-tag:v', 'avc3', '-movflags', FRAG_MOOF]);
    const r = await compare(avc1, avc3);
    expect(topics(r)).toEqual(['codec', 'inband-parameter-sets', 'sample-entry']);
    expect(entry(r, 'sample-entry', 'video')).toMatchObject({ a: 'avc1', b: 'avc3', rule: 'parameter-sets-missing' });
    expect(entry(r, 'codec', 'video').a).toMatch(/^avc1\.[0-9a-f]{6}$/);
    expect(entry(r, 'codec', 'video').b).toMatch(/^avc3\.[0-9a-f]{6}$/);
    expect(entry(r, 'inband-parameter-sets', 'video')).toMatchObject({ a: 'none in the first sample', b: 'SPS, PPS in the first sample' });
    // One sample entry whose type changed (matched by position), its avcC still compared (and equal).
    const type = r.differences.find((d) => d.field === 'type')!;
    expect(type).toMatchObject({ path: 'moov/trak[0]/mdia/minf/stbl/stsd/avc1', pathB: 'moov/trak[0]/mdia/minf/stbl/stsd/avc3', a: 'avc1', b: 'avc3' });
    expect(r.differences.some((d) => d.path.endsWith('/avcC'))).toBe(false);
    // Keyframes grew by the SPS and PPS: the first entry of each run's sizes, not thousands of lines.
    const sizes = r.differences.find((d) => d.path === 'moof[0]/traf[0]/trun[0]' && d.field === 'sample_size')!;
    expect(sizes.a).toMatchObject({ length: 30, differing: 1 });
    expectNothingVolatile(r);
  });

  it('with and without an edit list', async () => {
    const r = await compare(await remux(['-use_editlist', '1']), await remux(['-use_editlist', '0']));
    expect(topics(r)).toEqual(['edit-list']);
    const audio = entry(r, 'edit-list', 'audio');
    expect(audio.a).toMatch(/^1 entry: media time 1024 \(0\.021 s\)/);
    expect(audio.b).toBe('none');
    expect(audio.rule).toBe('edit-list-complex');
    expect(r.differences).toContainEqual(expect.objectContaining({ path: 'moov/trak[1]/edts', kind: 'removed' }));
    expectNothingVolatile(r);
  });

  it('-movflags cmaf: the cmfc brand, version-1 truns (and ffmpeg no longer stretches the first frame)', async () => {
    const r = await compare(await remux(['-movflags', FRAG_MOOF]), await remux(['-movflags', 'cmaf']));
    expect(topics(r)).toEqual(['fragment-durations', 'ftyp', 'trun-version']);
    expect(entry(r, 'ftyp').b).toMatch(/cmfc/);
    expect(entry(r, 'trun-version')).toMatchObject({ a: 'version 0', b: 'version 1', rule: 'negative-cts-without-trun-v1' });
    expectNothingVolatile(r);
  });

  it('+faststart: only where the moov sits; every chunk offset moved but none is reported', async () => {
    const r = await compare(await source(), await remux(['-movflags', '+faststart']));
    expect(topics(r)).toEqual(['moov-position']);
    expect(r.differences).toEqual([expect.objectContaining({ path: 'moov', field: 'position', a: 'after mdat', b: 'before mdat' })]);
    expect(r.ignored.position).toBe(2);
    const all = await compare(await source(), await remux(['-movflags', '+faststart']), true);
    expect(all.differences.filter((d) => d.field === 'chunk_offsets')).toHaveLength(2);
  });

  it('+global_sidx: the sidx boxes, nothing else', async () => {
    const r = await compare(await remux(['-movflags', FRAG_MOOF]), await remux(['-movflags', `${FRAG_MOOF}+global_sidx`]));
    expect(topics(r)).toEqual(['sidx']);
    expect(entry(r, 'sidx')).toMatchObject({ a: 'none', b: '2 sidx boxes', rule: 'sidx-mismatch' });
    expect(r.differences.map((d) => `${d.path} ${d.kind}`)).toEqual(['sidx[0] added', 'sidx[1] added']);
  });

  it('sidx referenced sizes that follow bigger moofs are not reported when both indexes are exact', async () => {
    const r = await compare(await remux(['-movflags', `${FRAG_MOOF}+global_sidx`]), await remux(['-movflags', 'cmaf+global_sidx']));
    expect(r.differences.some((d) => d.field?.endsWith('.referenced_size'))).toBe(false);
    expect(r.ignored.examples.length).toBeGreaterThan(0);
    // What does differ in the index is reported: cmaf no longer stretches the first video frame.
    expect(r.differences).toContainEqual(expect.objectContaining({ path: 'sidx[0]', field: 'references[0].subsegment_duration' }));
  });

  it('a broken file (ffmpeg 5.1 global_sidx with absolute base data offsets) is explained', async () => {
    // ffmpeg inserts the sidx after writing absolute tfhd base offsets, which then point 176 bytes short.
    const broken = await remux(['-movflags', `${FRAG}+global_sidx`]);
    const good = await remux(['-movflags', `${FRAG_MOOF}+global_sidx`]);
    const r = await compare(broken, good);
    expect(topics(r)).toEqual(expect.arrayContaining(['sample-data', 'inband-parameter-sets', 'tfhd-base']));
    expect(entry(r, 'sample-data').a).toMatch(/^\d+ of \d+ samples lie outside the mdat$/);
    expect(entry(r, 'sample-data').rule).toBe('trun-data-out-of-bounds');
    expect(entry(r, 'inband-parameter-sets', 'video').a).toMatch(/^malformed first sample/);
    // The layouts differ, so the offsets are reported rather than explained away.
    expect(r.differences.some((d) => d.field === 'base_data_offset')).toBe(true);
  });

  it('CENC encryption (ffmpeg -encryption_scheme cenc-aes-ctr): the encryption topics of both tracks', async () => {
    const key = ['-encryption_scheme', 'cenc-aes-ctr', '-encryption_key', '00112233445566778899aabbccddeeff', '-encryption_kid', '00112233445566778899aabbccddeeff'];
    const clear = await remux(['-movflags', FRAG_MOOF]);
    const encrypted = await remux([...key, '-movflags', FRAG_MOOF]);
    const r = await compare(clear, encrypted);
    expect(topics(r)).toEqual(['codec', 'encryption', 'sample-entry', 'tenc']);
    expect(entry(r, 'encryption', 'video')).toMatchObject({ a: 'clear', b: 'cenc', rule: 'encryption-scheme-unsupported' });
    expect(entry(r, 'codec', 'audio')).toMatchObject({ a: 'mp4a.40.2', b: 'mp4a.40.2 (encrypted as enca)' });
    expect(entry(r, 'tenc', 'video').b).toBe('KID 00112233445566778899aabbccddeeff, IV size 8');
    // With encryption on both sides, saio offsets that moved with a smaller ftyp are not reported.
    const moved = await compare(await remux([...key, '-movflags', FRAG]), encrypted);
    expect(topics(moved)).toEqual(['ftyp', 'tfhd-base']);
    expect(moved.differences.some((d) => d.path.includes('saio'))).toBe(false);
    expect(moved.ignored.examples.length).toBeGreaterThan(0);
    const all = await compare(await remux([...key, '-movflags', FRAG]), encrypted, true);
    expect(all.differences).toContainEqual(expect.objectContaining({ path: 'moov/trak[0]/mdia/minf/stbl/saio[0]', field: 'offset', ignored: 'position' }));
  });

  it('tracks matched by handler when the track ids are swapped', async () => {
    const r = await compare(await source(), await remux(['-map', '-0', '-map', '0:a', '-map', '0:v']));
    expect(topics(r)).toEqual(['track-id']);
    expect(entry(r, 'track-id', 'video')).toMatchObject({ a: '1', b: '2' });
    expect(r.differences).toContainEqual(expect.objectContaining({ path: 'moov/trak[0]/tkhd', field: 'track_id', a: 1, b: 2, pathB: 'moov/trak[1]/tkhd' }));
  });
});

describe('compare: no difference that matters', () => {
  it('a file compared with itself', async () => {
    for (const file of [await source(), await remux(['-movflags', FRAG_MOOF])]) {
      const r = await compare(file, file);
      expect(r.identical).toBe(true);
      expect(r.differences).toEqual([]);
      expect(r.summary.every((s) => s.same)).toBe(true);
      expect(r.rows.every((row) => row.status === 'same')).toBe(true);
    }
  });

  it('a re-mux that changes only times and names', async () => {
    const a = await remux(['-metadata', 'creation_time=2020-01-02T03:04:05Z', '-movflags', FRAG_MOOF]);
    const b = await remux(['-metadata', 'creation_time=2024-05-06T07:08:09Z', '-metadata:s:v', 'handler_name=Our video', '-movflags', FRAG_MOOF]);
    const r = await compare(a, b);
    expect(r.identical).toBe(true);
    expect(r.differences).toEqual([]);
    expect(r.ignored.volatile).toBeGreaterThanOrEqual(7);
    // The switch shows them.
    const all = await compare(a, b, true);
    expect(all.identical).toBe(false);
    const fields = all.differences.map((d) => `${d.path} ${d.field}`);
    expect(fields).toEqual(expect.arrayContaining(['moov/mvhd creation_time', 'moov/trak[0]/tkhd creation_time', 'moov/trak[0]/mdia/mdhd creation_time', 'moov/trak[0]/mdia/hdlr name']));
    // Everything listed with the switch is marked as normally ignored: times and names, and the
    // tfra moof offsets that moved by the 3 bytes the shorter handler name saved.
    expect(all.differences.every((d) => d.ignored === 'volatile' || (d.ignored === 'position' && d.path.startsWith('mfra/tfra')))).toBe(true);
  });

  it('fragment sequence numbers shifted by a constant', async () => {
    const r = await compare(await remux(['-movflags', FRAG_MOOF]), await remux(['-movflags', FRAG_MOOF, '-fragment_index', '100']));
    expect(r.identical).toBe(true);
    const all = await compare(await remux(['-movflags', FRAG_MOOF]), await remux(['-movflags', FRAG_MOOF, '-fragment_index', '100']), true);
    expect(all.differences.filter((d) => d.field === 'sequence_number').map((d) => [d.a, d.b])).toEqual([
      [1, 100],
      [2, 101],
      [3, 102],
      [4, 103],
    ]);
  });

  it('the encoder tag alone (bitexact output has none) is volatile', async () => {
    const r = await compare(await remux(['-movflags', FRAG_MOOF]), await remux(['-movflags', FRAG_MOOF, '-fflags', '+bitexact']));
    expect(r.differences).toEqual([]);
    expect(r.ignored.examples).toContainEqual({ path: 'moov/udta/meta/ilst/©too', reason: 'volatile' });
  });
});

describe('compare: timeline', () => {
  it('a constant shift of every tfdt: fragments still matched one to one, one folded difference per track', async () => {
    const base = await remux(['-movflags', FRAG_MOOF]);
    const r = await compare(base, await shiftedTimeline(base, 10));
    expect(topics(r)).toEqual(['start']);
    expect(entry(r, 'start', 'video')).toMatchObject({ a: '0.000 s', b: '10.000 s' });
    expect(r.differences.filter((d) => d.kind !== 'changed')).toEqual([]);
    const tfdt = r.reported.find((d) => d.path === 'moof[*]/traf[0]/tfdt')!;
    expect(tfdt.field).toBe('baseMediaDecodeTime');
    expect(tfdt.b).toMatchObject({ boxes: 4, delta: 10 * 15360 });
  });
});
