import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../fixtures/generate';
import { openInUi, startApp, type App } from './helpers';

const sections = ['inspector', 'compare', 'player', 'transcode', 'record', 'gif', 'jobs', 'caps'];

describe('workbench shell in Chromium (web mode)', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('navigates to every section by clicking', async () => {
    for (const id of sections) {
      await app.page.getByTestId(`nav-${id}`).click();
      await app.page.getByTestId(`view-${id}`).waitFor();
      expect(await app.page.locator('#view-title').textContent()).not.toBe('');
      expect(new URL(app.page.url()).hash).toBe(`#/${id}`);
    }
  });

  it('navigates with the keyboard: arrows in the sidebar and Alt+digit anywhere', async () => {
    await app.page.getByTestId('nav-inspector').click();
    await app.page.keyboard.press('ArrowDown');
    await app.page.getByTestId('view-compare').waitFor();
    await app.page.keyboard.press('End');
    await app.page.getByTestId('view-caps').waitFor();
    await app.page.keyboard.press('Alt+3');
    await app.page.getByTestId('view-player').waitFor();
    await app.page.keyboard.press('Alt+1');
    await app.page.getByTestId('view-inspector').waitFor();
  });

  it('shows the ffmpeg in use and its encoders in Capabilities', async () => {
    await app.page.getByTestId('nav-caps').click();
    const ffmpeg = app.page.getByTestId('caps-ffmpeg');
    await ffmpeg.waitFor();
    expect(await ffmpeg.textContent()).toMatch(/ffmpeg\s*\d+\.\d+/);
    await app.page.getByTestId('caps-table').locator('td', { hasText: 'libx264' }).first().waitFor();
    await app.page.getByTestId('caps-tab-muxers').click();
    await app.page.getByTestId('caps-table').locator('td', { hasText: /^mp4$/ }).first().waitFor();
  });

  it('opens a file by path, and names the file when it cannot', async () => {
    const file = await clip({ duration: 1 });
    await openInUi(app.page, file);
    expect(app.server.files.list().map((f) => f.path)).toContain(file);

    await app.page.getByTestId('open-path').fill('/nonexistent/clip.mp4');
    await app.page.getByTestId('open-submit').click();
    const notice = app.page.getByTestId('notice-error');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('/nonexistent/clip.mp4 does not exist');
  });

  it('runs without console errors or CSP violations', () => {
    expect(app.problems).toEqual([]);
  });
});
