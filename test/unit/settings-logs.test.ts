/** Settings persist in the data folder; the log file records start, ffmpeg, jobs and errors. */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportError } from '../../electron/cli/common';
import type { EventMap, EventName, JobRecord } from '../../electron/api';
import { FileRegistry } from '../../electron/core/files';
import { fileLogger, logFilePath } from '../../electron/core/log';
import { parseSettings, SettingsStore } from '../../electron/core/settings';
import { dispatch, type HandlerContext } from '../../electron/handlers';
import { shutdownJobQueue } from '../../electron/handlers/jobs';
import { startWebServer, type WebServer } from '../../electron/web';
import { clip } from '../fixtures/generate';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-settings-'));
});

async function call<T>(ctx: HandlerContext, name: string, args: unknown): Promise<T> {
  const env = await dispatch(ctx, name, args);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.result as T;
}

function ctxFor(dataDir: string): HandlerContext {
  return {
    mode: 'web',
    files: new FileRegistry(),
    electronVersion: null,
    dataDir,
    log: fileLogger(logFilePath(dataDir)),
    emit<E extends EventName>(_event: E, _payload: EventMap[E]) {},
  };
}

describe('settings.json', () => {
  it('keeps theme, the last preset and options, GIF defaults and recent files across a restart', async () => {
    const dataDir = path.join(dir, 'a');
    const media = await clip({ duration: 1 });
    const ctx = ctxFor(dataDir);
    await call(ctx, 'updateSettings', { theme: 'dark', transcode: { preset: 'hevc-mp4', options: { crf: 24, width: 640 } }, gif: { fps: 12, dither: 'bayer' } });
    await call(ctx, 'openPath', { path: media });
    // A new process (a new store) reads the same file.
    const fresh = await new SettingsStore(dataDir).get();
    expect(fresh.theme).toBe('dark');
    expect(fresh.transcode).toEqual({ preset: 'hevc-mp4', options: { crf: 24, width: 640 } });
    expect(fresh.gif).toEqual({ fps: 12, dither: 'bayer' });
    expect(fresh.recent[0]).toMatchObject({ path: media, name: path.basename(media) });
    expect(JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')).theme).toBe('dark');
  });

  it('refuses values the contract does not allow, and drops bad entries of a hand-edited file', async () => {
    const ctx = ctxFor(path.join(dir, 'b'));
    await expect(call(ctx, 'updateSettings', { theme: 'neon' })).rejects.toMatchObject({ code: 'EINVALIDARGS' });
    await expect(call(ctx, 'updateSettings', { recent: [{ path: '/etc/passwd' }] })).rejects.toMatchObject({ code: 'EINVALIDARGS' });
    const parsed = parseSettings({ theme: 'neon', window: { x: 1 }, recent: [{ path: '/a.mp4', name: 'a.mp4', size: 1, at: 1 }, 'junk'] });
    expect(parsed.theme).toBe('system');
    expect(parsed.window).toBeUndefined();
    expect(parsed.recent).toHaveLength(1);
  });

  it('a recent file that is gone leaves the list when reopened', async () => {
    const dataDir = path.join(dir, 'c');
    const ctx = ctxFor(dataDir);
    const file = path.join(dir, 'soon-gone.mp4');
    await writeFile(file, Buffer.alloc(64));
    await call(ctx, 'openPath', { path: file });
    expect((await new SettingsStore(dataDir).get()).recent.map((r) => r.path)).toContain(file);
    await import('node:fs/promises').then((fs) => fs.rm(file));
    await expect(call(ctx, 'openPath', { path: file })).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await new SettingsStore(dataDir).get()).recent.map((r) => r.path)).not.toContain(file);
  });
});

describe('the log file', () => {
  let server: WebServer;
  const dataDir = () => path.join(dir, 'web');
  beforeAll(async () => {
    const staticDir = path.join(dir, 'static');
    await mkdir(staticDir, { recursive: true });
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html>');
    server = await startWebServer({ staticDir, dataDir: dataDir() });
  });
  afterAll(async () => {
    await server.close();
  });

  it('web mode writes start and the chosen ffmpeg in electron-log format', async () => {
    const text = await readFile(logFilePath(dataDir()), 'utf8');
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\] {2}Media Workbench \d+\.\d+\.\d+ started \(web mode on http:\/\/127\.0\.0\.1:\d+;/m);
    expect(text).toMatch(/\[info\] {2}ffmpeg: \S*ffmpeg\S* \((env|bundled|path)\)/);
  });

  it("records every job's command and how it ended", async () => {
    const ctx = ctxFor(path.join(dir, 'jobs'));
    const media = await clip({ duration: 1 });
    const file = await call<{ id: string }>(ctx, 'openPath', { path: media });
    const job = await call<JobRecord>(ctx, 'transcodeEnqueue', { input: { fileId: file.id }, output: path.join(dir, 'logged.mp4'), preset: 'remux' });
    for (let i = 0; i < 500; i++) {
      const { jobs } = await call<{ jobs: JobRecord[] }>(ctx, 'jobsList', {});
      if (jobs.find((j) => j.id === job.id && ['done', 'failed'].includes(j.state))) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await shutdownJobQueue(ctx);
    const text = await readFile(logFilePath(ctx.dataDir!), 'utf8');
    expect(text).toContain(`job ${job.id} (transcode) runs: `);
    expect(text).toMatch(new RegExp(`job ${job.id} \\(transcode\\) runs: \\S*ffmpeg .* -c copy`));
    expect(text).toContain(`job ${job.id} (transcode) finished`);
  });

  it('mwb prints the log path on an internal error, and the log has the stack', async () => {
    const dataDir = path.join(dir, 'cli');
    const before = process.env.MWB_DATA_DIR;
    process.env.MWB_DATA_DIR = dataDir;
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      const bug = new TypeError("Cannot read properties of undefined (reading 'boxes')");
      const exit = await reportError('inspect', bug, false);
      expect(exit).toBe(1);
      const file = logFilePath(dataDir);
      expect(written.join('')).toBe(`mwb inspect: ${bug.message}\nThis looks like a bug in the workbench; details are in ${file}\n`);
      const log = await readFile(file, 'utf8');
      expect(log).toMatch(/\[error\] mwb inspect: internal error TypeError: Cannot read properties of undefined/);
      expect(log).toContain('settings-logs.test.ts');
      // A foreseen error (a missing file) is not a bug: no log path.
      written.length = 0;
      expect(await reportError('inspect', Object.assign(new Error('/x.mp4 does not exist.'), { code: 'ENOENT' }), false)).toBe(2);
      expect(written.join('')).toBe('mwb inspect: /x.mp4 does not exist.\n');
    } finally {
      spy.mockRestore();
      if (before === undefined) delete process.env.MWB_DATA_DIR;
      else process.env.MWB_DATA_DIR = before;
    }
  });
});
