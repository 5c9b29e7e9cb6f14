/**
 * The zero-install static build (`npm run build:static` → dist/static/) served by a plain static
 * file server (node:http serving files, nothing else) from a sub-folder: drop a file, see its
 * tree, play it; the sections that need ffmpeg are absent and one line says what adds them.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectFile } from '../../electron/core/boxes/file-source';
import { cleanFmp4 } from '../fixtures/mse-broken';
import { dropFiles, launchBrowser, ROOT } from './helpers';

export const STATIC_DIR = path.join(ROOT, 'dist/static');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json' };

/** A static host: files under `dir` at `/mount/…`, with a Content-Type by extension, and no other behaviour. */
export async function serveStatic(dir: string, mount = '/'): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(mount)) return void res.writeHead(404).end();
    const rel = decodeURIComponent(url.pathname.slice(mount.length)) || 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${mount}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

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
    expect(await page.getByTestId('static-note').textContent()).toMatch(/Transcode, GIF export, Jobs and Capabilities .* desktop app or "npm start"/);
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
