/**
 * The Capabilities view says which binaries were found but not used, and why (issue 12): here an
 * FFPROBE_PATH that is an x86-64 macOS build, as ffprobe-static's "arm64" one is, which this
 * machine cannot run. The view shows the ffprobe it fell back to and the refused one with its reason.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearBinaryCache } from '../../electron/core/binaries';
import { machoHeader } from '../unit/ship/fake-electron';
import { startApp, type App } from './helpers';

describe('Capabilities: binaries passed over', () => {
  let dir: string;
  let app: App | undefined;
  const saved = process.env.FFPROBE_PATH;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-caps-e2e-'));
  });
  afterAll(async () => {
    await app?.close();
    if (saved === undefined) delete process.env.FFPROBE_PATH;
    else process.env.FFPROBE_PATH = saved;
    clearBinaryCache();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists a refused FFPROBE_PATH under "Not used" with the reason, beside the ffprobe in use', async () => {
    const foreign = path.join(dir, 'ffprobe');
    await writeFile(foreign, Buffer.concat([machoHeader('x64'), Buffer.alloc(4096)]));
    await chmod(foreign, 0o755);
    process.env.FFPROBE_PATH = foreign;
    clearBinaryCache();
    app = await startApp('#/caps');
    const card = app.page.getByTestId('caps-ffprobe');
    const note = app.page.getByTestId('caps-ffprobe-passed-over');
    await note.waitFor();
    expect(await note.getAttribute('role')).toBe('note');
    expect(await note.textContent()).toContain(`FFPROBE_PATH=${foreign} (built for darwin-x64, does not run on this ${process.platform}-${process.arch} machine)`);
    expect(await card.locator('.path').textContent()).not.toBe(foreign);
    expect(await app.page.getByTestId('caps-ffmpeg-passed-over').count()).toBe(0);
    expect(app.problems).toEqual([]);
  });
});
