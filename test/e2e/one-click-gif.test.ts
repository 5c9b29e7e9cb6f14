/**
 * "Export GIF" in one click from the Inspector and the Player (issue 7), running as a job of the
 * shared queue so it also shows in Jobs; and Jobs → "Open in Player" choosing the Player's source.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip, fmp4 } from '../fixtures/generate';
import { openInUi, startApp, type App } from './helpers';

let app: App;
let dir: string;
let progressive: string;
let fragmented: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-oneclick-'));
  progressive = path.join(dir, 'camera.mp4');
  fragmented = path.join(dir, 'stream.mp4');
  await copyFile(await clip({ duration: 2, audio: null }), progressive);
  await copyFile(await fmp4({ duration: 2 }), fragmented);
  app = await startApp('#/inspector');
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

async function expectGif(file: string): Promise<void> {
  const bytes = await readFile(file);
  expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
  expect(bytes.includes(Buffer.from('NETSCAPE2.0', 'latin1'))).toBe(true);
}

describe('one-click GIF export', () => {
  it('from the Inspector: a GIF appears beside the input and the export is a job in Jobs', async () => {
    await openInUi(app.page, progressive);
    const pane = app.page.getByTestId('inspector-pane').filter({ hasText: 'camera.mp4' });
    await pane.getByTestId('export-gif-button').click();
    await pane.getByTestId('export-gif-done').waitFor({ timeout: 60_000 });
    await expectGif(path.join(dir, 'camera.gif'));

    await app.page.getByTestId('nav-jobs').click();
    await app.page.getByTestId('view-jobs').getByText('GIF of camera.mp4').first().waitFor();
  });

  it('from the Player: the source being played exports under a name that does not clobber', async () => {
    await openInUi(app.page, fragmented);
    await app.page.getByTestId('nav-player').click();
    // The source list shows each opened file by its name.
    const id = app.server.files.list().find((f) => f.name === 'stream.mp4')!.id;
    await app.page.getByTestId('player-source').selectOption({ label: 'stream.mp4' });
    expect(await app.page.getByTestId('player-source').inputValue()).toBe(id);
    await app.page.getByTestId('view-player').getByTestId('export-gif-button').click();
    await app.page.getByTestId('view-player').getByTestId('export-gif-done').waitFor({ timeout: 60_000 });
    await expectGif(path.join(dir, 'stream.gif'));
    expect(existsSync(path.join(dir, 'camera.gif'))).toBe(true);
  });

  it('a #/player?file=<id> link makes that file the Player source', async () => {
    const id = app.server.files.list().find((f) => f.name === 'camera.mp4')!.id;
    await app.page.getByTestId('nav-inspector').click();
    await app.page.evaluate((fileId) => (location.hash = `#/player?file=${fileId}`), id);
    await app.page.getByTestId('view-player').waitFor();
    await expect.poll(() => app.page.getByTestId('player-source').inputValue()).toBe(id);
  });

  it('caused no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
