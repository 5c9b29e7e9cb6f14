/**
 * Transcode and Jobs in real Chromium over web mode: pick an opened file and a preset, read the
 * exact command, queue it, watch it finish in Jobs, open the output in the Inspector; cancel a
 * running job from the UI and see that nothing is left.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../fixtures/generate';
import { openInUi, startApp, type App } from './helpers';

describe('Transcode and Jobs views (web mode, Chromium)', () => {
  let app: App;
  let dir: string;
  let input: string;
  let longInput: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-transcode-'));
    input = path.join(dir, 'clip one.mp4');
    longInput = path.join(dir, 'long.mp4');
    const [short, long] = await Promise.all([clip({ duration: 2, gop: 15 }), clip({ duration: 8, width: 640, height: 360, pattern: 'noise', gop: 60 })]);
    await copyFile(short, input);
    await copyFile(long, longInput);
    app = await startApp();
    await openInUi(app.page, input);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the exact command, queues the job and sees it finish', async () => {
    const { page } = app;
    await page.getByTestId('nav-transcode').click();
    await page.getByTestId('preset-web-mp4').click();
    await page.getByTestId('opt-speed').selectOption('ultrafast');
    const command = page.locator('[data-testid=command][data-stale=false]');
    await command.filter({ hasText: '-preset ultrafast' }).waitFor();
    const text = (await command.textContent()) ?? '';
    expect(text).toContain(`-i 'file:${input}'`);
    expect(text).toContain('-movflags +faststart');
    const expectedOutput = path.join(dir, 'clip one.web.mp4');
    expect(await page.getByTestId('output-path').inputValue()).toBe(expectedOutput);

    await page.getByTestId('enqueue').click();
    await page.getByTestId('queued-note').waitFor();
    await page.getByTestId('queued-note').getByRole('link').click();
    await page.getByTestId('view-jobs').waitFor();
    const job = page.locator('[data-testid=job]').filter({ hasText: 'clip one.web.mp4' });
    await job.and(page.locator('[data-state=done]')).waitFor({ timeout: 60_000 });
    expect(await job.textContent()).toMatch(/H\.264 320×180 .* AAC/);
    expect(existsSync(expectedOutput)).toBe(true);

    // The log holds the command and ffmpeg's own lines.
    await job.getByTestId('job-log').click();
    await job.getByTestId('job-log-text').filter({ hasText: 'ffmpeg exited with code 0' }).waitFor();

    // One click opens the output in the Inspector (hash navigation, file registered).
    await job.getByTestId('job-open-inspector').click();
    await page.getByTestId('view-inspector').waitFor();
    const hash = new URL(page.url()).hash;
    expect(hash).toMatch(/^#\/inspector\?file=/);
    const id = decodeURIComponent(hash.split('file=')[1]!);
    expect(app.server.files.get(id).path).toBe(expectedOutput);
    // The Inspector shows that file in its active tab.
    await page.locator('[role=tab][aria-selected=true]').filter({ hasText: 'clip one.web.mp4' }).waitFor();
  });

  it('disables an option value the preset refuses, with the reason', async () => {
    const { page } = app;
    await page.getByTestId('nav-transcode').click();
    await page.getByTestId('preset-web-mp4').click();
    await page.getByTestId('opt-width').fill('333');
    await page.getByTestId('preview-error').filter({ hasText: 'width must be even' }).waitFor();
    expect(await page.getByTestId('enqueue').isDisabled()).toBe(true);
    await page.getByTestId('opt-width').fill('');
  });

  it('cancels a running job from the Jobs view: no file is left', async () => {
    const { page } = app;
    await openInUi(page, longInput);
    await page.getByTestId('nav-transcode').click();
    await page.getByTestId('input-file').selectOption({ label: `long.mp4 — ${longInput}` });
    await page.getByTestId('preset-web-mp4').click();
    await page.getByTestId('opt-speed').selectOption('slow');
    await page.locator('[data-testid=command][data-stale=false]').filter({ hasText: '-preset slow' }).filter({ hasText: 'long.mp4' }).waitFor();
    await page.getByTestId('enqueue').click();
    await page.getByTestId('queued-note').filter({ hasText: 'long.web.mp4' }).waitFor();
    await page.getByTestId('nav-jobs').click();
    const job = page.locator('[data-testid=job]').filter({ hasText: 'long.web.mp4' });
    await job.and(page.locator('[data-state=running]')).waitFor();
    // Live progress: a percentage above zero and an ETA.
    await job.getByTestId('job-percent').filter({ hasText: /^(?!0\.0%)\d+\.\d%$/ }).waitFor({ timeout: 30_000 });
    await job.getByTestId('job-eta').filter({ hasText: /ETA \d+:\d\d/ }).waitFor();
    await job.getByTestId('job-cancel').click();
    await job.and(page.locator('[data-state=cancelled]')).waitFor({ timeout: 15_000 });
    expect((await readdir(dir)).sort()).toEqual(['clip one.mp4', 'clip one.web.mp4', 'long.mp4']);
    // Retry is offered for a cancelled job.
    expect(await job.getByTestId('job-retry').isVisible()).toBe(true);
  });

  it('runs without console errors or CSP violations', () => {
    expect(app.problems).toEqual([]);
  });
});
