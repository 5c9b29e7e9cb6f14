/**
 * The ladder lint in Chromium (web mode): a remote master playlist with one misaligned variant, served
 * by the fixture server, opened by URL; the Player's findings tab names `ladder-not-aligned` with the
 * segment's URL.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/http-server';
import { ladderFixture } from '../fixtures/ladder';
import { openInUi, startApp, type App } from './helpers';

describe('a remote ladder in Chromium (web mode)', () => {
  let app: App;
  let fixture: FixtureServer;
  let misaligned = '';
  beforeAll(async () => {
    const fx = await ladderFixture();
    misaligned = fx.hls.misaligned;
    fixture = await startFixtureServer(fx.dir);
    app = await startApp('#/player');
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await fixture?.close();
  });

  it("the lint tab names the injected fault (ladder-not-aligned) with the segment's URL", async () => {
    const { page } = app;
    const url = fixture.url(misaligned);
    await openInUi(page, url);
    await page.getByTestId('nav-player').click();
    const source = page.getByTestId('player-source');
    await source.selectOption(await source.locator(`option[title="${url}"]`).getAttribute('value'));
    await page.getByTestId('player-load').click();
    await page.getByTestId('tab-findings').click();
    const row = page.locator('tr', { hasText: 'ladder-not-aligned' });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(new URL('vgop/seg_001.m4s', url).href);
    await page.screenshot({ path: process.env.MWB_SHOT_LADDER ?? path.join(app.dataDir, 'ladder-findings.png') });
  }, 60_000);
});
