/**
 * Pieces of the compare engine: value comparison of big arrays, folding of repeated differences,
 * media segments compared with and without their init segments, errors that name the file, and the
 * contract handlers the Compare view uses.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFiles, foldDifferences, type Difference } from '../../../electron/core/compare';
import { diffValues, type ValueDiff } from '../../../electron/core/compare/values';
import { FileRegistry } from '../../../electron/core/files';
import { dispatch, type HandlerContext } from '../../../electron/handlers';
import { FRAG_MOOF, remux, splitSegments } from './fixtures';

describe('values', () => {
  it('compares million-entry typed arrays, reporting the count and only the first differences', () => {
    const a = new Uint32Array(1_000_000).map((_, i) => i * 3);
    const b = a.slice();
    b[10] = 7;
    b[999_999] = 1;
    const out: ValueDiff[] = [];
    const t0 = performance.now();
    diffValues('sample_sizes', a, b, out);
    diffValues('same', a, a.slice(), out);
    const ms = performance.now() - t0;
    expect(out).toEqual([
      {
        field: 'sample_sizes',
        kind: 'changed',
        a: { length: 1_000_000, differing: 2, first: { 10: 30, 999999: 2_999_997 } },
        b: { length: 1_000_000, differing: 2, first: { 10: 7, 999999: 1 } },
      },
    ]);
    // Generous bound (shared CI machines): a linear pass, not an object per entry.
    expect(ms).toBeLessThan(1000);
  });

  it('sees equal numbers in different array kinds as equal, and names nested fields', () => {
    const out: ValueDiff[] = [];
    diffValues('x', Uint32Array.of(1, 2, 3), [1, 2, 3], out);
    diffValues('esd', { descs: [{ tag: 4, maxBitrate: 96000 }] }, { descs: [{ tag: 4, maxBitrate: 128000 }] }, out);
    diffValues('entries', [{ media_time: 0 }], [{ media_time: 0 }, { media_time: 1024 }], out);
    expect(out).toEqual([
      { field: 'esd.descs[0].maxBitrate', kind: 'changed', a: 96000, b: 128000 },
      { field: 'entries[1]', kind: 'added', b: { media_time: 1024 } },
    ]);
  });

  it('describes long byte strings by the first differing byte', () => {
    const a = new Uint8Array(500).fill(1);
    const b = a.slice();
    b[300] = 2;
    const out: ValueDiff[] = [];
    diffValues('data', a, b, out);
    expect(out[0]!.a).toMatchObject({ length: 500, differing: 1, firstAt: 300 });
  });
});

describe('folding', () => {
  const d = (i: number, a: number, b: number): Difference => ({ path: `moof[${i}]/traf[0]/tfdt`, kind: 'changed', field: 'baseMediaDecodeTime', a, b });
  it('folds a difference repeated in three or more fragments, with a common delta', () => {
    const folded = foldDifferences([d(0, 0, 100), d(1, 10, 110), d(2, 20, 120), { path: 'ftyp', kind: 'changed', field: 'major_brand', a: 'iso5', b: 'iso6' }]);
    expect(folded).toEqual([
      {
        path: 'moof[*]/traf[0]/tfdt',
        kind: 'changed',
        field: 'baseMediaDecodeTime',
        a: { boxes: 3, first: { 'moof[0]/traf[0]/tfdt': 0, 'moof[1]/traf[0]/tfdt': 10, 'moof[2]/traf[0]/tfdt': 20 } },
        b: { boxes: 3, first: { 'moof[0]/traf[0]/tfdt': 100, 'moof[1]/traf[0]/tfdt': 110, 'moof[2]/traf[0]/tfdt': 120 }, delta: 100 },
      },
      { path: 'ftyp', kind: 'changed', field: 'major_brand', a: 'iso5', b: 'iso6' },
    ]);
  });
  it('keeps two occurrences as they are', () => {
    expect(foldDifferences([d(0, 0, 1), d(1, 0, 1)]).map((x) => x.path)).toEqual(['moof[0]/traf[0]/tfdt', 'moof[1]/traf[0]/tfdt']);
  });
});

describe('media segments', () => {
  it('compares a media segment in the context of its init segment, and without it', async () => {
    const base = await splitSegments(await remux(['-movflags', FRAG_MOOF]));
    const cmaf = await splitSegments(await remux(['-movflags', 'cmaf']));
    expect(base.segments.length).toBe(4);

    // The same segment of the same file: identical, with or without init.
    const same = (await compareFiles({ file: base.segments[1]!, init: base.init }, { file: base.segments[1]! , init: base.init })).result;
    expect(same.identical).toBe(true);

    const withInit = (await compareFiles({ file: base.segments[1]!, init: base.init }, { file: cmaf.segments[1]!, init: cmaf.init })).result;
    expect(withInit.a.kind).toBe('init-and-media');
    const ids = withInit.summary.filter((s) => !s.same).map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['ftyp', 'trun-version']));
    // The init's boxes carry the init: prefix; the brand difference comes from the init files.
    expect(withInit.differences).toContainEqual(expect.objectContaining({ path: 'init:ftyp', field: 'major_brand', a: 'iso5', b: 'iso6' }));
    // Tracks are named by their handler, thanks to the init.
    expect(withInit.summary.some((s) => s.track === 'video')).toBe(true);

    const bare = (await compareFiles({ file: base.segments[1]! }, { file: cmaf.segments[1]! })).result;
    expect(bare.a.kind).toBe('media');
    expect(bare.summary.filter((s) => !s.same).map((s) => s.id)).toContain('trun-version');
    expect(bare.summary.some((s) => s.track === 'track 1')).toBe(true);
    expect(bare.differences.some((d) => d.path.startsWith('init:'))).toBe(false);
  });

  it('matches the one fragment of two different segments even though their times differ', async () => {
    const base = await splitSegments(await remux(['-movflags', FRAG_MOOF]));
    const r = (await compareFiles({ file: base.segments[1]!, init: base.init }, { file: base.segments[2]!, init: base.init })).result;
    expect(r.differences.some((d) => d.kind !== 'changed')).toBe(false);
    expect(r.differences).toContainEqual(expect.objectContaining({ path: 'moof[0]/traf[0]/tfdt', field: 'baseMediaDecodeTime' }));
  });
});

describe('errors', () => {
  it('names the file that is missing or not an MP4', async () => {
    const good = await remux(['-movflags', FRAG_MOOF]);
    const text = path.join(os.tmpdir(), `mwb-not-mp4-${process.pid}.txt`);
    await writeFile(text, 'hello, this is not a video\n'.repeat(10));
    await expect(compareFiles({ file: good }, { file: text })).rejects.toThrow(`${text} is not an MP4`);
    await expect(compareFiles({ file: '/nonexistent/a.mp4' }, { file: good })).rejects.toThrow('/nonexistent/a.mp4 does not exist');
  });
});

describe('contract handlers', () => {
  it('compareFiles by file ids, then compareFields for the changed rows, then compareClose', async () => {
    const files = new FileRegistry();
    const ctx: HandlerContext = { mode: 'web', files, emit: () => {}, electronVersion: null };
    const a = await files.open(await remux(['-movflags', 'frag_keyframe+empty_moov']));
    const b = await files.open(await remux(['-movflags', FRAG_MOOF]));
    const res = await dispatch(ctx, 'compareFiles', { a: a.id, b: b.id });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const view = res.result as import('../../../electron/api').CompareView;
    expect(view.session).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(view.summary.filter((s) => !s.same).map((s) => s.id).sort()).toEqual(['ftyp', 'tfhd-base']);
    const changed = view.rows.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 'changed');
    expect(changed.map(({ r }) => r.a!.type)).toEqual(['ftyp', ...new Array(8).fill('tfhd')]);
    // Parents know that something below them differs (for collapsed trees).
    const moof0 = view.rows.findIndex((r) => r.a?.type === 'moof');
    expect(view.rows[moof0]!.inner).toBe(2);

    const tfhdRow = changed[1]!.i;
    const fields = await dispatch(ctx, 'compareFields', { session: view.session, row: tfhdRow });
    expect(fields.ok).toBe(true);
    if (!fields.ok) return;
    const list = (fields.result as import('../../../electron/core/compare').FieldComparison).fields;
    // The standard's names, from the box vocabulary: the Inspector's detail pane names the same bits
    // the same way (Compare used to say `default-flags` where the Inspector said
    // `default-sample-flags-present`).
    expect(list.find((f) => f.name === 'flags')).toMatchObject({
      status: 'changed',
      a: '0x000039 (base-data-offset-present, default-sample-duration-present, default-sample-size-present, default-sample-flags-present)',
      b: '0x020038 (default-sample-duration-present, default-sample-size-present, default-sample-flags-present, default-base-is-moof)',
    });
    expect(list.find((f) => f.name === 'base_data_offset')).toMatchObject({ status: 'removed', ignored: 'position' });
    expect(list.find((f) => f.name === 'track_id')).toMatchObject({ status: 'same', a: '1', b: '1' });

    expect(await dispatch(ctx, 'compareFields', { session: view.session, row: 1e6 })).toMatchObject({ ok: false });
    expect(await dispatch(ctx, 'compareClose', { session: view.session })).toEqual({ ok: true, result: { closed: true } });
    const gone = await dispatch(ctx, 'compareFields', { session: view.session, row: 0 });
    expect(gone).toMatchObject({ ok: false, error: { code: 'ENOCOMPARISON' } });
    expect(await dispatch(ctx, 'compareFiles', { a: a.id, b: 'not-an-opened-id' })).toMatchObject({ ok: false, error: { code: 'ENOTOPEN' } });
  });
});
