/**
 * The GIF view's first feedback (issue #18): a keyframe trim strip, a quick first estimate, and
 * stale thumbnail requests cancelled by newer ones. Real ffmpeg on a generated clip.
 */
import { describe, expect, it } from 'vitest';
import { FileRegistry } from '../../../electron/core/files';
import { QUICK_SAMPLING, sampleWindows } from '../../../electron/core/gif/estimate';
import { dispatch, type HandlerContext } from '../../../electron/handlers';
import { clip } from '../../fixtures/generate';

function context(): HandlerContext {
  return { mode: 'web', files: new FileRegistry(), emit: () => {}, electronVersion: null };
}

// 6 s, a keyframe every 2 s: the strip's last times fall in the last GOP.
const input = () => clip({ duration: 6, width: 320, height: 180, fps: 30, gop: 60, audio: null });

describe('GIF feedback', () => {
  it('the trim strip gives one keyframe thumbnail per time, the last GOP included', async () => {
    const ctx = context();
    const file = await ctx.files.open(await input());
    const times = Array.from({ length: 12 }, (_, k) => ((k + 0.5) * 6) / 12);
    const r = await dispatch(ctx, 'gifThumbnails', { id: file.id, times, height: 54, purpose: 'strip' });
    expect(r.ok).toBe(true);
    const thumbs = (r as { result: { time: number; jpegBase64: string; height: number }[] }).result;
    expect(thumbs.map((t) => t.time)).toEqual(times);
    for (const t of thumbs) {
      expect(t.height).toBe(54);
      expect(Buffer.from(t.jpegBase64, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    }
    // Exact frames are still what the ends ask for: a frame inside a GOP differs from its keyframe.
    const exact = await dispatch(ctx, 'gifThumbnails', { id: file.id, times: [5.5], height: 54, purpose: 'ends' });
    const key = await dispatch(ctx, 'gifThumbnails', { id: file.id, times: [5.5], height: 54, purpose: 'strip' });
    expect((exact as { result: { jpegBase64: string }[] }).result[0]!.jpegBase64).not.toBe((key as { result: { jpegBase64: string }[] }).result[0]!.jpegBase64);
  });

  it('a newer thumbnail request for the same file and purpose cancels the older one', async () => {
    const ctx = context();
    const file = await ctx.files.open(await input());
    const times = Array.from({ length: 16 }, (_, k) => k * 0.35);
    const older = dispatch(ctx, 'gifThumbnails', { id: file.id, times, height: 96, purpose: 'ends' });
    const newer = dispatch(ctx, 'gifThumbnails', { id: file.id, times: [1, 2], height: 96, purpose: 'ends' });
    const [a, b] = await Promise.all([older, newer]);
    expect(a).toMatchObject({ ok: false, error: { code: 'ECANCELLED' } });
    expect(b.ok).toBe(true);
  });

  it('a quick estimate samples two short windows; the full one four', async () => {
    expect(sampleWindows(0, 10, 15, QUICK_SAMPLING).map((w) => w.frames)).toEqual([8, 8]);
    expect(sampleWindows(0, 10, 15)).toHaveLength(4);
    const ctx = context();
    const file = await ctx.files.open(await input());
    const quick = await dispatch(ctx, 'gifEstimate', { id: file.id, options: {}, quick: true });
    const full = await dispatch(ctx, 'gifEstimate', { id: file.id, options: {} });
    const q = (quick as { result: { estimate: { bytes: number; sampledSeconds: number } } }).result.estimate;
    const f = (full as { result: { estimate: { bytes: number; sampledSeconds: number } } }).result.estimate;
    expect(q.sampledSeconds).toBeLessThan(f.sampledSeconds);
    // (Windows hold whole frames: at 15 fps, half a second rounds to 8 frames.)
    expect(q.sampledSeconds).toBeLessThanOrEqual(2 * (QUICK_SAMPLING.maxSeconds + 1 / 15) + 1e-9);
    // Same clip, same settings: the quick answer is in the same range as the full one.
    expect(q.bytes / f.bytes).toBeGreaterThan(0.5);
    expect(q.bytes / f.bytes).toBeLessThan(2);
  });
});
