/**
 * Record in real Chromium over web mode: type a live HLS URL (an advancing playlist served by a
 * node:http server in this test), check the source, start recording, watch it in Jobs (recorded
 * time, size, bitrate), stop it, and open the file in the Inspector.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveHls, type LiveSource } from '../fixtures/live-sources';
import { startApp, type App } from './helpers';

describe('Record view and Jobs (web mode, Chromium)', () => {
  let app: App;
  let live: LiveSource;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-record-'));
    live = await startLiveHls({ segments: 60 });
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
    await live?.close();
  });

  it('starts a recording, shows it in Jobs, stops it and opens the file in the Inspector', async () => {
    const { page } = app;
    const output = path.join(dir, 'live recording.mp4');
    await page.getByTestId('nav-record').click();
    await page.getByTestId('view-record').waitFor();
    await page.getByTestId('record-url').fill(live.url);
    await page.getByTestId('record-output').fill(output);

    // What will be recorded, asked of the source itself.
    await page.getByTestId('record-check').click();
    await page.getByTestId('record-preview').waitFor({ timeout: 30_000 });
    const streams = await page.getByTestId('record-stream').allTextContents();
    expect(streams.join('\n')).toMatch(/video\s*h264\s*copied as it is/);
    expect(streams.join('\n')).toMatch(/audio\s*aac\s*copied as it is/);
    expect(await page.getByTestId('record-preview').textContent()).toContain('+frag_keyframe+empty_moov+default_base_moof');

    await page.getByTestId('record-start').click();
    await page.getByTestId('record-live').waitFor();

    await page.getByTestId('nav-jobs').click();
    const job = page.locator('[data-testid=job]').filter({ hasText: 'live recording.mp4' });
    await job.and(page.locator('[data-state=running]')).waitFor({ timeout: 30_000 });
    // Recorded time, bytes and bitrate move while it runs.
    await expect
      .poll(async () => (await job.getByTestId('job-recorded').textContent())?.trim(), { timeout: 30_000 })
      .toMatch(/^0:0[3-9]|^0:[1-5]\d/);
    expect(await job.getByTestId('job-recording').textContent()).toMatch(/\d+(\.\d+)? (KB|MB).*\d+ kb\/s/s);
    await page.screenshot({ path: path.join(dir, 'jobs-recording.png') });

    await job.getByTestId('job-stop').click();
    await job.and(page.locator('[data-state=done]')).waitFor({ timeout: 30_000 });
    expect(await job.textContent()).toMatch(/H\.264 320×180 .* AAC .* fragments .* video copied, audio copied/);
    expect(await job.getByTestId('job-warning').count()).toBe(0);
    expect(await readdir(dir)).toContain('live recording.mp4');

    await job.getByTestId('job-open-inspector').click();
    await page.getByTestId('view-inspector').waitFor();
    const id = decodeURIComponent(new URL(page.url()).hash.split('file=')[1]!);
    expect(app.server.files.get(id).path).toBe(output);
    await page.locator('[role=tab][aria-selected=true]').filter({ hasText: 'live recording.mp4' }).waitFor();
    await page.waitForSelector('[data-testid=box-row][data-type=moof]');
    const types = await page.locator('[data-testid=box-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.type));
    expect(types.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(app.problems).toEqual([]);
  });

  it('says why when the source does not answer', async () => {
    const { page } = app;
    await page.getByTestId('nav-record').click();
    await page.getByTestId('record-url').fill('rtsp://127.0.0.1:9/none');
    await page.getByTestId('record-output').fill(path.join(dir, 'none.mp4'));
    await page.getByTestId('record-start').click();
    await page.getByTestId('record-error').filter({ hasText: 'Cannot record rtsp://127.0.0.1:9/none' }).waitFor({ timeout: 30_000 });
  });
});
