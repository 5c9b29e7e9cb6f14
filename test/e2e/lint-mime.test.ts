/**
 * `mwb lint --json`'s `mime` for a muxed file is what real Chromium accepts for one SourceBuffer,
 * and the per-track type the old info finding suggested is what makes the append fail.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { analyzeMse, lintReport } from '../../electron/core/mse/analyze';
import { cleanFmp4 } from '../fixtures/mse-broken';
import { launchBrowser } from './helpers';

let server: http.Server;
let base: string;
let browser: Browser;
let page: Page;
let file: string;

beforeAll(async () => {
  file = await cleanFmp4();
  const bytes = await readFile(file);
  server = http.createServer((req, res) => {
    if (req.url === '/clip.mp4') {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length });
      res.end(bytes);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><video muted></video>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(base + '/');
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

/** Append the whole file to one SourceBuffer of `mime`; what Chromium says. */
function append(mime: string): Promise<{ supported: boolean; outcome: string; buffered: number }> {
  return page.evaluate(async (type) => {
    const supported = MediaSource.isTypeSupported(type);
    const video = document.querySelector('video')!;
    const ms = new MediaSource();
    video.src = URL.createObjectURL(ms);
    await new Promise((r) => ms.addEventListener('sourceopen', r, { once: true }));
    const data = await (await fetch('/clip.mp4')).arrayBuffer();
    let sb: SourceBuffer;
    try {
      sb = ms.addSourceBuffer(type);
    } catch (e) {
      return { supported, outcome: `addSourceBuffer threw: ${(e as Error).message}`, buffered: 0 };
    }
    const outcome = await new Promise<string>((resolve) => {
      sb.addEventListener('updateend', () => resolve(video.error ? `media error: ${video.error.message}` : 'ok'), { once: true });
      sb.addEventListener('error', () => resolve('append error'), { once: true });
      sb.appendBuffer(data);
    });
    // The decode error (if any) arrives on the element just after the append.
    await new Promise((r) => setTimeout(r, 200));
    let buffered = 0;
    try {
      buffered = sb.buffered.length && !video.error ? sb.buffered.end(0) : 0;
    } catch {
      // A failed append removes the SourceBuffer from the MediaSource.
    }
    return { supported, outcome: video.error ? `media error: ${video.error.message}` : outcome, buffered };
  }, mime);
}

describe('lint --json mime in real Chromium', () => {
  it('the combined type appends a muxed file; the video-only type does not', async () => {
    const report = lintReport(await analyzeMse([file]));
    expect(report.mime).toBe('video/mp4; codecs="avc1.42c00d,mp4a.40.2"');
    const combined = await append(report.mime!);
    expect(combined.supported).toBe(true);
    expect(combined.outcome).toBe('ok');
    expect(combined.buffered).toBeGreaterThan(3);

    await page.goto(base + '/');
    const videoOnly = report.tracks.find((t) => t.mime.startsWith('video/'))!.mime;
    const wrong = await append(videoOnly);
    expect(wrong.outcome).not.toBe('ok');
    expect(wrong.buffered).toBe(0);
  });
});
