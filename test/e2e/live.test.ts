/**
 * Live HLS in the Player, in Chromium (web mode): a remote live playlist from the fixture server
 * (test/fixtures/live-hls.ts: 1 s fMP4 segments, a window of 4 that advances every second from
 * media sequence 10) is played from near its live edge and followed: new segments are appended as
 * the playlist grows, the playhead runs past the end of the first window and the timeline grows.
 * A playlist that stops advancing gets the live-window-stalled notice and log line.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/http-server';
import { liveFixture, liveRoutes } from '../fixtures/live-hls';
import { loadUrlInPlayer, startApp, type App } from './helpers';

const segmentsBadge = async (app: App) => Number((await app.page.getByRole('tab', { name: /Segments/ }).textContent())?.match(/\d+/)?.[0] ?? 0);

describe('live HLS in the Player (Chromium, web mode)', () => {
  let app: App;
  let fixture: FixtureServer;
  beforeAll(async () => {
    const fx = await liveFixture();
    fixture = await startFixtureServer(fx.dir, { dynamic: liveRoutes(fx) });
    app = await startApp('#/player');
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await fixture?.close();
  });

  it('plays a remote live playlist from near its edge and follows it: segments appended as they appear, the playhead past the first window, the timeline growing', async () => {
    const { page } = app;
    await loadUrlInPlayer(page, fixture.url('live/index.m3u8'));
    await page.getByTestId('player-live').waitFor({ timeout: 30_000 });
    const video = page.getByTestId('player-video');
    // The first window is media sequence 10–13, i.e. 10–14 s: playback starts 3 target durations before its edge, not at 0.
    await page.waitForFunction(() => (document.querySelector('[data-testid="player-video"]') as HTMLVideoElement).currentTime > 0, undefined, { timeout: 30_000 });
    const first = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    expect(first).toBeGreaterThanOrEqual(10.99);
    // (The view shows log lines in batches: wait for it.)
    await expect.poll(() => page.getByTestId('player-log').getByText('starting at 11.000 s, near the live edge').count(), { timeout: 10_000 }).toBe(1);
    const before = await segmentsBadge(app);
    expect(before).toBeGreaterThanOrEqual(4);
    // Past the end of the first window: only segments the reloads brought can be playing now.
    await page.waitForFunction(() => (document.querySelector('[data-testid="player-video"]') as HTMLVideoElement).currentTime > 16, undefined, { timeout: 40_000 });
    expect(await segmentsBadge(app)).toBeGreaterThan(before);
    await expect.poll(() => page.getByTestId('player-log').getByText(/playlist reloaded: \d+ new segments?/).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The timeline starts at the live window, not at 0, and its end moved with the edge.
    const range = (await page.getByTestId('timeline-range').textContent()) ?? '';
    const [from, to] = range.match(/[\d.]+/g)!.map(Number);
    expect(from).toBeGreaterThanOrEqual(10);
    expect(to).toBeGreaterThan(16);
    expect(await page.getByTestId('player-state').textContent()).toMatch(/playing|loading/);
    expect(await page.getByTestId('player-live').textContent()).toMatch(/LIVE · media sequence \d+–\d+ · reload every 1 s/);
    await page.screenshot({ path: process.env.MWB_SHOT_LIVE ?? path.join(app.dataDir, 'live.png'), fullPage: true });
    expect(app.problems.filter((p) => !/favicon/.test(p))).toEqual([]);
  }, 120_000);

  it('through a live master playlist: the variant’s media playlist is reloaded by the id the plan gave it', async () => {
    const { page } = app;
    await loadUrlInPlayer(page, fixture.url('live/master.m3u8'));
    await page.getByTestId('player-live').waitFor({ timeout: 30_000 });
    const before = await segmentsBadge(app);
    await expect.poll(() => segmentsBadge(app), { timeout: 30_000 }).toBeGreaterThan(before);
    const video = page.getByTestId('player-video');
    const t = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.waitForFunction((t0) => (document.querySelector('[data-testid="player-video"]') as HTMLVideoElement).currentTime > t0 + 1, t, { timeout: 30_000 });
    expect(await page.getByTestId('player-live').textContent()).toMatch(/^LIVE · media sequence/);
  }, 120_000);

  it('when EXT-X-ENDLIST appears, what is left is appended and the stream ends', async () => {
    const { page } = app;
    // Two segments before the media runs out: the packager then writes EXT-X-ENDLIST.
    const fx = await liveFixture();
    const ending = await startFixtureServer(fx.dir, { dynamic: liveRoutes(fx, { startAt: fx.names.length - 6 }) });
    try {
      await loadUrlInPlayer(page, ending.url('live/index.m3u8'));
      await page.getByTestId('player-live').filter({ hasText: 'LIVE · ended' }).waitFor({ timeout: 40_000 });
      await expect.poll(() => page.getByTestId('player-log').getByText('every segment appended; endOfStream() called').count(), { timeout: 20_000 }).toBe(1);
      await page.getByTestId('player-state').filter({ hasText: 'ended' }).waitFor({ timeout: 30_000 });
      const end = await page.getByTestId('player-video').evaluate((v: HTMLVideoElement) => v.currentTime);
      expect(end).toBeGreaterThan(fx.names.length - 1);
    } finally {
      await ending.close();
    }
  }, 120_000);

  it('a playlist that stops advancing: the notice says live-window-stalled and the log has the line', async () => {
    const { page } = app;
    // Advances for its first requests (the plan's, the lint's, the first reloads), then hangs.
    await loadUrlInPlayer(page, fixture.url('live/stall-4.m3u8'));
    const notice = page.getByTestId('player-live-stalled');
    await notice.waitFor({ timeout: 40_000 });
    expect(await notice.textContent()).toMatch(/live-window-stalled · the live playlist stall-4\.m3u8 did not advance: reloaded \d+\.\d s later .*Fix: check the packager/);
    await expect.poll(() => page.getByTestId('player-log').getByText(/live-window-stalled: the live playlist stall-4\.m3u8 did not advance/).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('player-live').textContent()).toContain('LIVE · stalled');
    await page.screenshot({ path: process.env.MWB_SHOT_LIVE_STALLED ?? path.join(app.dataDir, 'live-stalled.png'), fullPage: true });
  }, 120_000);
});
