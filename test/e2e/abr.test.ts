/**
 * Renditions in Chromium (web mode): a remote HLS master (three variants, one in H.264 High profile,
 * plus an AAC audio group; test/fixtures/abr.ts) served by the fixture server and opened by URL.
 * The Player plays a chosen variant that is not the first, then switches variant mid-stream across
 * a profile change (changeType), at a segment boundary, and playback carries on past the switch.
 * What was appended from which rendition is read from the exported event log.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportedLog } from '../../renderer/lib/mse/log-export';
import { abrFixture, type AbrFixture } from '../fixtures/abr';
import { startFixtureServer, type FixtureServer } from '../fixtures/http-server';
import { openInPlayer, startApp, type App } from './helpers';

/** Save the event log through its Export button (or Ctrl+S) and read the JSON (its file is named after the source). */
async function exportedLog(page: Page, name = 'master.m3u8', how: 'button' | 'key' = 'button'): Promise<ExportedLog> {
  const [download] = await Promise.all([page.waitForEvent('download'), how === 'key' ? page.keyboard.press('Control+s') : page.getByTestId('log-export').click()]);
  expect(download.suggestedFilename().startsWith(`${name}.events-`)).toBe(true);
  expect(download.suggestedFilename()).toMatch(/\.events-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.json$/);
  return JSON.parse(await readFile((await download.path())!, 'utf8')) as ExportedLog;
}

/** The Player's plan stream index of a variant, from the picker option naming its codec string. */
async function variantValue(page: Page, codec: string): Promise<string> {
  return (await variantsPicker(page).locator('option', { hasText: codec }).getAttribute('value'))!;
}

const currentTime = (page: Page) => page.getByTestId('player-video').evaluate((v: HTMLVideoElement) => v.currentTime);
const mediaError = (page: Page) => page.getByTestId('player-video').evaluate((v: HTMLVideoElement) => (v.error ? `${v.error.code} ${v.error.message}` : null));
/** Media segments appended to SourceBuffer `sb`, in order, as [plan stream, segment]. */
const appendsTo = (log: ExportedLog, sb: number) =>
  log.events.filter((e) => e.type === 'append' && e.segment !== null && e.segment >= 0 && e.text.endsWith(`→ SourceBuffer ${sb}`)).map((e) => [e.stream, e.segment]);
const variantsPicker = (page: Page) => page.locator('[data-testid="rendition-picker"][data-ladder="variants"]');
/** A variant's declared bandwidth in kb/s as its picker option shows it (the fixture measures it from the encode). */
async function kbOf(page: Page, value: string): Promise<string> {
  return /([\d,]+) kb\/s/.exec((await variantsPicker(page).locator(`option[value="${value}"]`).textContent()) ?? '')![1]!.replace(/,/g, '');
}

/** Step-append `steps` pieces (init and media segments), then pick variant `to` and append the rest. */
async function stepThenSwitch(page: Page, to: string, steps: number): Promise<void> {
  const next = page.getByTestId('append-next');
  const ready = () => expect.poll(() => next.isEnabled(), { timeout: 20_000 }).toBe(true);
  for (let k = 0; k < steps; k++) {
    await ready();
    await next.click();
  }
  await ready();
  await variantsPicker(page).selectOption(to);
  await page.getByTestId('rendition-now').filter({ hasText: 'at the next segment boundary' }).waitFor();
  await page.getByTestId('append-all').click();
  await expect.poll(async () => (await page.getByTestId('player-state').textContent())?.trim(), { timeout: 20_000 }).toMatch(/paused|ended/);
}

/** Play, and wait until the playhead is past `seconds` with no MediaError. */
async function playPast(page: Page, seconds: number): Promise<void> {
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => currentTime(page), { timeout: 20_000 }).toBeGreaterThan(seconds);
  expect(await mediaError(page)).toBeNull();
}

describe('renditions of a remote HLS master in Chromium (web mode)', () => {
  let app: App;
  let fixture: FixtureServer;
  let fx: AbrFixture;
  let url = '';
  beforeAll(async () => {
    fx = await abrFixture();
    fixture = await startFixtureServer(fx.dir);
    url = fixture.url(fx.master);
    app = await startApp('#/player');
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await fixture?.close();
  });

  it('plays a chosen variant (not the first) with the audio its group names', async () => {
    const { page } = app;
    await openInPlayer(page, url);
    await page.getByTestId('append-step').click();
    await page.getByTestId('player-load').click();
    // One picker: the variants ladder (the audio group has one rendition). Auto starts on the lowest.
    const picker = variantsPicker(page);
    await picker.waitFor();
    expect(await page.getByTestId('rendition-picker').count()).toBe(1);
    expect(await picker.inputValue()).toBe('auto');
    expect(await page.getByTestId('rendition-now').textContent()).toContain('192x108');
    // The types table gives each stream (every variant, the audio group) its own SourceBuffer type,
    // one codec each, rather than one "combined" type listing every rendition's codec.
    const types = await page.getByTestId('sourcebuffer-type').allTextContents();
    expect(types.length).toBeGreaterThanOrEqual(4);
    for (const row of types) {
      expect(row).not.toMatch(/^combined/);
      expect(row).toMatch(/codecs="[^",]+"/);
    }
    // The second variant of the master (180p Baseline), picked before anything is appended.
    const mid = await variantValue(page, 'avc1.42c00d');
    await picker.selectOption(mid);
    await page.getByTestId('append-all').click();
    await expect.poll(async () => (await page.getByTestId('player-state').textContent())?.trim(), { timeout: 20_000 }).toMatch(/paused|ended/);
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => currentTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
    expect(await mediaError(page)).toBeNull();
    expect(await page.getByTestId('rendition-now').textContent()).toContain('320x180');
    const log = await exportedLog(page, 'master.m3u8', 'key');
    expect(log.source).toBe(url);
    expect(log.userAgent).toMatch(/Chrome/);
    expect(Date.parse(log.startedAt)).toBeGreaterThan(0);
    // Every video segment came from the chosen variant, in order; the audio group played beside it.
    expect(appendsTo(log, 0)).toEqual([0, 1, 2, 3].map((k) => [Number(mid), k]));
    const audio = appendsTo(log, 1).map(([, seg]) => seg);
    expect(audio.length).toBeGreaterThanOrEqual(4);
    expect(audio).toEqual([...audio.keys()]);
    expect(log.events.some((e) => e.type === 'switch' && e.text.startsWith('starts on'))).toBe(true);
    expect(log.events.filter((e) => e.level === 'error')).toEqual([]);
    expect(app.problems).toEqual([]);
  }, 90_000);

  it('switches variant mid-stream at a segment boundary, across a profile change (changeType), and plays on', async () => {
    const { page } = app;
    // Reload keeps the pick (180p Baseline); append two seconds of it one segment at a time.
    await page.getByRole('button', { name: 'Reload' }).click();
    const picker = variantsPicker(page);
    await picker.waitFor();
    const mid = await variantValue(page, 'avc1.42c00d');
    const high = await variantValue(page, 'avc1.64000c');
    expect(await picker.inputValue()).toBe(mid);
    // Init and two segments of each SourceBuffer's first rendition, then the High-profile variant from here.
    await stepThenSwitch(page, high, 4);
    const marker = page.getByTestId('timeline-switch');
    await expect.poll(() => marker.count()).toBe(1);
    // The SourceBuffer's changeType() field follows its new type.
    await expect.poll(() => page.getByLabel('MIME type for changeType').first().inputValue()).toBe('video/mp4; codecs="avc1.64000c"');
    // The marker names both renditions by height and declared bandwidth.
    expect(await marker.textContent()).toContain(`180p ${await kbOf(page, mid)}k→180p ${await kbOf(page, high)}k`);
    // Playback goes on past the switch (at 2 s) with no MediaError.
    await playPast(page, 2.5);
    const log = await exportedLog(page);
    // Two segments of the first variant, then the new one's init segment (after changeType) and its segments from index 2.
    expect(appendsTo(log, 0)).toEqual([
      [Number(mid), 0],
      [Number(mid), 1],
      [Number(high), 2],
      [Number(high), 3],
    ]);
    const sw = log.events.findIndex((e) => e.type === 'switch' && e.level === 'ok');
    expect(log.events[sw]!.text).toMatch(/→ .* at 2\.\d+ s: its init segment \(after changeType\), then segment 2/);
    const changeType = log.events.findIndex((e) => e.type === 'changeType');
    expect(log.events[changeType]!.level).toBe('ok');
    expect(log.events[changeType]!.text).toContain('avc1.64000c');
    const init = log.events.findIndex((e, k) => k > changeType && e.type === 'append' && e.segment === -1);
    const seg2 = log.events.findIndex((e) => e.type === 'append' && e.stream === Number(high) && e.segment === 2);
    expect(changeType).toBeGreaterThan(-1);
    expect(init).toBeGreaterThan(changeType);
    expect(seg2).toBeGreaterThan(init);
    // buffered stays one range across the switch, on the video SourceBuffer and on the audio one
    // (whose read-ahead starts at segment 2 after two segments appended one at a time).
    for (const sb of ['SourceBuffer 0', 'SourceBuffer 1']) expect(log.events.filter((e) => e.source === sb && e.type === 'updateend').at(-1)!.buffered).toMatch(/^0\.\d+-4\.\d+$/);
    expect(log.events.filter((e) => e.level === 'error')).toEqual([]);
    // The picker, the video and the timeline with its switch marker in one picture.
    await page.setViewportSize({ width: 1400, height: 1250 });
    await page.getByTestId('player-source').scrollIntoViewIfNeeded();
    await page.screenshot({ path: process.env.MWB_SHOT_ABR ?? path.join(app.dataDir, 'abr-switch.png') });
    expect(app.problems).toEqual([]);
  }, 90_000);

  it('Auto starts on the lowest variant and moves up at a segment boundary when the throughput allows', async () => {
    const { page } = app;
    const picker = variantsPicker(page);
    await picker.selectOption('auto');
    await page.getByTestId('append-auto').click();
    await page.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => currentTime(page), { timeout: 20_000 }).toBeGreaterThan(2.5);
    expect(await mediaError(page)).toBeNull();
    const low = Number(await variantValue(page, 'avc1.42c00b'));
    const top = Number(await variantValue(page, 'avc1.42c00d'));
    const log = await exportedLog(page);
    const video = appendsTo(log, 0);
    // The first segment from the lowest variant (nothing measured yet), then, over loopback (far
    // above 0.8 × 535 kb/s), the highest from the next boundary on: one switch, segments in order.
    expect(video[0]).toEqual([low, 0]);
    expect(video.slice(1)).toEqual([1, 2, 3].map((k) => [top, k]));
    const auto = log.events.filter((e) => e.type === 'auto');
    expect(auto).toHaveLength(1);
    expect(auto[0]!.text).toMatch(new RegExp(`^Variants: throughput [\\d,]+ kb/s → 320x180 · ${await kbOf(page, String(top))} kb/s$`));
    expect(log.events.filter((e) => e.type === 'switch' && e.level === 'ok')).toHaveLength(1);
    expect(log.events.filter((e) => e.level === 'error')).toEqual([]);
    expect(app.problems).toEqual([]);
  }, 90_000);

  it('a switch into a rendition cut elsewhere (1.5 s segments) lands by time, on the segment holding the boundary', async () => {
    const { page } = app;
    const misaligned = fixture.url('ladder/hls/master-misaligned.m3u8');
    await openInPlayer(page, misaligned);
    await page.getByTestId('append-step').click();
    await page.getByTestId('player-load').click();
    const picker = variantsPicker(page);
    await picker.waitFor();
    const v0 = await variantValue(page, 'avc1.42c00d');
    const vgop = await variantValue(page, 'avc1.42c00c');
    await picker.selectOption(v0);
    await stepThenSwitch(page, vgop, 4);
    await playPast(page, 2.5);
    const log = await exportedLog(page, 'master-misaligned.m3u8');
    // v0 reached 2.0 s; vgop's segment 1 (1.5–3.0 s) holds that time, so it goes in next (re-covering 1.5–2.0).
    expect(appendsTo(log, 0)).toEqual([
      [Number(v0), 0],
      [Number(v0), 1],
      [Number(vgop), 1],
      [Number(vgop), 2],
    ]);
    expect(log.events.find((e) => e.type === 'switch' && e.level === 'ok')!.text).toMatch(/at 1\.5\d* s: its init segment \(after changeType\), then segment 1$/);
    await page.getByTestId('player-timeline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: process.env.MWB_SHOT_ABR_TIME ?? path.join(app.dataDir, 'abr-by-time.png') });
    for (const sb of ['SourceBuffer 0', 'SourceBuffer 1']) expect(log.events.filter((e) => e.source === sb && e.type === 'updateend').at(-1)!.buffered).toMatch(/^0\.\d+-4\.\d+$/);
    expect(log.events.filter((e) => e.level === 'error')).toEqual([]);
    expect(app.problems).toEqual([]);
  }, 90_000);

  it('plays a two-Period DASH MPD through: Period 1 follows on the same SourceBuffers, shifted to its start', async () => {
    const { page } = app;
    const mpd = fixture.url('ladder/dash/manifest.mpd');
    await openInPlayer(page, mpd);
    await page.getByTestId('append-auto').click();
    await page.getByTestId('player-load').click();
    // Past the Period boundary at 4 s, with no MediaError.
    await expect.poll(() => currentTime(page), { timeout: 30_000 }).toBeGreaterThan(4.5);
    expect(await mediaError(page)).toBeNull();
    const log = await exportedLog(page, 'manifest.mpd');
    const periods = log.events.filter((e) => e.type === 'switch' && e.text.startsWith('Period 1 starts'));
    expect(periods.map((e) => e.text.match(/ at (\d+\.\d+) s/)?.[1]).map(Number)).toEqual([expect.closeTo(4, 1), expect.closeTo(4, 1)]);
    expect(log.events.filter((e) => e.type === 'timestampOffset').length).toBe(2);
    // Each SourceBuffer ends up holding both Periods as one range (about 8 s).
    await expect.poll(async () => (await exportedLog(page, 'manifest.mpd')).events.filter((e) => e.type === 'endOfStream').length, { timeout: 20_000 }).toBe(1);
    const done = await exportedLog(page, 'manifest.mpd');
    for (const sb of ['SourceBuffer 0', 'SourceBuffer 1']) expect(done.events.filter((e) => e.source === sb && e.type === 'updateend').at(-1)!.buffered).toMatch(/^0\.\d+-(7\.9|8\.0)\d*$/);
    await page.getByTestId('player-timeline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: process.env.MWB_SHOT_DASH ?? path.join(app.dataDir, 'abr-periods.png') });
    // A marker per SourceBuffer where Period 1 starts (beside Auto's switch up in Period 0).
    expect((await page.getByTestId('timeline-switch').allTextContents()).filter((t) => t.includes('Period 1'))).toHaveLength(2);
    expect(done.events.filter((e) => e.level === 'error')).toEqual([]);
    expect(app.problems).toEqual([]);
  }, 90_000);
});
