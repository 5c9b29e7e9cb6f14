/**
 * The zero-install static build (`npm run build:static` → dist/static/) served by a plain static
 * file server (node:http serving files, nothing else) from a sub-folder: drop a file, see its
 * tree, play it; the sections that need ffmpeg are absent and one line says what adds them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectFile } from '../../electron/core/boxes/file-source';
import { cleanFmp4 } from '../fixtures/mse-broken';
import { dropFiles, launchBrowser, serveStatic, STATIC_DIR } from './helpers';

describe('Static build on a plain static file host', () => {
  let host: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(STATIC_DIR, 'index.html'))) throw new Error(`${STATIC_DIR}/index.html is missing: run "npm run build:static" first.`);
    host = await serveStatic(STATIC_DIR, '/tools/workbench/');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    await page.goto(host.url);
    await page.getByTestId('status').filter({ hasText: 'static build' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('offers Inspector, Compare and Player only, and says what the desktop app adds', async () => {
    const nav = await page.locator('nav [data-testid^=nav-]').evaluateAll((items) => items.map((i) => i.getAttribute('data-testid')));
    expect(nav).toEqual(['nav-inspector', 'nav-compare', 'nav-player']);
    expect(await page.getByTestId('static-note').textContent()).toMatch(/Transcode, Record, GIF export, Jobs and Capabilities .* desktop app or "npm start"/);
    expect(await page.getByTestId('open-path').count()).toBe(0);
    await expect.poll(() => page.getByTestId('choose-files').isVisible()).toBe(true);
  });

  it('drops a file and shows its tree, then plays it', async () => {
    const file = await cleanFmp4();
    const boxes = (await inspectFile(file)).boxes;
    await dropFiles(page, [file]);
    await page.waitForSelector('[data-testid=box-row]');
    const types = await page.locator('[data-testid=box-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.type));
    expect(types).toEqual(boxes.map((b) => b.type));
    await page.getByTestId('nav-player').click();
    await page.getByTestId('player-source').selectOption({ label: path.basename(file) });
    await page.getByTestId('append-auto').click();
    await page.getByTestId('player-load').click();
    await page.getByTestId('player-state').filter({ hasText: /^playing$/ }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('player-buffered').textContent(), { timeout: 20_000 }).toBe('0.000-4.021');
    // The page enforced its CSP meta tag and nothing was refused or thrown.
    expect(await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'))).toMatch(/script-src 'self'/);
    expect(problems).toEqual([]);
  });
});
