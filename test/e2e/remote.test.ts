/**
 * Remote sources in Chromium (web mode): a URL typed into the Open box, its tree filling in in the
 * Inspector while fragments arrive over a slow server, then the same URL played in the Player
 * (its bytes relayed by the workbench by id). The media server is the fixture HTTP server.
 */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanFmp4 } from '../fixtures/mse-broken';
import { startFixtureServer, type FixtureServer } from '../fixtures/http-server';
import { openInUi, startApp, type App } from './helpers';

describe('a remote MP4 in Chromium (web mode)', () => {
  let app: App;
  let dir: string;
  let fixture: FixtureServer;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-remote-'));
    // 40 one-second fragments, small frames: the tree has 40 moof/mdat pairs to fill in.
    await symlink(await cleanFmp4({ duration: 40, width: 320, height: 180 }), path.join(dir, 'long.mp4'));
    await symlink(await cleanFmp4(), path.join(dir, 'clip.mp4'));
    fixture = await startFixtureServer(dir);
    app = await startApp('#/inspector');
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens a URL in the Inspector and shows its tree filling in', async () => {
    const { page } = app;
    // A single-range server (like S3) at 150 ms per request, 8 at a time: the 40 fragments take
    // about a second to arrive.
    const url = fixture.url('long.mp4', { latencyMs: 150, noMultiRange: true });
    await openInUi(page, url);
    await page.getByTestId('nav-inspector').click();
    const meta = page.getByTestId('inspect-meta');
    await page.getByTestId('tree-filling').waitFor({ timeout: 20_000 });
    const boxes = async () => Number(((await meta.textContent()) ?? '').match(/([\d,]+) boxes/)?.[1]?.replace(/,/g, '') ?? 0);
    const during = await boxes();
    await page.screenshot({ path: process.env.MWB_SHOT_FILLING ?? path.join(app.dataDir, 'remote-filling.png') });
    await page.getByTestId('tree-filling').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('http-cost').filter({ hasText: 'fragments from mfra' }).waitFor();
    const after = await boxes();
    expect(after).toBeGreaterThan(during);
    expect(await page.getByTestId('http-cost').textContent()).toMatch(/fetched [\d.]+ [KM]B of [\d.]+ MB in \d+ requests \(fragments from mfra\)/);
    // The tree lists every fragment: filter on moof.
    await page.getByTestId('box-tree').waitFor();
    const rows = page.getByTestId('box-row');
    await expect.poll(async () => (await rows.allTextContents()).filter((t) => t.includes('moof')).length, { timeout: 10_000 }).toBeGreaterThan(5);
    await page.screenshot({ path: process.env.MWB_SHOT ?? path.join(app.dataDir, 'remote-done.png') });
    expect(app.problems).toEqual([]);
  });

  it('plays the URL in the Player through MSE', async () => {
    const { page } = app;
    const url = fixture.url('clip.mp4');
    await openInUi(page, url);
    await page.getByTestId('nav-player').click();
    await page.getByTestId('player-source').selectOption({ label: 'clip.mp4' });
    await page.getByTestId('append-auto').click();
    await page.getByTestId('player-load').click();
    await expect.poll(async () => (await page.getByTestId('player-state').textContent())?.trim(), { timeout: 20_000 }).toBe('playing');
    const video = page.getByTestId('player-video');
    const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.waitForTimeout(700);
    expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(t1);
    // The Player's segments came from the workbench's relay of the opened URL, with Range requests.
    expect(fixture.log.filter((e) => e.path.endsWith('/clip.mp4') && e.range).length).toBeGreaterThan(1);
    expect(app.problems).toEqual([]);
  });

  it("shows the server's faults in the Player's lint findings, with the URL", async () => {
    const { page } = app;
    const url = fixture.url('clip.mp4', { noCors: true });
    await openInUi(page, url);
    await page.getByTestId('nav-player').click();
    const source = page.getByTestId('player-source');
    // Two opened files are called clip.mp4 (clean and without CORS): the option's title is the URL.
    await source.selectOption(await source.locator(`option[title="${url}"]`).getAttribute('value'));
    await page.getByTestId('player-load').click();
    await page.getByTestId('tab-findings').click();
    const row = page.locator('tr', { hasText: 'http-cors-missing' });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain(url);
    await page.screenshot({ path: process.env.MWB_SHOT_FINDINGS ?? path.join(app.dataDir, 'remote-findings.png') });
  });
});
