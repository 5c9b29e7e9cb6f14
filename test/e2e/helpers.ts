/**
 * End-to-end harness: web mode in-process over the built renderer (dist/renderer), driven by real
 * Chromium through playwright-core. `npm test` builds the renderer before the e2e project runs.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startWebServer, type WebServer } from '../../electron/web';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(ROOT, 'dist/renderer');

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`Chromium not found (tried ${candidates.join(', ')}); install Debian's "chromium" or set CHROMIUM_PATH.`);
  return found;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--autoplay-policy=no-user-gesture-required',
];

export interface App {
  server: WebServer;
  browser: Browser;
  page: Page;
  /** Console errors and uncaught exceptions seen so far (CSP violations included). */
  problems: string[];
  dataDir: string;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

/** Start web mode and open the UI at `hash` (e.g. `#/caps`). */
export async function startApp(hash = ''): Promise<App> {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`${RENDERER_DIR}/index.html is missing: run "npm run build" (npm test does) before the e2e tests.`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-'));
  const server = await startWebServer({ staticDir: RENDERER_DIR, dataDir } as Parameters<typeof startWebServer>[0]);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(server.url + hash);
  await page.getByTestId('status').filter({ hasText: 'web mode' }).waitFor();
  return {
    server,
    browser,
    page,
    problems,
    dataDir,
    async close() {
      await browser.close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Open a local file through the UI's path box, as a web-mode user does. */
export async function openInUi(page: Page, file: string): Promise<void> {
  const before = Number((await page.getByTestId('file-count').textContent())?.match(/\d+/)?.[0] ?? 0);
  await page.getByTestId('open-path').fill(file);
  await page.getByTestId('open-submit').click();
  await page.getByTestId('file-count').filter({ hasText: `${before + 1} open` }).waitFor();
}

/** Open a URL and make it the Player's source (chosen by its URL, shown as the option's title); not loaded yet. */
export async function openInPlayer(page: Page, url: string): Promise<void> {
  await openInUi(page, url);
  await page.getByTestId('nav-player').click();
  const source = page.getByTestId('player-source');
  await source.selectOption(await source.locator(`option[title="${url}"]`).getAttribute('value'));
}

/** Open a URL and load it in the Player: the source is chosen by its URL (the option's title). */
export async function loadUrlInPlayer(page: Page, url: string): Promise<void> {
  await openInPlayer(page, url);
  await page.getByTestId('player-load').click();
}

/**
 * Open a URL, load it in the Player and show the lint findings tab; resolves with the findings row
 * naming `rule` once it is there.
 */
export async function playerFindingOf(page: Page, url: string, rule: string): Promise<Locator> {
  await loadUrlInPlayer(page, url);
  await page.getByTestId('tab-findings').click();
  const row = page.locator('tr', { hasText: rule });
  await row.waitFor({ timeout: 30_000 });
  return row;
}

const testText = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';

/** Poll a test id's text until `test` accepts it (the Player's view catches up a few times a second). */
export async function waitForText(app: { page: Page }, id: string, test: (t: string) => boolean, timeout = 20_000): Promise<string> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeout) {
    last = await testText(app.page, id);
    if (test(last)) return last;
    await app.page.waitForTimeout(100);
  }
  throw new Error(`${id} never matched; last text: ${last}`);
}

/**
 * Drop real files on the window as a user's drag would: a `DataTransfer` carrying `File`s with the
 * files' bytes (small fixtures only; the page never learns a path).
 */
export async function dropFiles(page: Page, files: string[]): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const items = await Promise.all(files.map(async (f) => ({ name: path.basename(f), base64: (await readFile(f)).toString('base64') })));
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const item of list) {
      const text = atob(item.base64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      dt.items.add(new File([bytes], item.name, { type: 'video/mp4', lastModified: Date.now() }));
    }
    const target = document.querySelector('.shell') ?? document.body;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, items);
}

/** Choose files with the "Choose files…" picker (the browser reads them; nothing is uploaded). */
export async function chooseFiles(page: Page, files: string[]): Promise<void> {
  const before = Number((await page.getByTestId('file-count').textContent())?.match(/\d+/)?.[0] ?? 0);
  await page.getByTestId('choose-files-input').setInputFiles(files);
  await page.getByTestId('file-count').filter({ hasText: `${before + files.length} open` }).waitFor();
}

/** The zero-install static build (`npm run build:static`, also written by `npm run build`). */
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

