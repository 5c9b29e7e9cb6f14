/**
 * The ladder lint in Chromium (web mode): a remote master playlist with one misaligned variant, served
 * by the fixture server, opened by URL; the Player's findings tab names `ladder-not-aligned` with the
 * segment's URL.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/http-server';
import { ladderFixture } from '../fixtures/ladder';
import { playerFindingOf, startApp, type App } from './helpers';

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
    const row = await playerFindingOf(page, url, 'ladder-not-aligned');
    expect(await row.textContent()).toContain(new URL('vgop/seg_001.m4s', url).href);
    await page.screenshot({ path: process.env.MWB_SHOT_LADDER ?? path.join(app.dataDir, 'ladder-findings.png') });
  }, 60_000);
});
