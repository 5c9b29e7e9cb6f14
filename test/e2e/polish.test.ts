/**
 * What users hit first (issue #17), in real Chromium over web mode: toasts, closing files, the Open
 * box, small text, and the Player's notice for a codec the browser cannot decode.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip, fmp4 } from '../fixtures/generate';
import { openInUi, startApp, type App } from './helpers';

let app: App;
let dir: string;

beforeAll(async () => {
  app = await startApp('#/inspector');
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-polish-e2e-'));
});

afterAll(async () => {
  await app?.close();
});

/** Dismiss every toast, so the layout stops moving under the mouse. */
async function clearToasts(): Promise<void> {
  const buttons = app.page.getByTestId('toasts').getByRole('button', { name: 'Dismiss', exact: true });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

/** Open `file`, or bring its Inspector tab forward when it is already open. */
async function show(file: string): Promise<void> {
  if (app.server.files.list().some((f) => f.path === file)) await submitPath(file);
  else await openInUi(app.page, file);
  await app.page.getByTestId('nav-inspector').click();
  await app.page.locator('[data-testid="inspector-tab"][aria-selected="true"]').filter({ hasText: path.basename(file) }).waitFor();
  await clearToasts();
}

async function submitPath(p: string): Promise<void> {
  await app.page.getByTestId('open-path').fill(p);
  await app.page.getByTestId('open-path').press('Enter');
}

describe('toasts', () => {
  it('a broken file, a folder and missing paths: errors stack newest first, three at most with a count, and stay; info dismisses itself', async () => {
    const { page } = app;
    const broken = path.join(dir, 'broken.mp4');
    await writeFile(broken, 'this is not a movie\n');
    const folder = path.join(dir, 'a-folder');
    await mkdir(folder);
    const missing = path.join(dir, 'missing.mp4');

    // The broken file opens (the Inspector shows what is there); the folder and the missing path are refused.
    await submitPath(folder);
    await page.getByTestId('notice-error').filter({ hasText: `${folder} is a folder` }).waitFor();
    await submitPath(missing);
    await page.getByTestId('notice-error').filter({ hasText: `${missing} does not exist` }).waitFor();
    await submitPath('relative/clip.mp4');
    await page.getByTestId('notice-error').filter({ hasText: '"relative/clip.mp4" is a relative path' }).waitFor();
    await openInUi(page, broken);
    await page.getByTestId('not-isobmff').waitFor();
    await submitPath(missing + '.2');
    await page.getByTestId('notice-error').filter({ hasText: `${missing}.2 does not exist` }).waitFor();

    // Four errors: three show, newest first, and "1 more error".
    const errors = page.getByTestId('notice-error');
    expect(await errors.count()).toBe(3);
    const texts = await errors.allTextContents();
    expect(texts[0]).toContain(`${missing}.2 does not exist`);
    expect(texts[1]).toContain('is a relative path');
    expect(texts[2]).toContain(`${missing} does not exist`);
    await expect.poll(() => page.getByTestId('notice-more').textContent()).toContain('1 more error');

    // Toasts sit below the view, never over it: the Open button and the view's area stay uncovered.
    const toasts = await page.getByTestId('toasts').boundingBox();
    const view = await page.locator('main.content').boundingBox();
    expect(toasts!.y).toBeGreaterThanOrEqual(view!.y + view!.height - 1);

    // Errors stay (well past the info timeout); dismissing one brings the hidden one back.
    await page.waitForTimeout(5600);
    expect(await errors.count()).toBe(3);
    await errors.first().getByRole('button', { name: 'Dismiss' }).click();
    expect(await errors.count()).toBe(3);
    expect(await page.getByTestId('notice-more').count()).toBe(0);
    expect(await errors.last().textContent()).toContain(`${folder} is a folder`);

    // An info toast (re-opening an open file) dismisses itself.
    await submitPath(broken);
    const info = page.getByTestId('notice-info').filter({ hasText: 'broken.mp4 is already open' });
    await info.waitFor();
    await info.waitFor({ state: 'detached', timeout: 8000 });
  });
});

describe('files', () => {
  it('the Open box takes quoted paths, file:// URLs and ~; reopening focuses the tab; × and the context menu close files everywhere', async () => {
    const { page } = app;
    const a = await clip({ duration: 1 });
    const b = await clip({ duration: 1, width: 160, height: 90 });
    if (!app.server.files.list().some((f) => f.path === b)) await openInUi(page, b);
    const before = Number((await page.getByTestId('file-count').textContent())!.match(/\d+/)![0]);
    await submitPath(`"${a}"`);
    await page.getByTestId('file-count').filter({ hasText: `${before + 1} open` }).waitFor();
    // The same file as a file:// URL is the same file: its tab comes forward, nothing is added.
    await submitPath(`file://${a}`);
    await page.getByTestId('notice-info').filter({ hasText: `${path.basename(a)} is already open` }).waitFor();
    expect(await page.getByTestId('file-count').textContent()).toContain(`${before + 1} open`);
    const active = page.locator('[data-testid="inspector-tab"][aria-selected="true"]');
    expect(await active.textContent()).toContain(path.basename(a));
    if (a.startsWith(os.homedir() + '/')) {
      await submitPath('~' + a.slice(os.homedir().length));
      await page.getByTestId('notice-info').filter({ hasText: 'is already open' }).first().waitFor();
    }

    // "1 box", never "1 boxes"; a filter without matches says so.
    await page.getByTestId('box-filter').filter({ visible: true }).fill('zzzz');
    await page.getByTestId('filter-empty').filter({ hasText: 'No box matches “zzzz”' }).waitFor();
    await page.getByTestId('box-filter').filter({ visible: true }).fill('');

    // × on the tab closes the file: the counter and the pickers drop it.
    const count = Number((await page.getByTestId('file-count').textContent())!.match(/\d+/)![0]);
    await active.locator('..').getByTestId('inspector-tab-close').click();
    await page.getByTestId('file-count').filter({ hasText: `${count - 1} open` }).waitFor();
    expect(app.server.files.list().some((f) => f.path === a)).toBe(false);
    await page.getByTestId('nav-player').click();
    expect(await page.getByTestId('player-source').locator('option').allTextContents()).not.toContain(path.basename(a));

    // The context menu of a file picker closes the selected file.
    await page.getByTestId('player-source').click({ button: 'right' });
    const selected = await page.getByTestId('player-source').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? '');
    await page.getByTestId('file-menu-close').click();
    await page.getByTestId('file-count').filter({ hasText: `${count - 2} open` }).waitFor();
    expect(await page.getByTestId('player-source').locator('option').allTextContents()).not.toContain(selected);
  });

  it('a single-box file says "1 box"', async () => {
    const { page } = app;
    const one = path.join(dir, 'one-box.mp4');
    // One free box of 16 bytes.
    await writeFile(one, Buffer.from([0, 0, 0, 16, 0x66, 0x72, 0x65, 0x65, 0, 0, 0, 0, 0, 0, 0, 0]));
    await page.getByTestId('nav-inspector').click();
    await openInUi(page, one);
    await page.getByText(/· 1 box ·/).filter({ visible: true }).waitFor();
  });
});

describe('Player and a codec the browser cannot decode', () => {
  it('says prominently that the HEVC video cannot play here and only the audio plays', async () => {
    const { page } = app;
    const hevc = await clip({ duration: 1, video: 'libx265' });
    const decodable = await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L93.B0"'));
    await openInUi(page, hevc);
    await page.getByTestId('nav-player').click();
    await page.getByTestId('player-source').selectOption({ label: path.basename(hevc) });
    await page.getByTestId('player-load').click();
    if (decodable) return; // a Chromium build with HEVC: nothing to warn about
    const notice = page.getByTestId('player-unsupported');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/cannot decode the video track 1 \((hvc1|hev1)\./);
    expect(text).toContain('HEVC (H.265)');
    expect(text).toContain('Only the audio plays; the picture stays empty.');
    // The lint's codec finding says the same, from the page's own isTypeSupported.
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('player-findings').getByText('Not supported by MSE in this browser').first().waitFor();
  });
});

describe('GIF view after an export', () => {
  it('shows the exported GIF read back from disk, with its size and a reveal link', async () => {
    const { page } = app;
    const src = await clip({ duration: 1, width: 160, height: 90 });
    if (!app.server.files.list().some((f) => f.path === src)) await openInUi(page, src);
    await page.getByTestId('nav-gif').click();
    await page.getByTestId('gif-file').selectOption({ label: path.basename(src) });
    await page.getByTestId('gif-source').filter({ hasText: '160×90' }).waitFor();
    await page.getByTestId('gif-output').fill(path.join(dir, 'exported.gif'));
    await page.getByTestId('export-gif-button').click();
    const img = page.getByTestId('gif-exported');
    await img.waitFor({ timeout: 60_000 });
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(160);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(path.join(dir, 'exported.gif')));
    // Shown, not added to the workspace: the open-files list does not grow.
    expect(app.server.files.list().some((f) => f.name === 'exported.gif')).toBe(false);
    expect(await page.getByTestId('gif-exported-size').textContent()).toMatch(/\d+(\.\d+)? (KB|B|MB)/);
    expect(size).toBeGreaterThan(0);
    // Web mode cannot open a file manager: the link copies the path and says where the GIF is.
    await page.getByTestId('gif-reveal').click();
    await page.getByTestId('notice-info').filter({ hasText: `The GIF is at ${path.join(dir, 'exported.gif')}` }).waitFor();
  });
});

describe('charts zoom, pan and read out', () => {
  it('the sample-size chart zooms with the wheel, pans with a drag, reads out the cursor and resets', async () => {
    const { page } = app;
    const file = await fmp4({ duration: 4, gop: 30 });
    await show(file);
    const pane = page.locator('[data-testid=inspector-pane]:visible');
    await pane.locator('[data-testid=mode-samples]').click();
    const canvas = pane.getByTestId('sample-chart-canvas');
    await canvas.waitFor();
    const range = pane.getByTestId('sample-chart-range');
    const full = await range.textContent();
    expect(full).toMatch(/^0\.000–4\.0\d\d s/);
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
    await expect.poll(() => range.textContent()).toContain('zoomed');
    const zoomed = (await range.textContent())!;
    await expect.poll(() => pane.locator('.chart .tip').textContent()).toMatch(/cursor \d+\.\d{3} s/);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await range.textContent()).not.toBe(zoomed);
    await canvas.dblclick();
    await expect.poll(() => range.textContent()).toBe(full);
    await pane.locator('[data-testid=mode-boxes]').click();
  });

  it('the Player timeline zooms and pans, keeps the time readout, and + / 0 work from the keyboard', async () => {
    const { page } = app;
    const file = await fmp4({ duration: 4, gop: 30 });
    await page.getByTestId('nav-player').click();
    await page.getByTestId('player-source').selectOption({ label: path.basename(file) });
    await page.getByTestId('player-load').click();
    const timeline = page.getByTestId('player-timeline');
    await timeline.locator('[data-testid=timeline-buffered]').first().waitFor();
    await clearToasts();
    const range = page.getByTestId('timeline-range');
    const full = await range.textContent();
    const svg = timeline.locator('svg');
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
    await expect.poll(() => range.textContent()).toContain('zoomed');
    await expect.poll(() => timeline.locator('.hover').textContent()).toMatch(/^\d+\.\d{3} s/);
    await svg.focus();
    await page.keyboard.press('0');
    await expect.poll(() => range.textContent()).toBe(full);
    await page.keyboard.press('+');
    await expect.poll(() => range.textContent()).toContain('zoomed');
  });

  it('Compare draws both files\u2019 fragment durations in one chart', async () => {
    const { page } = app;
    const a = await fmp4({ duration: 4, gop: 30 });
    const b = await fmp4({ duration: 4, gop: 15 });
    for (const f of [a, b]) if (!app.server.files.list().some((x) => x.path === f)) await openInUi(page, f);
    await page.getByTestId('nav-compare').click();
    await page.getByTestId('compare-pick-a').selectOption({ label: path.basename(a) });
    await page.getByTestId('compare-pick-b').selectOption({ label: path.basename(b) });
    await page.getByTestId('compare-run').click();
    const chart = page.getByTestId('compare-fragment-chart').first();
    await chart.waitFor();
    await clearToasts();
    // uPlot's legend: the x series plus A and B.
    expect(await chart.locator('.u-legend .u-series').count()).toBe(3);
    await chart.locator('.u-over').hover();
    await expect.poll(() => chart.locator('.u-legend .u-series').nth(1).textContent()).toMatch(/A\s*[\d.]+ s/);
    expect(await chart.locator('.u-legend .u-series').nth(2).textContent()).toMatch(/B\s*[\d.]+ s/);
  });
});
