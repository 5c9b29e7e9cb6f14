/**
 * Drop anywhere, web mode in Chromium: files dropped on the window or chosen with "Choose files…"
 * are read in the page's engine worker (no path, no upload), and the Inspector, the lint, Compare
 * and the Player work on them as on files opened by path.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descend, type BoxNode } from '../../electron/core/boxes';
import { inspectFile } from '../../electron/core/boxes/file-source';
import { analyzeMse } from '../../electron/core/mse/analyze';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { brokenFixture, cleanFmp4, segmentedSet } from '../fixtures/mse-broken';
import { FRAG, FRAG_MOOF, remux } from '../unit/compare/fixtures';
import { chooseFiles, dropFiles, startApp, type App } from './helpers';

describe('Drop anywhere (web mode, browser files)', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp('#/inspector');
  });
  const text = path.join(os.tmpdir(), `mwb-dropin-${process.pid}-notes.txt`);
  afterAll(async () => {
    await app?.close();
    await rm(text, { force: true });
  });

  it('a dropped fMP4 shows its tree, fields, hex bytes and a lint finding, with nothing opened on the server', async () => {
    const { page } = app;
    const { file } = await brokenFixture('tfhd-base-data-offset');
    const boxes: BoxNode[] = (await inspectFile(file)).boxes;
    const lint = await analyzeMse([file]);
    expect(lint.findings.length).toBeGreaterThan(0);

    await dropFiles(page, [file]);
    await page.getByTestId('file-count').filter({ hasText: '1 open' }).waitFor();
    await page.waitForSelector('[data-testid=box-row]');
    const types = await page.locator('[data-testid=box-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.type));
    expect(types).toEqual(boxes.map((b) => b.type));
    // The server never saw the file: it lives in the browser only.
    expect(app.server.files.list()).toEqual([]);

    // Fields: the first fragment's tfhd, decoded in the worker, as the engine decodes it on Node.
    const tfhd = descend(boxes.find((b) => b.type === 'moof'), 'traf', 'tfhd')!;
    await page.fill('[data-testid=box-filter]', 'tfhd');
    await page.click(`[data-testid=box-row][data-path="${tfhd.path}"]`);
    await expect.poll(() => page.locator('[data-testid=detail-type]').textContent()).toBe('tfhd');
    const trackId = page.locator('[data-testid=field-row][data-field=track_id] [data-testid=field-value]');
    await expect.poll(async () => (await trackId.textContent())?.trim()).toBe(String(tfhd.fields.track_id));

    // Hex: read from the File with Blob.slice: size then "tfhd".
    const firstLine = page.locator('[data-testid=hex-line]').first();
    const sizeHex = tfhd.size.toString(16).padStart(8, '0').match(/../g)!;
    await expect
      .poll(async () => (await firstLine.locator('.b').allTextContents()).map((t) => t.trim()).slice(0, 8))
      .toEqual([...sizeHex, '74', '66', '68', '64']);
    expect(await firstLine.locator('.off').textContent()).toBe(tfhd.offset.toString(16).padStart(8, '0'));

    // The lint ran on the dropped file: the same findings as `mwb lint`.
    const strip = page.getByTestId('inspector-lint');
    await expect.poll(() => strip.textContent()).toMatch(new RegExp(`${lint.counts.error} errors?`));
    await page.getByTestId('lint-toggle').click();
    const rules = await page.getByTestId('lint-finding').evaluateAll((li) => li.map((l) => l.getAttribute('data-rule')));
    expect(rules).toEqual(lint.findings.slice(0, 200).map((f) => f.rule));
    expect(rules).toContain('tfhd-base-data-offset');
    await page.fill('[data-testid=box-filter]', '');
    expect(app.problems).toEqual([]);
  });

  it('compares two files chosen with the picker', async () => {
    const { page } = app;
    const a = await remux(['-movflags', FRAG]);
    const b = await remux(['-movflags', FRAG_MOOF]);
    await page.getByTestId('nav-compare').click();
    await chooseFiles(page, [a, b]);
    // Two files chosen together are the pair to compare, in their order.
    await expect.poll(() => page.getByTestId('compare-pick-a').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe(path.basename(a));
    expect(await page.getByTestId('compare-pick-b').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe(path.basename(b));
    await page.getByTestId('compare-run').click();
    const summary = page.getByTestId('compare-summary');
    await summary.waitFor();
    // The same two topics as when both are opened by path (test/e2e/compare.test.ts).
    await expect.poll(() => summary.getByTestId('compare-summary-row').count()).toBe(2);
    await expect.poll(() => summary.locator('[data-topic="tfhd-base"]').textContent()).toContain('default-base-is-moof');
    const fields = page.getByTestId('compare-fields');
    await expect.poll(() => fields.locator('h2').textContent()).toBe('ftyp');
    await page.keyboard.press('F7');
    await expect.poll(() => fields.locator('h2').textContent()).toBe('moof[0]/traf[0]/tfhd');
    expect(app.server.files.list()).toEqual([]);
    expect(app.problems).toEqual([]);
  });

  it('plays a picked fMP4 in the Player, appending from the File', async () => {
    const { page } = app;
    const file = await cleanFmp4();
    await page.getByTestId('nav-player').click();
    await chooseFiles(page, [file]);
    await page.getByTestId('player-source').selectOption({ label: path.basename(file) });
    await page.getByTestId('append-auto').click();
    await page.getByTestId('player-load').click();
    await page.getByTestId('player-state').filter({ hasText: /^playing$/ }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('player-buffered').textContent(), { timeout: 20_000 }).toBe('0.000-4.021');
    expect(app.server.files.list()).toEqual([]);
    expect(app.problems).toEqual([]);
  });

  it('plays an init segment with media segments, all chosen in the browser', async () => {
    const { page } = app;
    const { dir } = await segmentedSet('hls');
    const names = ['init.mp4', 'seg_000.m4s', 'seg_001.m4s', 'seg_002.m4s', 'seg_003.m4s'];
    await chooseFiles(page, names.map((n) => path.join(dir, n)));
    await page.getByTestId('nav-player').click();
    await page.getByTestId('player-source').selectOption({ label: 'init.mp4' });
    await page.getByText(/^Media segments/).click();
    for (const n of names.slice(1)) await page.getByRole('checkbox', { name: new RegExp(n.replace('.', '\\.')) }).check();
    await page.getByTestId('append-auto').click();
    await page.getByTestId('player-load').click();
    await page.getByTestId('player-state').filter({ hasText: /^playing$/ }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('player-buffered').textContent(), { timeout: 20_000 }).toMatch(/^0\.0\d\d-4\.0\d\d$/);
    const rows = await page.getByTestId('player-segments').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(rows.map((r) => r.trim())).toEqual(names.slice(1).map((n) => expect.stringContaining(n)) as unknown as string[]);
    expect(app.server.files.list()).toEqual([]);
  });

  it('a dropped file that is not an MP4 is named as such, and a manifest is refused with what to do', async () => {
    const { page } = app;
    await writeFile(text, 'these are notes, not a movie\n'.repeat(20));
    await page.getByTestId('nav-inspector').click();
    await dropFiles(page, [text]);
    await page.locator('[data-testid=inspector-tab]', { hasText: path.basename(text) }).waitFor();
    await page.locator('[data-testid=inspector-pane]:visible [data-testid=not-isobmff]').waitFor();

    const { manifest } = await segmentedSet('hls');
    await dropFiles(page, [manifest]);
    await page.getByTestId('nav-player').click();
    await page.getByTestId('player-source').selectOption({ label: path.basename(manifest) });
    await page.getByTestId('player-load').click();
    await expect.poll(() => page.getByTestId('notice-error').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/index\.m3u8 is a manifest: .*Drop the init segment and the media segments instead, or type the manifest's path/)]),
    );
  });

  it('Transcode asks for the path of a browser file, prefilled with its name', async () => {
    const { page } = app;
    const file = await cleanFmp4();
    await page.getByTestId('nav-transcode').click();
    await page.getByTestId('input-file').selectOption({ label: `${path.basename(file)} — ${path.basename(file)}` });
    const ask = page.getByTestId('needs-path');
    await ask.waitFor();
    expect(await page.getByTestId('needs-path-input').inputValue()).toBe(path.basename(file));
    await page.getByTestId('needs-path-input').fill(file);
    await page.getByTestId('needs-path-open').click();
    await expect.poll(() => app.server.files.list().map((f) => f.path)).toEqual([file]);
    await expect.poll(() => ask.count()).toBe(0);
  });
});
