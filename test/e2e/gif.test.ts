import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../fixtures/generate';
import { parseGif } from '../unit/gif/gif-file';
import { openInUi, startApp, type App } from './helpers';

let app: App;
let dir: string;
let input: string;
let long: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-gif-e2e-'));
  // Copies in a folder of our own: the GIF lands beside its input.
  input = path.join(dir, 'clip.mp4');
  await copyFile(await clip({ duration: 2, width: 320, height: 180, fps: 30, audio: null }), input);
  long = path.join(dir, 'long.mp4');
  await copyFile(await clip({ duration: 8, width: 320, height: 180, fps: 30, audio: null }), long);
  app = await startApp('#/gif');
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GIF view (web mode, Chromium)', () => {
  it('asks for a file first', async () => {
    await app.page.getByTestId('empty-state').filter({ hasText: 'Export a GIF' }).waitFor();
  });

  it('exports with one click: defaults, beside the input, looping', async () => {
    const { page } = app;
    await openInUi(page, input);
    await page.getByTestId('gif-source').filter({ hasText: '320×180' }).waitFor();
    await expect.poll(() => page.getByTestId('gif-output').inputValue()).toBe(path.join(dir, 'clip.gif'));
    await page.getByTestId('gif-estimate').filter({ hasText: 'KB' }).waitFor();
    await page.getByTestId('export-gif-button').click();
    const result = page.getByTestId('gif-result');
    await result.filter({ hasText: 'Saved' }).waitFor();
    await expect(result.textContent()).resolves.toContain('320×180 · 15 fps · 30 frames · 2.00 s');
    const gif = parseGif(await readFile(path.join(dir, 'clip.gif')));
    expect(gif.loop).toBe(0);
    expect([gif.width, gif.height]).toEqual([320, 180]);
    expect(gif.frames.reduce((a, f) => a + f.delayCs, 0)).toBe(200);
    // the next one-click name does not clobber the first
    await expect.poll(() => page.getByTestId('gif-output').inputValue()).toBe(path.join(dir, 'clip-2.gif'));
  });

  it('trims frame by frame on the strip, previews, and exports the selection with options', async () => {
    const { page } = app;
    await page.locator('[data-testid="trim"] .thumbs img').first().waitFor();
    const startHandle = page.getByTestId('trim-start-handle');
    await startHandle.focus();
    for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowRight'); // 15 source frames = 0.5 s
    await expect.poll(() => page.getByTestId('trim-start').inputValue()).toBe('0:00.500');
    await page.getByTestId('trim-end').fill('1.5');
    await page.getByTestId('trim-end').press('Enter');
    await expect.poll(() => page.getByTestId('trim-length').textContent()).toBe('1.000 s');
    await page.getByTestId('gif-width').fill('160');
    await page.getByTestId('gif-fps').fill('10');
    await page.getByTestId('gif-estimate').filter({ hasText: '160×90 · 10 fps · 10 frames' }).waitFor();

    await page.getByTestId('gif-preview-button').click();
    const img = page.getByTestId('gif-preview');
    await img.waitFor();
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(160);

    await page.getByTestId('export-gif-button').click();
    await page.getByTestId('gif-result').filter({ hasText: '160×90 · 10 fps · 10 frames · 1.00 s' }).waitFor();
    const gif = parseGif(await readFile(path.join(dir, 'clip-2.gif')));
    expect([gif.width, gif.height]).toEqual([160, 90]);
    expect(gif.frames.reduce((a, f) => a + f.delayCs, 0)).toBe(100);
  });

  it('cancels an export and leaves nothing behind', async () => {
    const { page } = app;
    await openInUi(page, long);
    await page.getByTestId('gif-file').selectOption({ label: 'long.mp4' });
    await page.getByTestId('gif-source').filter({ hasText: '8.00 s' }).waitFor();
    await page.getByTestId('gif-options-toggle').click();
    await page.getByTestId('gif-palette').selectOption('per-frame');
    await page.getByTestId('export-gif-button').click();
    await page.getByTestId('export-gif-cancel').click();
    await page.getByTestId('gif-result').filter({ hasText: 'Cancelled' }).waitFor();
    const names = await readdir(dir);
    expect(names.filter((n) => n.startsWith('long') && n.endsWith('.gif'))).toEqual([]);
    expect(names.filter((n) => n.includes('.part'))).toEqual([]);
  });

  it('shows no console errors or CSP violations', () => {
    expect(app.problems).toEqual([]);
  });
});
