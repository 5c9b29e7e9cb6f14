import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MseAnalysis } from '../../../electron/core/mse/types';
import { FileRegistry } from '../../../electron/core/files';
import { dispatch, type HandlerContext } from '../../../electron/handlers';
import { cleanFmp4, segmentedSet } from '../../fixtures/mse-broken';

function context(): HandlerContext {
  return { mode: 'web', files: new FileRegistry(), emit: () => {}, electronVersion: null };
}

describe('mseAnalyze', () => {
  it('analyses an opened file by id and plans byte ranges of that id', async () => {
    const ctx = context();
    const file = await ctx.files.open(await cleanFmp4());
    const res = await dispatch(ctx, 'mseAnalyze', { id: file.id });
    expect(res.ok).toBe(true);
    const a = (res as { result: MseAnalysis }).result;
    expect(a.streams[0]!.segments.every((s) => s.range.fileId === file.id)).toBe(true);
    expect(a.streams[0]!.init?.fileId).toBe(file.id);
  });

  it("makes a manifest's segment files readable by id without listing them in the workspace", async () => {
    const ctx = context();
    const { manifest } = await segmentedSet('hls');
    const m = await ctx.files.open(manifest);
    const res = await dispatch(ctx, 'mseAnalyze', { id: m.id });
    const a = (res as { result: MseAnalysis }).result;
    const ids = [a.streams[0]!.init!.fileId, ...a.streams[0]!.segments.map((s) => s.range.fileId)];
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(ctx.files.has(id)).toBe(true);
    expect(ctx.files.list().map((f) => f.id)).toEqual([m.id]);
    // Opening one of them on purpose lists it, with the same id.
    const seg = await ctx.files.open(path.join(path.dirname(manifest), 'seg_001.m4s'));
    expect(ids).toContain(seg.id);
    expect(ctx.files.list()).toHaveLength(2);
  });

  it('takes segment ids after an init id, and rejects unknown ids and bad arguments', async () => {
    const ctx = context();
    const { dir } = await segmentedSet('hls');
    const init = await ctx.files.open(path.join(dir, 'init.mp4'));
    const segs = [];
    for (const f of ['seg_000.m4s', 'seg_001.m4s']) segs.push((await ctx.files.open(path.join(dir, f))).id);
    const res = await dispatch(ctx, 'mseAnalyze', { id: init.id, segments: segs });
    expect((res as { result: MseAnalysis }).result.streams[0]!.segments.map((s) => s.range.fileId)).toEqual(segs);
    const unknown = await dispatch(ctx, 'mseAnalyze', { id: 'AAAAAAAAAAAAAAAA' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'ENOTOPEN' } });
    const bad = await dispatch(ctx, 'mseAnalyze', { id: init.id, extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'EINVALIDARGS' } });
  });
});
