import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gifJob, type GifJobParams } from '../../../electron/core/gif/job';
import { runStandalone } from '../../../electron/core/jobs/context';
import type { FfmpegPassOptions, JobProgress } from '../../../electron/core/jobs/types';
import { clip } from '../../fixtures/generate';
import { parseGif } from './gif-file';

let dir: string;
let src: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-gif-job-'));
  src = await clip({ duration: 2, width: 320, height: 180, fps: 30, audio: null });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Run the job kind with the JobContext every job gets, recording its passes and progress. */
function runJob(params: GifJobParams, signal = new AbortController().signal) {
  const passes: ({ args: string[] } & FfmpegPassOptions)[] = [];
  const progress: Partial<JobProgress>[] = [];
  const result = runStandalone(
    (job) =>
      gifJob.run(params, {
        ...job,
        ffmpeg: (args, options) => {
          passes.push({ args, ...options });
          return job.ffmpeg(args, options);
        },
        progress: (u) => {
          progress.push(u);
          job.progress(u);
        },
      }),
    { signal },
  );
  return { result, passes, progress };
}

describe('GIF export as a queue job', () => {
  it('refuses a bad job before it is queued', async () => {
    await expect(gifJob.prepare({ input: src, output: path.join(dir, 'x.gif'), options: { fps: 99 }, overwrite: false })).rejects.toMatchObject({ code: 'EBADOPTION' });
    await expect(gifJob.prepare({ input: path.join(dir, 'missing.mp4'), output: path.join(dir, 'x.gif'), options: {}, overwrite: false })).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await gifJob.prepare({ input: src, output: path.join(dir, 'x.gif'), options: {}, overwrite: false })).toMatchObject({
      title: `GIF of ${path.basename(src)}`,
      outputKind: 'file',
    });
  });

  it('runs its ffmpeg pass through the job, reports progress and commits with a summary', async () => {
    const out = path.join(dir, 'job.gif');
    const { result: running, passes, progress } = runJob({ input: src, output: out, options: { width: 160 }, overwrite: false });
    const result = await running;
    expect(result).toMatchObject({
      path: out,
      kind: 'file',
      summary: expect.stringMatching(/^GIF 160×90, 15 fps, 30 frames, 2\.00 s, [\d.]+ KB$/),
      details: { output: out, width: 160, height: 90, fps: 15, frames: 30 },
    });
    expect(passes).toHaveLength(1);
    expect(passes[0]).toMatchObject({ label: 'decode', share: [0, 40], durationSeconds: 2 });
    expect(passes[0]!.args).toContain(`file:${path.resolve(src)}`);
    expect(progress.some((p) => p.stage === 'encode')).toBe(true);
    expect(progress[progress.length - 1]).toMatchObject({ percent: 100 });
    expect(parseGif(await readFile(out)).width).toBe(160);
  });

  it('leaves no file when the job is cancelled', async () => {
    const controller = new AbortController();
    const out = path.join(dir, 'cancelled-job.gif');
    const { result: running } = runJob({ input: src, output: out, options: { palette: 'per-frame' }, overwrite: false }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toMatchObject({ code: 'ECANCELLED' });
    expect((await readdir(dir)).filter((n) => n.includes('cancelled-job'))).toEqual([]);
  });
});

describe('process exit in the middle of an export', () => {
  it.skipIf(process.platform === 'win32')('kills ffmpeg and removes the temporary GIF and decoded frames', async () => {
    const { spawn, execFileSync } = await import('node:child_process');
    const { mkdir, readdir: ls } = await import('node:fs/promises');
    const tmp = path.join(dir, 'tmp-exit');
    await mkdir(tmp);
    const out = path.join(dir, 'exit.gif');
    const root = path.resolve(__dirname, '../../..');
    const code = `
      import { exportGif } from ${JSON.stringify(path.join(root, 'electron/core/gif/export.ts'))};
      import { runStandalone } from ${JSON.stringify(path.join(root, 'electron/core/jobs/context.ts'))};
      let quit = false;
      runStandalone((job) => exportGif({ input: ${JSON.stringify(src)}, output: ${JSON.stringify(out)}, options: { palette: 'per-frame' } }, job), {
        onProgress: (p) => { if ((p.percent ?? 0) > 5 && !quit) { quit = true; process.exit(0); } },
      });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, env: { ...process.env, TMPDIR: tmp } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect((await ls(dir)).filter((n) => n.includes('exit') && n.endsWith('.gif'))).toEqual([]);
    expect((await ls(tmp)).filter((n) => n.startsWith('mwb-'))).toEqual([]);
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps.split('\n').filter((l) => l.includes(tmp))).toEqual([]);
  });
});
