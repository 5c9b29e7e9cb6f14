/**
 * Live HLS playlists (issue 14): the lint reads a live playlist again 1.5 × its target duration
 * later and raises `live-window-stalled` when it did not advance, naming the stream, the playlist
 * and the wait; the plan says what the Player needs to follow the live edge; `mseLiveReload` plans
 * only the segments it has not seen. On the live fixture (test/fixtures/live-hls.ts): 1 s fMP4
 * segments made with ffmpeg, a window of 4 that advances every second, and one that stalls.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMse, reloadLive } from '../../../electron/core/mse/analyze';
import { RULES } from '../../../electron/core/mse/catalogue';
import { liveStartTime, sameWindow } from '../../../electron/core/mse/live';
import type { LiveReload, MseAnalysis } from '../../../electron/core/mse/types';
import { FileRegistry } from '../../../electron/core/files';
import { dispatch, type HandlerContext } from '../../../electron/handlers';
import { startFixtureServer, type FixtureServer } from '../../fixtures/http-server';
import { liveFixture, liveRoutes, type LiveFixture } from '../../fixtures/live-hls';
import { mwb } from '../../fixtures/mwb-cli';

let fx: LiveFixture;
let server: FixtureServer;
/** A fresh clock per test: each fault prefix is its own live stream (the fixture keys its clock by request path). */
let n = 0;
const fresh = (rel: string) => server.url(rel, { rangeRequests: 1_000_000 + n++ });
const notInfo = (a: MseAnalysis) => a.findings.filter((f) => f.severity !== 'info');

beforeAll(async () => {
  fx = await liveFixture();
  server = await startFixtureServer(fx.dir, { dynamic: liveRoutes(fx) });
}, 180_000);
afterAll(async () => {
  await server?.close();
});

describe('the lint on a live playlist', () => {
  it('an advancing sliding window raises nothing: reloaded after 1.5 target durations, it moved on', async () => {
    const url = fresh('live/index.m3u8');
    const a = await analyzeMse([url]);
    expect(notInfo(a)).toEqual([]);
    expect(a.liveChecks).toEqual([{ stream: 0, url, targetDuration: 1, mediaSequence: 10, waited: expect.any(Number), advanced: true, reloadedSequence: expect.any(Number) }]);
    expect(a.liveChecks![0]!.waited).toBeGreaterThanOrEqual(1.5);
    expect(a.liveChecks![0]!.reloadedSequence).toBeGreaterThan(10);
    // The window itself is linted as today: four fMP4 segments with their media sequences.
    const s = a.streams[0]!;
    expect(s.segments.map((x) => [x.mediaSequence, x.range.name])).toEqual([10, 11, 12, 13].map((k) => [k, `seg_0${k}.m4s`]));
    expect(s.segments[0]!.tracks[0]!.start).toBeCloseTo(10, 3);
    expect(s.live).toEqual({ playlist: url, url, targetDuration: 1, mediaSequence: 10, count: 4, last: 'seg_013.m4s', ended: false });
  });

  it('a playlist that stops advancing raises live-window-stalled (warning) naming stream, playlist URL and the wait', async () => {
    const url = fresh('live/stall-1.m3u8');
    const a = await analyzeMse([url]);
    const f = notInfo(a);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'live-window-stalled', severity: 'warning', stream: 0, url, fix: RULES['live-window-stalled'].fix });
    expect(f[0]!.message).toMatch(/stall-1\.m3u8 did not advance: reloaded 1\.\d s later .* same 4 segments from media sequence 10/);
    expect(a.counts).toMatchObject({ error: 0, warning: 1 });
    expect(a.liveChecks![0]).toMatchObject({ advanced: false, reloadedSequence: 10 });
  });

  it('through a master playlist: the finding names the variant stream and its media playlist', async () => {
    const master = fresh('live/master-stall-1.m3u8');
    const a = await analyzeMse([master]);
    expect(notInfo(a).map((f) => [f.rule, f.stream, f.url])).toEqual([['live-window-stalled', 0, new URL('stall-1.m3u8', master).href]]);
    const clean = await analyzeMse([fresh('live/master.m3u8')]);
    expect(notInfo(clean)).toEqual([]);
  });

  it('a local playlist without EXT-X-ENDLIST that nobody rewrites is stalled too; --live-wait bounds (or skips) the reload', async () => {
    // A snapshot of the live window, beside the segments (a local manifest reads only files below its folder).
    const local = path.join(fx.dir, 'live', `local-${process.pid}.m3u8`);
    await writeFile(local, await (await fetch(fresh('live/index.m3u8'))).text());
    try {
      const a = await analyzeMse([local]);
      expect(notInfo(a).map((f) => [f.rule, f.url])).toEqual([['live-window-stalled', local]]);
      const skipped = await analyzeMse([local], { liveWait: 0 });
      expect(notInfo(skipped)).toEqual([]);
      expect(skipped.liveChecks).toEqual([expect.objectContaining({ waited: null, advanced: null, note: 'not reloaded (--live-wait 0)' })]);
      const short = await analyzeMse([local], { liveWait: 1 });
      expect(notInfo(short)).toEqual([]);
      expect(short.liveChecks![0]!.note).toMatch(/1\.5 s .* more than the 1 s --live-wait allows/);
    } finally {
      await rm(local, { force: true });
    }
  });

  it('mwb lint: the text says what the reload found, --json carries the finding, --live-wait is checked', async () => {
    const text = await mwb('lint', fresh('live/stall-1.m3u8'));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/WARN\s+live-window-stalled/);
    expect(text.stdout).toMatch(/live\s+http:\/\/127\.0\.0\.1:\d+\/f\d+\/live\/stall-1\.m3u8 · target duration 1 s · reloaded 1\.\d s later: stalled at media sequence 10/);
    const json = await mwb('lint', fresh('live/index.m3u8'), '--json', '--live-wait', '5');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { findings: { rule: string }[]; live: unknown[] };
    expect(report.findings.filter((f) => f.rule === 'live-window-stalled')).toEqual([]);
    expect(report.live).toEqual([expect.objectContaining({ stream: 0, targetDuration: 1, advanced: true, waited: expect.any(Number) })]);
    const stalled = await mwb('lint', fresh('live/stall-1.m3u8'), '--json');
    expect(JSON.parse(stalled.stdout).findings).toContainEqual(expect.objectContaining({ rule: 'live-window-stalled', stream: 0, url: expect.stringContaining('/live/stall-1.m3u8') }));
    const bad = await mwb('lint', fresh('live/index.m3u8'), '--live-wait', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--live-wait takes a number of seconds ≥ 0, not "soon"');
    const help = await mwb('lint', '--help');
    expect(help.stdout).toContain('--live-wait');
  }, 60_000);
});

describe('following the live edge', () => {
  it('reloadLive plans only the segments after a media sequence, with their media sequences, and nothing when none is new', async () => {
    const url = fresh('live/index.m3u8');
    const first = await analyzeMse([url], { lint: false });
    const last = first.streams[0]!.segments.at(-1)!.mediaSequence!;
    expect(first.linted).toBe(false);
    let r: LiveReload = await reloadLive(url, last);
    // Wait for a condition, not a duration: the window moves every target duration.
    while (!r.segments.length) r = await reloadLive(url, last);
    expect(r.segments[0]!.mediaSequence).toBe(last + 1);
    expect(r.segments.every((s, i) => s.mediaSequence === last + 1 + i && s.range.name === `seg_0${last + 1 + i}.m4s`)).toBe(true);
    expect(r.segments[0]!.tracks[0]!.start).toBeCloseTo(last + 1, 3);
    expect(r.live).toMatchObject({ playlist: url, targetDuration: 1, ended: false });
    expect(r.live.mediaSequence + r.live.count - 1).toBe(r.segments.at(-1)!.mediaSequence);
    const none = await reloadLive(fresh('live/stall-1.m3u8'), 13);
    expect(none.segments).toEqual([]);
    expect(none.live).toMatchObject({ mediaSequence: 10, count: 4, last: 'seg_013.m4s' });
    expect(sameWindow(none.live, { mediaSequence: 10, count: 4, last: 'seg_013.m4s' })).toBe(true);
  });

  it('mseLiveReload answers for the playlist id a plan gave, and refuses unknown ids and files that are not playlists', async () => {
    const ctx: HandlerContext = { mode: 'web', files: new FileRegistry(), emit: () => {}, electronVersion: null };
    const opened = await ctx.files.open(fresh('live/master.m3u8'));
    const plan = (await dispatch(ctx, 'msePlan', { id: opened.id })) as { ok: true; result: MseAnalysis };
    const live = plan.result.streams[0]!.live!;
    expect(live.playlist).not.toBe(opened.id);
    expect(ctx.files.has(live.playlist)).toBe(true);
    const res = (await dispatch(ctx, 'mseLiveReload', { id: live.playlist, after: -1 })) as { ok: true; result: LiveReload };
    expect(res.ok).toBe(true);
    expect(res.result.segments.length).toBeGreaterThanOrEqual(4);
    for (const s of res.result.segments) expect(ctx.files.has(s.range.fileId)).toBe(true);
    expect(await dispatch(ctx, 'mseLiveReload', { id: 'AAAAAAAAAAAAAAAA', after: 0 })).toMatchObject({ ok: false, error: { code: 'ENOTOPEN' } });
    const segment = plan.result.streams[0]!.segments[0]!.range.fileId;
    expect(await dispatch(ctx, 'mseLiveReload', { id: segment, after: 0 })).toMatchObject({ ok: false, error: { code: 'EUSAGE' } });
    expect(await dispatch(ctx, 'mseLiveReload', { id: live.playlist, after: 'x' })).toMatchObject({ ok: false, error: { code: 'EINVALIDARGS' } });
  });

  it('starts three target durations before the live edge, never before the window', () => {
    expect(liveStartTime([[10, 11], [11, 12], [12, 13], [13, 14]], 1)).toBe(11);
    expect(liveStartTime([[10, 11]], 1)).toBe(10);
    expect(liveStartTime([], 1)).toBeUndefined();
  });
});
