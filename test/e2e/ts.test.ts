/**
 * MPEG-TS HLS in the Player, in Chromium (web mode): a remote TS media playlist from the fixture
 * server plays, each segment remuxed to fMP4 by ffmpeg on the Node side. Playback advances,
 * `buffered` is one range across every segment (the remuxed segments keep the TS's timestamps, so
 * they line up), there is no MediaError, and the event log says each segment was remuxed and how
 * long it took. Two streams: the ladder's video-only TS rendition, and TS with H.264 B-frames and
 * AAC muxed together (decode ≠ presentation times, ADTS → AudioSpecificConfig).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/http-server';
import { ladderFixture } from '../fixtures/ladder';
import { tsHls } from '../fixtures/ts-hls';
import { loadUrlInPlayer, startApp, waitForText, type App } from './helpers';

const text = async (app: App, id: string) => (await app.page.getByTestId(id).textContent())?.trim() ?? '';

interface Playback {
  currentTime: number;
  buffered: [number, number][];
  error: string | null;
}

const playback = (app: App) =>
  app.page.getByTestId('player-video').evaluate((v: HTMLVideoElement): Playback => ({
    currentTime: v.currentTime,
    buffered: Array.from({ length: v.buffered.length }, (_, i) => [v.buffered.start(i), v.buffered.end(i)] as [number, number]),
    error: v.error ? `${v.error.code} ${v.error.message}` : null,
  }));

async function logLines(app: App, type: string): Promise<string[]> {
  return app.page.getByTestId('player-log').locator(`li[data-type="${type}"]`).allTextContents();
}

describe('MPEG-TS HLS played through ffmpeg remuxing (web mode)', () => {
  let app: App;
  let ladder: FixtureServer;
  let muxed: FixtureServer;
  let ladderDir = '';
  beforeAll(async () => {
    const fx = await ladderFixture();
    ladderDir = fx.dir;
    ladder = await startFixtureServer(fx.dir);
    muxed = await startFixtureServer((await tsHls()).dir);
    app = await startApp('#/player');
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await ladder?.close();
    await muxed?.close();
  });

  it('plays a remote TS variant: time advances, buffered contiguous across its 4 segments, no MediaError, each remux logged', async () => {
    const url = ladder.url('ts/v0/index.m3u8');
    await loadUrlInPlayer(app.page, url); // automatic appends, the default
    await waitForText(app, 'player-state', (t) => t === 'playing');
    // Four 1 s segments, remuxed one by one at the TS's own timestamps (ffmpeg's mpegts muxer starts
    // at 1.4 s), moved to 0 by one timestampOffset: one range, no gap between segments.
    await waitForText(app, 'player-buffered', (t) => /^0\.000-4\.0\d\d$/.test(t));
    expect(await app.page.getByTestId('player-log').locator('li[data-type="timestampOffset"]').first().textContent()).toMatch(/timestampOffset = -1\.4\b/);
    const p1 = await playback(app);
    await app.page.waitForTimeout(800);
    const p2 = await playback(app);
    expect(p2.currentTime).toBeGreaterThan(p1.currentTime);
    expect(p2.buffered).toHaveLength(1);
    expect(p2.buffered[0]![1] - p2.buffered[0]![0]).toBeGreaterThanOrEqual(3.9);
    expect(p2.error).toBeNull();
    expect(await text(app, 'player-state')).not.toBe('error');

    const lines = await logLines(app, 'transmux');
    // The plan remuxed the first segment already: its init segment is served from that, not remuxed again.
    expect(lines[0]).toMatch(/is MPEG-TS, which MSE cannot take: transmuxed to fMP4 by ffmpeg on the fly.*Init segment = ftyp\+moov of seg_000\.ts, kept from the plan's remux, fetched in \d+ ms/);
    for (const k of [0, 1, 2, 3]) expect(lines.some((l) => new RegExp(`segment ${k}: seg_00${k}\\.ts \\([\\d.]+ KiB MPEG-TS\\) remuxed to fMP4 by ffmpeg in \\d+ ms`).test(l)), `segment ${k}`).toBe(true);
    // Each TS segment was fetched by the Node side, once (no cache, no second request).
    const fetched = ladder.log.filter((e) => /\/ts\/v0\/seg_\d+\.ts$/.test(e.path) && e.method === 'GET' && e.bytes > 4096);
    expect(new Set(fetched.map((e) => e.path)).size).toBe(4);

    // The lint tab explains it, and says the Player remuxes.
    await app.page.getByTestId('tab-findings').click();
    const row = app.page.locator('tr', { hasText: 'hls-ts-needs-transmux' });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toMatch(/Player remuxes each segment to fMP4 with ffmpeg/);
    await app.page.screenshot({ path: process.env.MWB_SHOT_TS ?? path.join(app.dataDir, 'ts-player.png'), fullPage: true });
    expect(ladderDir).not.toBe('');
  }, 90_000);

  it('plays TS with B-frames and AAC muxed: audio and video both buffered contiguously, playing', async () => {
    const url = muxed.url('index.m3u8');
    await loadUrlInPlayer(app.page, url); // automatic appends, the default
    await waitForText(app, 'player-state', (t) => t === 'playing');
    await waitForText(app, 'player-log', (t) => t.includes('endOfStream() called'));
    const p1 = await playback(app);
    await app.page.waitForTimeout(800);
    const p2 = await playback(app);
    expect(p2.currentTime).toBeGreaterThan(p1.currentTime);
    expect(p2.error).toBeNull();
    // Both tracks in one SourceBuffer: buffered is their intersection, one range of nearly 4 s.
    expect(p2.buffered).toHaveLength(1);
    expect(p2.buffered[0]![0]).toBeLessThan(0.05);
    expect(p2.buffered[0]![1] - p2.buffered[0]![0]).toBeGreaterThan(3.5);
    const types = await app.page.getByText(/video\/mp4; codecs="avc1\.4d[0-9a-f]{4},mp4a\.40\.2"/).count();
    expect(types).toBeGreaterThan(0);
    expect((await logLines(app, 'transmux')).filter((l) => /^.*segment \d+: seg_\d+\.ts/.test(l))).toHaveLength(4);
    expect(app.problems.filter((p) => !/favicon/.test(p))).toEqual([]);
  }, 90_000);

  it('re-bases the clock after EXT-X-DISCONTINUITY: a 100 s jump still plays as one buffered range', async () => {
    const url = muxed.url('disc.m3u8');
    await loadUrlInPlayer(app.page, url);
    await waitForText(app, 'player-log', (t) => t.includes('endOfStream() called'));
    await waitForText(app, 'player-state', (t) => t === 'playing' || t === 'ended');
    const p = await playback(app);
    expect(p.error).toBeNull();
    expect(p.buffered).toHaveLength(1);
    expect(p.buffered[0]![1] - p.buffered[0]![0]).toBeGreaterThan(3.5);
    // The offset moved once, before the first segment after the discontinuity.
    const offsets = await logLines(app, 'timestampOffset');
    expect(offsets).toHaveLength(2);
    expect(offsets[1]).toMatch(/timestampOffset = -10\d\.\d+/);
  }, 90_000);
});
