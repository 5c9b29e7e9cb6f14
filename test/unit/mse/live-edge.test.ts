/**
 * The Player's live-edge bookkeeping (renderer/lib/mse/live.ts) on real plans and reloads of the
 * live fixture (test/fixtures/live-hls.ts), with time passed in by the test: where playback starts,
 * which reloaded segments are new and how they are numbered, when a window counts as stalled, and
 * how the lint's later analysis joins what the Player has. Then the driver, `followLive`, with real
 * timers against the fixture server (waiting for its hooks, never for a duration).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMse, reloadLive } from '../../../electron/core/mse/analyze';
import { RULES } from '../../../electron/core/mse/catalogue';
import type { Finding, LiveReload, MediaSegment, MseAnalysis } from '../../../electron/core/mse/types';
import { drawnSegments, followLive, LIVE_DRAWN, LiveEdge, stalledNotice } from '../../../renderer/lib/mse/live';
import { startFixtureServer, type FixtureServer } from '../../fixtures/http-server';
import { liveFixture, liveRoutes } from '../../fixtures/live-hls';

let server: FixtureServer;
let n = 0;
/** Each prefix is its own live stream with its own clock (the fixture keys it by request path). */
const fresh = (rel: string) => server.url(rel, { rangeRequests: 2_000_000 + n++ });

beforeAll(async () => {
  const fx = await liveFixture();
  server = await startFixtureServer(fx.dir, { dynamic: liveRoutes(fx) });
}, 180_000);
afterAll(async () => {
  await server?.close();
});

/** Reload until the window has something after `after` (it moves every second). */
async function nextReload(url: string, after: number): Promise<LiveReload> {
  for (;;) {
    const r = await reloadLive(url, after);
    if (r.segments.length) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('LiveEdge', () => {
  it('starts 3 target durations before the edge, numbers new segments after the plan’s, and ignores ones it has', async () => {
    const url = fresh('live/index.m3u8');
    const plan = await analyzeMse([url], { lint: false });
    const edge = new LiveEdge(plan, 0);
    expect(edge.live).toBe(true);
    expect(edge.streams).toEqual([0]);
    // Window 10–13 (10 s to 14 s): the edge is 14 s, start at 11 s.
    expect(edge.startTime(plan)).toBeCloseTo(11, 3);
    expect(edge.after(0)).toBe(13);
    expect(edge.delay(0)).toBe(1000);
    const r = await nextReload(url, 13);
    const u = edge.update(0, r, 1000);
    expect(u.added.map((s) => [s.index, s.mediaSequence])).toEqual(r.segments.map((s, i) => [4 + i, 14 + i]));
    expect(u).toMatchObject({ stalled: null, resumed: false, ended: false });
    expect(edge.after(0)).toBe(13 + r.segments.length);
    // The same answer again: nothing new, nothing moved; the next reload comes after half a target duration.
    const again = edge.update(0, r, 1200);
    expect(again.added).toEqual([]);
    expect(edge.delay(0)).toBe(500);
    // A VOD plan is not followed.
    const vod = { ...plan, streams: plan.streams.map((s) => ({ ...s, live: undefined })) } as MseAnalysis;
    expect(new LiveEdge(vod, 0).live).toBe(false);
  });

  it('a window that has not moved for 1.5 × the target duration is stalled, once, with the catalogue’s rule and fix; moving again resumes', async () => {
    const url = fresh('live/stall-1.m3u8');
    const plan = await analyzeMse([url], { lint: false });
    const edge = new LiveEdge(plan, 10_000);
    const same = await reloadLive(url, edge.after(0));
    expect(same.segments).toEqual([]);
    expect(edge.update(0, same, 11_000).stalled).toBeNull();
    const stalled = edge.update(0, same, 11_600).stalled as Finding;
    expect(stalled).toMatchObject({ rule: 'live-window-stalled', severity: RULES['live-window-stalled'].severity, stream: 0, url, fix: RULES['live-window-stalled'].fix });
    expect(stalled.message).toContain('the live playlist stall-1.m3u8 did not advance: reloaded 1.6 s later');
    expect(stalledNotice(stalled)).toContain(`Fix: ${RULES['live-window-stalled'].fix}`);
    expect(edge.stalled).toBe(stalled);
    // A failed reload is "nothing moved" too, and the stall is not said twice.
    expect(edge.update(0, null, 12_000).stalled).toBeNull();
    const moved: LiveReload = { live: { ...same.live, mediaSequence: same.live.mediaSequence + 1, last: 'seg_014.m4s' }, segments: [] };
    expect(edge.update(0, moved, 12_500)).toMatchObject({ resumed: true, stalled: null });
    expect(edge.stalled).toBeNull();
    expect(edge.update(0, { ...moved, live: { ...moved.live, ended: true } }, 13_000).ended).toBe(true);
  });

  it('adopts the lint’s later analysis: the Player’s segments stay, counts and findings follow media sequences', async () => {
    const url = fresh('live/index.m3u8');
    const plan = await analyzeMse([url], { lint: false });
    const edge = new LiveEdge(plan, 0);
    // The lint reads the playlist later (in the Player, after the first append): its window has moved on.
    await nextReload(url, 13);
    const lint = await analyzeMse([url]);
    const first = lint.streams[0]!.segments[0]!.mediaSequence!;
    expect(first).toBeGreaterThan(10);
    lint.streams[0]!.segments[0]!.warnings = 1;
    lint.findings.push({ rule: 'tfdt-discontinuity', severity: 'warning', message: 'a gap', path: 'moof[0]/traf[0]/tfdt', offset: 0, stream: 0, segment: 0 });
    lint.findings.push({ rule: 'tfdt-discontinuity', severity: 'warning', message: 'later', path: 'moof[0]/traf[0]/tfdt', offset: 0, stream: 0, segment: lint.streams[0]!.segments.length - 1 });
    const shown = edge.adopt(lint, plan);
    expect(shown.streams[0]!.segments.map((s) => s.mediaSequence)).toEqual([10, 11, 12, 13]);
    expect(shown.streams[0]!.segments.find((s) => s.mediaSequence === first)?.warnings).toBe(1);
    const gap = shown.findings.find((f) => f.message === 'a gap')!;
    expect(shown.streams[0]!.segments[gap.segment!]!.mediaSequence).toBe(first);
    // The lint's last segment is newer than anything the Player has: no segment number.
    expect(shown.findings.find((f) => f.message === 'later')!.segment).toBeUndefined();
    expect(shown.linted).toBe(true);
  });

  it('the timeline draws a live stream’s newest segments only', () => {
    const many = Array.from({ length: LIVE_DRAWN + 30 }, (_, i) => ({ index: i }) as MediaSegment);
    expect(drawnSegments(many, true)).toHaveLength(LIVE_DRAWN);
    expect(drawnSegments(many, true)[0]!.index).toBe(30);
    expect(drawnSegments(many, false)).toHaveLength(LIVE_DRAWN + 30);
  });
});

describe('followLive', () => {
  it('reloads through the hook, hands over new segments, and reports a stall', async () => {
    const url = fresh('live/stall-3.m3u8');
    const plan = await analyzeMse([url], { lint: false });
    const edge = new LiveEdge(plan, performance.now());
    const added: number[] = [];
    const asked: number[] = [];
    let resolveStall: (f: Finding) => void = () => {};
    const stall = new Promise<Finding>((resolve) => (resolveStall = resolve));
    const follower = followLive(edge, {
      reload: (playlist, after) => {
        asked.push(after);
        return reloadLive(playlist, after);
      },
      added: (_stream, segs) => added.push(...segs.map((s) => s.mediaSequence!)),
      stalled: (_stream, f) => resolveStall(f),
      resumed: () => {},
      ended: () => {},
      failed: () => {},
    });
    try {
      const f = await stall;
      expect(f.rule).toBe('live-window-stalled');
      // Before it hung, the playlist advanced: those segments were handed over, each once, in order.
      expect(added.length).toBeGreaterThan(0);
      expect(added).toEqual(added.map((_, i) => 14 + i));
      expect(asked[0]).toBe(13);
    } finally {
      follower.stop();
    }
  }, 30_000);

  it('a playlist that cannot be read any more: said once, then stalled', async () => {
    const url = fresh('live/index.m3u8');
    const plan = await analyzeMse([url], { lint: false });
    const edge = new LiveEdge(plan, performance.now());
    const failures: string[] = [];
    let resolveStall: (f: Finding) => void = () => {};
    const stall = new Promise<Finding>((resolve) => (resolveStall = resolve));
    const follower = followLive(edge, {
      reload: () => reloadLive(fresh('live/gone.m3u8'), 0),
      added: () => {},
      stalled: (_stream, f) => resolveStall(f),
      resumed: () => {},
      ended: () => {},
      failed: (_stream, message) => failures.push(message),
    });
    try {
      expect((await stall).rule).toBe('live-window-stalled');
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/gone\.m3u8.*404/);
    } finally {
      follower.stop();
    }
  }, 30_000);
});
