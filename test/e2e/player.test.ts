import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenFixture, cleanFmp4, segmentedSet } from '../fixtures/mse-broken';
import { openInUi, startApp, waitForText, type App } from './helpers';

/** Open `file` in the UI, make it the Player's source and load it. */
async function loadInPlayer(app: App, file: string, options: { step?: boolean } = {}): Promise<void> {
  const { page } = app;
  // Opening a file twice does not add it again (openInUi waits for the count to grow).
  if (!app.server.files.list().some((f) => f.path === file)) await openInUi(page, file);
  await page.getByTestId('nav-player').click();
  await page.getByTestId('player-source').selectOption({ label: path.basename(file) });
  await page.getByTestId(options.step ? 'append-step' : 'append-auto').click();
  await page.getByTestId('player-load').click();
}

/** The view batches log lines (a few times a second): wait for a count instead of reading it once. */
async function waitForCount(app: App, selector: string, n: number, timeout = 10_000): Promise<number> {
  const loc = app.page.getByTestId('player-log').locator(selector);
  const start = Date.now();
  let count = await loc.count();
  while (count !== n && Date.now() - start < timeout) {
    await app.page.waitForTimeout(100);
    count = await loc.count();
  }
  return count;
}

const text = async (app: App, id: string) => (await app.page.getByTestId(id).textContent())?.trim() ?? '';


describe('MSE Player in Chromium (web mode)', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp('#/player');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('plays a clean H.264/AAC fMP4: playing, time advancing, buffered covering the file', async () => {
    const file = await cleanFmp4();
    await loadInPlayer(app, file);
    await waitForText(app, 'player-state', (t) => t === 'playing');
    const video = app.page.getByTestId('player-video');
    const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await app.page.waitForTimeout(700);
    const t2 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    expect(t2).toBeGreaterThan(t1);
    // 4 s of video; AAC's last frame ends 21 ms later: the whole file is buffered in one range.
    expect(await waitForText(app, 'player-buffered', (t) => t === '0.000-4.021')).toBe('0.000-4.021');
    const log = app.page.getByTestId('player-log').locator('li');
    const types = await log.evaluateAll((items) => items.map((li) => li.getAttribute('data-type')));
    for (const t of ['sourceopen', 'isTypeSupported', 'addSourceBuffer', 'append', 'updateend', 'loadedmetadata', 'playing', 'endOfStream', 'sourceended']) expect(types).toContain(t);
    // Every append logs buffered after it.
    expect(await app.page.getByTestId('player-log').locator('li[data-type="updateend"]').last().textContent()).toContain('buffered 0.000-4.021');
    expect(await text(app, 'player-diagnosis')).toMatch(/All 4 segments appended and buffered where expected/);
    expect(await app.page.getByTestId('type-supported').allTextContents()).toEqual(['yes', 'yes']);
    // One stream: its SourceBuffer takes the combined type of both tracks.
    expect(await app.page.getByTestId('sourcebuffer-type').allTextContents()).toEqual([expect.stringMatching(/^combined.*codecs="avc1\.[0-9a-f]{6},mp4a\.40\.2".*yes$/)]);
    await waitForText(app, 'player-frames', (t) => /^[1-9]\d* decoded/.test(t));
    expect(app.problems).toEqual([]);
  });

  it('shows a tfdt gap on the timeline and in buffered, and explains it', async () => {
    const { file } = await brokenFixture('tfdt-discontinuity');
    await loadInPlayer(app, file);
    expect(await waitForText(app, 'player-buffered', (t) => t.endsWith('5.521'))).toBe('0.000-2.021, 3.521-5.521');
    expect(await app.page.getByTestId('timeline-gap').count()).toBeGreaterThan(0);
    const gap = await app.page.getByTestId('timeline-gap').first().locator('title').textContent();
    expect(gap).toMatch(/gap between segments 2\.0\d\d–3\.52\d s/);
    expect(await app.page.getByTestId('timeline-buffered').count()).toBe(2);
    const diagnosis = await waitForText(app, 'player-diagnosis', (t) => t.includes('tfdt-discontinuity'));
    expect(diagnosis).toMatch(/missing from buffered \(segment 2\)/);
    // Playback runs into the hole and waits there.
    await waitForText(app, 'player-state', (t) => t === 'loading', 10_000);
    await app.page.getByTestId('player-log').locator('li[data-type="waiting"]').first().waitFor();
  });

  it('names segment-starts-non-sync for a file cut between keyframes', async () => {
    const { file } = await brokenFixture('segment-starts-non-sync');
    await loadInPlayer(app, file);
    const diagnosis = await waitForText(app, 'player-diagnosis', (t) => t.includes('segment-starts-non-sync'));
    expect(diagnosis).toMatch(/frag_keyframe/);
    const rule = await app.page.getByTestId('player-diagnosis').locator('li[data-rule="segment-starts-non-sync"]').count();
    expect(rule).toBe(1);
  });

  it("maps Chromium's refusal to the box: tfhd-base-data-offset", async () => {
    const { file } = await brokenFixture('tfhd-base-data-offset');
    await loadInPlayer(app, file);
    await waitForText(app, 'player-state', (t) => t === 'error');
    const diagnosis = await waitForText(app, 'player-diagnosis', (t) => t.includes('[tfhd-base-data-offset]'));
    expect(diagnosis).toMatch(/refused segment 0 \(“.*TFHD base-data-offset not allowed by MSE.*”\)/);
    expect(diagnosis).toMatch(/\+default_base_moof/);
    const errorLine = await app.page.getByTestId('player-log').locator('li[data-source="video"][data-type="error"]').textContent({ timeout: 5000 });
    expect(errorLine).toMatch(/MEDIA_ERR_\w+ \(\d\): .*CHUNK_DEMUXER_ERROR_APPEND_FAILED/);
  });

  it('plays a progressive MP4 by fragmenting it on the fly, one SourceBuffer per track', async () => {
    const { file } = await brokenFixture('not-fragmented');
    await loadInPlayer(app, file);
    await waitForText(app, 'player-diagnosis', (t) => t.includes('[not-fragmented]'));
    await app.page.getByTestId('player-onthefly').click();
    await waitForText(app, 'player-state', (t) => t === 'playing');
    expect(await waitForText(app, 'player-buffered', (t) => t === '0.000-4.000')).toBe('0.000-4.000');
    expect(await waitForCount(app, 'li[data-type="addSourceBuffer"]', 2)).toBe(2);
  });

  it('appends step by step, showing the next segment before it goes in', async () => {
    const file = await cleanFmp4();
    await loadInPlayer(app, file, { step: true });
    const next = app.page.getByTestId('player-next-boxes');
    await next.getByText('Next to append: segment 0').waitFor();
    expect(await next.textContent()).toMatch(/moof.*seq 1.*track 1 · tfdt 0 · 30 samples · starts sync/s);
    await app.page.getByTestId('append-next').click();
    await next.getByText('Next to append: segment 1').waitFor();
    // The next segment is shown as soon as the append is queued; buffered follows on updateend.
    expect(await waitForText(app, 'player-buffered', (t) => t !== 'empty')).toBe('0.000-1.021');
    await app.page.getByTestId('append-next').click();
    await next.getByText('Next to append: segment 2').waitFor();
    // A muxed SourceBuffer buffers the intersection of its tracks: video ends at 2.021, audio at 2.027.
    expect(await waitForText(app, 'player-buffered', (t) => t !== '0.000-1.021')).toBe('0.000-2.021');
    expect(await waitForCount(app, 'li[data-type="append"]', 3)).toBe(3); // init + two segments
  });

  it("closes a tfdt gap in 'sequence' mode, and shifts segments with timestampOffset", async () => {
    const { file } = await brokenFixture('tfdt-discontinuity');
    await app.page.getByTestId('player-mode').selectOption('sequence');
    await loadInPlayer(app, file);
    // Sequence mode ignores tfdt and appends each segment after the previous one: no hole.
    expect(await waitForText(app, 'player-buffered', (t) => /^0\.000-4\.0\d\d$/.test(t))).toMatch(/^0\.000-4\.0\d\d$/);
    await app.page.getByTestId('player-log').locator('li[data-type="mode"]').first().waitFor();
    expect(await text(app, 'player-diagnosis')).toMatch(/The browser took every segment, but .*\[tfdt-discontinuity\]/);
    await app.page.getByTestId('player-mode').selectOption('segments');

    const clean = await cleanFmp4();
    await loadInPlayer(app, clean, { step: true });
    await app.page.getByTestId('player-next-boxes').getByText('Next to append: segment 0').waitFor();
    await app.page.getByLabel('timestampOffset').fill('10');
    await app.page.getByRole('button', { name: 'Set', exact: true }).click();
    await app.page.getByTestId('append-next').click();
    expect(await waitForText(app, 'player-buffered', (t) => t !== 'empty')).toBe('10.000-11.021');
    await app.page.getByTestId('player-log').locator('li[data-type="timestampOffset"]').first().waitFor();
  });

  it('plays an init segment with media segments picked in order', async () => {
    const { dir } = await segmentedSet('hls');
    const names = ['init.mp4', 'seg_000.m4s', 'seg_001.m4s', 'seg_002.m4s', 'seg_003.m4s'];
    for (const n of names) await openInUi(app.page, path.join(dir, n));
    await app.page.getByTestId('nav-player').click();
    await app.page.getByTestId('player-source').selectOption({ label: 'init.mp4' });
    await app.page.getByText(/^Media segments/).click();
    for (const n of names.slice(1)) await app.page.getByRole('checkbox', { name: new RegExp(n.replace('.', '\\.')) }).check();
    await app.page.getByTestId('append-auto').click();
    await app.page.getByTestId('player-load').click();
    await waitForText(app, 'player-state', (t) => t === 'playing');
    expect(await waitForText(app, 'player-buffered', (t) => /^0\.0\d\d-4\.0\d\d$/.test(t))).toMatch(/^0\.0\d\d-4\.0\d\d$/);
    const rows = await app.page.getByTestId('player-segments').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(rows.map((r) => r.trim())).toEqual(names.slice(1).map((n) => expect.stringContaining(n)) as unknown as string[]);
  });

  it('plays a DASH manifest with a SourceBuffer per representation', async () => {
    const { manifest } = await segmentedSet('dash');
    await loadInPlayer(app, manifest);
    await waitForText(app, 'player-state', (t) => t === 'playing');
    expect(await waitForCount(app, 'li[data-type="addSourceBuffer"]', 2)).toBe(2);
    await waitForText(app, 'player-buffered', (t) => /^0\.0\d\d-4\.0\d\d$/.test(t));
    expect(app.problems).toEqual([]);
  });
});

describe('MSE Player under a small buffer quota', () => {
  it('handles QuotaExceededError by evicting behind the playhead and appends the rest', async () => {
    // Chromium's own switch caps the video SourceBuffer at 1 MB; the 12 s 640×360 clip is about
    // 3.2 MB, and the read worker's slabs make a batch of about 2 MB of it (more than fits at once).
    const { chromium } = await import('playwright-core');
    const { startWebServer } = await import('../../electron/web');
    const { CHROMIUM_ARGS, RENDERER_DIR, chromiumPath } = await import('./helpers');
    const { clip } = await import('../fixtures/generate');
    const file = await clip({ duration: 12, gop: 30, width: 640, height: 360, movflags: 'frag_keyframe+empty_moov+default_base_moof' });
    const server = await startWebServer({ staticDir: RENDERER_DIR });
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--mse-video-buffer-size-limit-mb=1'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(server.url + '#/player');
      await page.getByTestId('status').filter({ hasText: 'web mode' }).waitFor();
      await openInUi(page, file);
      await page.getByTestId('player-load').click();
      const log = page.getByTestId('player-log');
      await log.locator('li[data-type="QuotaExceededError"]').first().waitFor({ timeout: 20_000 });
      await log.locator('li[data-type="remove"]').first().waitFor({ timeout: 20_000 });
      await log.locator('li[data-type="endOfStream"]').waitFor({ timeout: 20_000 });
      const buffered = (await page.getByTestId('player-buffered').textContent()) ?? '';
      // The start was evicted; the end of the file made it in.
      expect(buffered).toMatch(/^[1-9]\d*\.\d{3}-12\.021$/);
      expect(await log.locator('li[data-type="remove"]').first().textContent()).toMatch(/remove\(0\.000, \d+\.\d{3}\)/);
      // A batch bigger than the SourceBuffer takes at once is split rather than waited on.
      expect(await log.locator('li[data-type="QuotaExceededError"]', { hasText: 'do not fit at once' }).count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
