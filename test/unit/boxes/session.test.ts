import { describe, expect, it } from 'vitest';
import { FileRegistry } from '../../../electron/core/files';
import { dispatch, type HandlerContext } from '../../../electron/handlers';
import type { ResultOf } from '../../../electron/api';
import { fmp4 } from '../../fixtures/generate';

function context(): HandlerContext {
  return { mode: 'web', files: new FileRegistry(), emit: () => {}, electronVersion: null };
}

async function call<M extends Parameters<typeof dispatch>[1] & string>(ctx: HandlerContext, method: M, args: unknown): Promise<any> {
  const env = await dispatch(ctx, method, args);
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
  return env.result;
}

describe('inspector methods (contract → handlers → session)', () => {
  it('opens a file, pages the tree, filters, and details a box with byte ranges', async () => {
    const ctx = context();
    const file = await ctx.files.open(await fmp4({ duration: 3, fps: 30, gop: 30 }));
    const summary = (await call(ctx, 'inspectOpen', { id: file.id })) as ResultOf<'inspectOpen'>;
    expect(summary.format).toBe('isobmff');
    expect(summary.fragmented).toBe(true);
    expect(summary.errors).toEqual([]);
    expect(summary.rows).toBeUndefined();
    // Tracks come separately, after the first rows (issue #18).
    const tracks = (await call(ctx, 'inspectTracks', { id: file.id })) as ResultOf<'inspectTracks'>;
    expect(tracks.map((t) => t.kind)).toEqual(['video', 'audio']);
    expect(tracks.find((t) => t.kind === 'video')!.sampleCount).toBe(90);

    const top = (await call(ctx, 'inspectRows', { id: file.id, start: 0, count: 100 })) as ResultOf<'inspectRows'>;
    expect(top.total).toBe(summary.topLevelCount);
    // inspectOpen can bring the first page of rows along: the same page inspectRows gives.
    const withRows = (await call(ctx, 'inspectOpen', { id: file.id, rows: 100 })) as ResultOf<'inspectOpen'>;
    expect(withRows.rows).toEqual(top);
    // ffmpeg ends fragmented files with an mfra index.
    expect(top.rows.map((r) => r.type)).toEqual(['ftyp', 'moov', 'moof', 'mdat', 'moof', 'mdat', 'moof', 'mdat', 'mfra']);
    expect(top.rows[2]).toMatchObject({ name: 'Movie Fragment', depth: 0, path: 'moof[0]' });
    const moov = top.rows[1]!;
    const open = (await call(ctx, 'inspectRows', { id: file.id, expanded: [moov.node], start: 0, count: 100 })) as ResultOf<'inspectRows'>;
    expect(open.total).toBe(top.total + moov.childCount);
    expect(open.rows[2]).toMatchObject({ type: 'mvhd', depth: 1, summary: 'timescale 1000' });

    const tfdts = (await call(ctx, 'inspectRows', { id: file.id, filter: 'tfdt', start: 0, count: 100 })) as ResultOf<'inspectRows'>;
    expect(tfdts.total).toBe(6);
    expect(tfdts.rows.every((r) => r.type === 'tfdt' && r.name === 'Track Fragment Decode Time')).toBe(true);
    const prefix = (await call(ctx, 'inspectRows', { id: file.id, filter: 'tf*', start: 0, count: 100 })) as ResultOf<'inspectRows'>;
    expect(new Set(prefix.rows.map((r) => r.type))).toEqual(new Set(['tfhd', 'tfdt', 'tfra']));

    const target = tfdts.rows[2]!;
    const detail = (await call(ctx, 'inspectBox', { id: file.id, node: target.node })) as ResultOf<'inspectBox'>;
    const value = detail.fields.find((f) => f.name === 'baseMediaDecodeTime')!;
    expect(typeof value.value).toBe('number');
    expect(detail.ranges.find((r) => r.name === 'baseMediaDecodeTime')).toMatchObject({ start: target.offset + 12, kind: 'field' });
    expect(detail.ranges.find((r) => r.name === 'type')).toMatchObject({ start: target.offset + 4, end: target.offset + 8, kind: 'header' });

    const located = (await call(ctx, 'inspectLocate', { id: file.id, node: target.node })) as ResultOf<'inspectLocate'>;
    expect(located.ancestors).toHaveLength(2);
    const revealed = (await call(ctx, 'inspectRows', { id: file.id, expanded: located.ancestors, start: located.position, count: 1 })) as ResultOf<'inspectRows'>;
    expect(revealed.rows[0]!.node).toBe(target.node);

    const json = (await call(ctx, 'inspectBoxJson', { id: file.id, node: moov.node })) as ResultOf<'inspectBoxJson'>;
    expect(json.type).toBe('moov');
    expect(json.children!.length).toBe(moov.childCount);
    const tree = (await call(ctx, 'inspectTreeJson', { id: file.id })) as ResultOf<'inspectTreeJson'>;
    expect(tree.boxes).toHaveLength(summary.topLevelCount);
  });

  it('pages samples and summarizes them for the chart', async () => {
    const ctx = context();
    const file = await ctx.files.open(await fmp4({ duration: 3, fps: 30, gop: 30 }));
    await call(ctx, 'inspectOpen', { id: file.id });
    const page = (await call(ctx, 'inspectSamples', { id: file.id, trackId: 1, start: 28, count: 4 })) as ResultOf<'inspectSamples'>;
    expect(page.total).toBe(90);
    expect(page.rows.map((r) => [r.index, r.isSync, r.fragment])).toEqual([
      [28, false, 0],
      [29, false, 0],
      [30, true, 1],
      [31, false, 1],
    ]);
    const chart = (await call(ctx, 'inspectSampleChart', { id: file.id, trackId: 1, buckets: 400 })) as ResultOf<'inspectSampleChart'>;
    expect(chart.bucketed).toBe(false);
    expect(chart.points).toHaveLength(90);
    expect(chart.keyframes.map((k) => k.index)).toEqual([0, 30, 60]);
    expect(chart.duration).toBeCloseTo(3, 1);
    const small = (await call(ctx, 'inspectSampleChart', { id: file.id, trackId: 1, buckets: 16 })) as ResultOf<'inspectSampleChart'>;
    expect(small.bucketed).toBe(true);
    expect(small.points.reduce((s, p) => s + p.samples, 0)).toBe(90);
    expect(small.maxSize).toBe(Math.max(...small.points.map((p) => p.max)));
    const missing = await dispatch(ctx, 'inspectSamples', { id: file.id, trackId: 7, start: 0, count: 10 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'ENOTFOUND' } });
    expect(!missing.ok && missing.error.message).toContain('has no track 7 (its tracks: 1, 2)');
  });

  it('rejects unknown ids and bad arguments', async () => {
    const ctx = context();
    expect(await dispatch(ctx, 'inspectOpen', { id: 'abcdefghijkl' })).toMatchObject({ ok: false, error: { code: 'ENOTOPEN' } });
    expect(await dispatch(ctx, 'inspectRows', { id: 'abcdefghijkl', start: -1, count: 1 })).toMatchObject({ ok: false, error: { code: 'EINVALIDARGS' } });
  });
});
