/**
 * How the Player loads (issue #18), in Chromium over web mode, watching the page's requests:
 * automatic mode asks for the plan and starts reading the file at once (ranged requests that cover
 * many segments, made by a worker), starts appending before the lint and still accounts for each
 * segment; step-by-step mode fetches exactly the segment it appends, nothing more.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMse } from '../../electron/core/mse/analyze';
import { cleanFmp4, refusedAt } from '../fixtures/mse-broken';
import { openInUi, startApp, type App } from './helpers';

interface Seen {
  kind: 'plan' | 'lint' | 'bytes';
  range?: [number, number];
}

function watch(app: App): { seen: Seen[]; stop(): void } {
  const seen: Seen[] = [];
  const on = (r: Request) => {
    const url = r.url();
    if (url.includes('/api/call/msePlan')) seen.push({ kind: 'plan' });
    else if (url.includes('/api/call/mseAnalyze')) seen.push({ kind: 'lint' });
    else if (url.includes('/files/')) {
      const m = /^bytes=(\d+)-(\d+)$/.exec(r.headers()['range'] ?? '');
      seen.push({ kind: 'bytes', range: m ? [Number(m[1]), Number(m[2])] : undefined });
    }
  };
  app.page.on('request', on);
  return { seen, stop: () => app.page.off('request', on) };
}

async function waitFor(fn: () => Promise<boolean> | boolean, timeout = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeout) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Player loading in Chromium', () => {
  let app: App;
  let file: string;
  /** [offset, end] of the init segment and of each media segment, from the engine's plan. */
  let ranges: [number, number][];
  let size: number;
  beforeAll(async () => {
    file = await cleanFmp4({ duration: 12 });
    size = (await stat(file)).size;
    const plan = await analyzeMse([file], { lint: false });
    const s = plan.streams[0]!;
    ranges = [[s.init!.offset, s.init!.offset + s.init!.size - 1], ...s.segments.map((g) => [g.range.offset, g.range.offset + g.range.size - 1] as [number, number])];
    app = await startApp('#/player');
    await openInUi(app.page, file);
    await app.page.getByTestId('nav-player').click();
    await app.page.getByTestId('player-source').selectOption({ label: path.basename(file) });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('automatic mode: the plan and one read of the whole file leave together (the read in a worker), first append before the lint, every segment appended', async () => {
    expect(ranges.length).toBe(13);
    const w = watch(app);
    await app.page.getByTestId('append-auto').click();
    // What the view shows, in order: the plan waits (its rows would take the main thread the
    // appends need) and its segment rows come after.
    await app.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { shown: string[] }).shown = seen;
      const note = (what: string) => seen[seen.length - 1] !== what && seen.push(what);
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="player-plan-waiting"]')) note('waiting');
        if (document.querySelector('[data-testid="player-segments"] tbody tr')) note('rows');
      }).observe(document.body, { childList: true, subtree: true });
    });
    await app.page.getByTestId('player-load').click();
    const log = app.page.getByTestId('player-log');
    await log.locator('li[data-type="endOfStream"]').waitFor({ timeout: 30_000 });
    await waitFor(async () => (await app.page.getByTestId('player-linting').count()) === 0);
    w.stop();
    expect(await app.page.evaluate(() => (window as unknown as { shown: string[] }).shown)).toEqual(['waiting', 'rows']);
    const kinds = w.seen.map((s) => s.kind);
    // The plan and the file's bytes are asked for at once (issue #18: the bytes travel while the
    // server plans); the lint only once appending has ended (it runs on the server that serves the
    // bytes), so after the last byte request.
    expect(kinds.slice(0, 2).sort()).toEqual(['bytes', 'plan']);
    expect(kinds.indexOf('lint')).toBeGreaterThan(kinds.lastIndexOf('bytes'));
    // One read from byte 0 to the end of this small file (less than two reads' worth), covering
    // the init segment and every media segment once; made by the page's read worker.
    const reads = w.seen.filter((s) => s.kind === 'bytes').map((s) => s.range!);
    expect(reads).toEqual([[0, size - 1]]);
    expect(ranges[0]![0]).toBe(0);
    expect(ranges[ranges.length - 1]![1]).toBe(size - 1);
    expect(app.page.workers().map((x) => x.url()).some((u) => /range-worker/.test(u))).toBe(true);
    // The lint starts after the last append (endOfStream), not alongside the appends.
    const order = await log.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-type')));
    expect(order.indexOf('lint')).toBeGreaterThan(order.indexOf('endOfStream'));
    expect(await log.locator('li[data-type="lint"]').first().textContent()).toMatch(/the lint starts, every segment appended/);
    // Every segment appended once, in order: alone until the lint found the file clean, then
    // several per appendBuffer ("segments a–b").
    const appended = (await log.locator('li[data-type="append"]').allTextContents()).flatMap((t) => {
      const many = /segments (\d+)–(\d+)/.exec(t);
      if (many) return Array.from({ length: Number(many[2]) - Number(many[1]) + 1 }, (_, k) => Number(many[1]) + k);
      const one = /segment (\d+)/.exec(t);
      return one ? [Number(one[1])] : /init segment/.test(t) ? [-1] : [];
    });
    expect(appended).toEqual(Array.from({ length: ranges.length }, (_, k) => k - 1));
    // The first media segment always goes in alone.
    expect(await log.locator('li[data-type="append"]').nth(1).textContent()).toMatch(/segment 0 \(/);
    expect(await app.page.getByTestId('player-buffered').textContent()).toMatch(/^0\.0\d\d-12\.0\d\d$/);
    // The lint's findings replaced the plan: the clean file is called clean.
    expect(await app.page.getByTestId('player-diagnosis').textContent()).toMatch(/the lint found no problem/);
    expect(app.problems).toEqual([]);
  });

  it('a refused batch still names the one segment the browser refuses, and the segments before it as appended', async () => {
    const broken = await refusedAt(5);
    await openInUi(app.page, broken);
    await app.page.getByTestId('player-source').selectOption({ label: path.basename(broken) });
    await app.page.getByTestId('append-auto').click();
    await app.page.getByTestId('player-load').click();
    const log = app.page.getByTestId('player-log');
    await log.locator('li[data-type="locate"]').waitFor({ timeout: 30_000 });
    // Segment 5 went in with its neighbours (one read, one appendBuffer), before the lint answered.
    const batch = (await log.locator('li[data-type="append"]').allTextContents()).map((t) => /segments (\d+)–(\d+)/.exec(t)).find(Boolean);
    expect(batch).toBeTruthy();
    expect(Number(batch![1])).toBeLessThan(5);
    expect(Number(batch![2])).toBeGreaterThan(5);
    expect(await log.locator('li[data-type="locate"]').textContent()).toMatch(/segment 5 is the one the browser refuses/);
    const diagnosis = await app.page.getByTestId('player-diagnosis');
    await diagnosis.filter({ hasText: '[traf-missing-tfdt]' }).waitFor({ timeout: 20_000 });
    expect(await diagnosis.textContent()).toMatch(/refused segment 5 \(“.*stream parsing failed/);
    const rows = app.page.getByTestId('player-segments').locator('tbody tr');
    expect(await rows.nth(4).locator('.status').textContent()).toBe('appended');
    expect(await rows.nth(5).locator('.status').textContent()).toBe('failed');
    expect(await rows.nth(6).locator('.status').textContent()).toBe('pending');
    await app.page.getByTestId('player-source').selectOption({ label: path.basename(file) });
  });

  it('step by step: each click fetches exactly the next segment (after the init segment), nothing ahead', async () => {
    const w = watch(app);
    await app.page.getByTestId('append-step').click();
    await app.page.getByTestId('player-load').click();
    const next = app.page.getByTestId('player-next-boxes');
    await next.getByText('Next to append: segment 0').waitFor();
    await app.page.waitForTimeout(300);
    expect(w.seen.filter((s) => s.kind === 'bytes')).toEqual([]);
    await app.page.getByTestId('append-next').click();
    await next.getByText('Next to append: segment 1').waitFor();
    await app.page.getByTestId('append-next').click();
    await next.getByText('Next to append: segment 2').waitFor();
    await app.page.waitForTimeout(300);
    w.stop();
    expect(w.seen.filter((s) => s.kind === 'bytes').map((s) => s.range)).toEqual(ranges.slice(0, 3));
    expect(await app.page.getByTestId('player-buffered').textContent()).toBe('0.000-2.021');
    await app.page.getByTestId('append-auto').click();
  });
});
