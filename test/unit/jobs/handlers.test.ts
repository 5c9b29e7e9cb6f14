/** The jobs contract through `dispatch`, as every binding calls it: validation, events, notifications. */
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMap, EventName, JobRecord, PresetInfo, RecordPreview, TranscodePreview } from '../../../electron/api';
import { FileRegistry } from '../../../electron/core/files';
import { dispatch, type HandlerContext } from '../../../electron/handlers';
import { shutdownJobQueue } from '../../../electron/handlers/jobs';
import { clip } from '../../fixtures/generate';
import { startLiveHls } from '../../fixtures/live-sources';
import { ffmpegChildren, sleep, tempDir } from './helpers';

interface Ctx extends HandlerContext {
  events: { event: EventName; payload: unknown }[];
  notifications: [string, string][];
}

async function makeCtx(): Promise<Ctx> {
  const events: Ctx['events'] = [];
  const notifications: Ctx['notifications'] = [];
  return {
    mode: 'web',
    files: new FileRegistry(),
    electronVersion: null,
    dataDir: await tempDir('mwb-data-'),
    emit<E extends EventName>(event: E, payload: EventMap[E]) {
      events.push({ event, payload });
    },
    desktopNotify: (title, body) => notifications.push([title, body]),
    events,
    notifications,
  };
}

async function call<T>(ctx: HandlerContext, name: string, args: unknown): Promise<T> {
  const env = await dispatch(ctx, name, args);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.result as T;
}

async function until(ctx: HandlerContext, id: string, states: string[]): Promise<JobRecord> {
  for (let i = 0; i < 3000; i++) {
    const { jobs } = await call<{ jobs: JobRecord[] }>(ctx, 'jobsList', {});
    const j = jobs.find((x) => x.id === id);
    if (j && states.includes(j.state)) return j;
    await sleep(20);
  }
  throw new Error(`job ${id} never reached ${states.join('/')}`);
}

describe('jobs handlers', () => {
  let ctx: Ctx;
  let dir: string;
  let input: string;
  let fileId: string;

  beforeAll(async () => {
    ctx = await makeCtx();
    dir = await tempDir();
    input = path.join(dir, 'in.mp4');
    await copyFile(await clip({ duration: 2, gop: 15 }), input);
    fileId = (await ctx.files.open(input)).id;
  });
  afterAll(async () => {
    await shutdownJobQueue(ctx);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('lists presets with availability and hardware encoders', async () => {
    const presets = await call<PresetInfo[]>(ctx, 'transcodePresets', {});
    expect(presets).toHaveLength(14);
    const web = presets.find((p) => p.id === 'web-mp4')!;
    expect(web).toMatchObject({ available: true, reason: null, outputKind: 'file', extension: '.mp4' });
    for (const h of web.hwEncoders) expect(h).toMatch(/^h264_(nvenc|qsv|vaapi|videotoolbox|amf|mf)$/);
    expect(presets.find((p) => p.id === 'remux')!.urlInput).toBe(true);
    const hw = await call<{ name: string; usable: boolean; reason: string | null }[]>(ctx, 'transcodeHardware', {});
    for (const h of hw) expect(h.usable || typeof h.reason === 'string').toBe(true);
  });

  it('previews the exact command and suggests an output beside the input', async () => {
    const p = await call<TranscodePreview>(ctx, 'transcodePreview', { input: { fileId }, preset: 'hls-fmp4', options: { segmentSeconds: 1 } });
    expect(p.suggestedOutput).toBe(path.join(dir, 'in.hls'));
    expect(p.outputKind).toBe('folder');
    expect(p.cwd).toBe(p.target);
    expect(p.command).toBe(`cd ${p.target} && ${p.ffmpeg} ${p.args.map((a) => (/^[\w\-+=.,/:@%^]+$/.test(a) ? a : `'${a}'`)).join(' ')}`);
    expect(p.commandAlt).toContain('cd /d');
    expect(p.args.at(-1)).toBe('index.m3u8');
  });

  it('offers the custom preset (raw ffmpeg arguments) on the command line only', async () => {
    const presets = await call<PresetInfo[]>(ctx, 'transcodePresets', {});
    expect(presets.find((p) => p.id === 'custom')).toMatchObject({ available: false, reason: expect.stringMatching(/command line only/) });
    await expect(call(ctx, 'transcodeEnqueue', { input: { fileId }, output: path.join(dir, 'x.mp4'), preset: 'custom' })).rejects.toMatchObject({ code: 'ECLIONLY' });
    await expect(
      call(ctx, 'transcodeEnqueue', { input: { fileId }, output: path.join(dir, 'x.mp4'), preset: 'web-mp4', options: { customArgs: ['-vf', 'movie=/etc/passwd'] } }),
    ).rejects.toMatchObject({ code: 'EINVALIDARGS' });
  });

  it('refuses bad arguments at the contract: unknown preset, a URL for a file preset, a raw path as input', async () => {
    await expect(call(ctx, 'transcodeEnqueue', { input: { fileId }, output: path.join(dir, 'x.mp4'), preset: 'nope' })).rejects.toMatchObject({ code: 'EINVALIDARGS' });
    await expect(call(ctx, 'transcodeEnqueue', { input: { path: input }, output: path.join(dir, 'x.mp4'), preset: 'web-mp4' })).rejects.toMatchObject({ code: 'EINVALIDARGS' });
    await expect(call(ctx, 'transcodeEnqueue', { input: { url: 'file:///etc/passwd' }, output: path.join(dir, 'x.mp4'), preset: 'remux' })).rejects.toMatchObject({ code: 'EINVALIDARGS' });
    await expect(call(ctx, 'transcodeEnqueue', { input: { url: 'http://127.0.0.1:9/x.mp4' }, output: path.join(dir, 'x.mp4'), preset: 'web-mp4' })).rejects.toThrow(/only remux reads from a URL/);
    await expect(call(ctx, 'transcodeEnqueue', { input: { fileId: 'AAAAAAAAAAAA' }, output: path.join(dir, 'x.mp4'), preset: 'web-mp4' })).rejects.toMatchObject({ code: 'ENOTOPEN' });
  });

  it('queues, emits events, notifies, keeps a log, opens the output as a file', async () => {
    const output = path.join(dir, 'out.mp4');
    const queued = await call<JobRecord>(ctx, 'transcodeEnqueue', { input: { fileId }, output, preset: 'fmp4-mse', options: { speed: 'ultrafast', segmentSeconds: 1 } });
    expect(queued.kind).toBe('transcode');
    const done = await until(ctx, queued.id, ['done', 'failed']);
    expect(done.error).toBeNull();
    const names = ctx.events.map((e) => e.event);
    expect(names).toContain('jobs.changed');
    expect(names).toContain('jobs.progress');
    expect(names).toContain('jobs.queue');
    const states = ctx.events
      .filter((e) => e.event === 'jobs.changed' && (e.payload as { job: JobRecord }).job.id === queued.id)
      .map((e) => (e.payload as { job: JobRecord }).job.state);
    expect(states[0]).toBe('queued');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('done');
    expect(ctx.notifications).toEqual([['Job finished', expect.stringContaining('out.mp4')]]);

    const log = await call<{ text: string; path: string }>(ctx, 'jobLog', { id: queued.id });
    expect(log.path).toBe(path.join(ctx.dataDir!, 'jobs', 'logs', `${queued.id}.log`));
    expect(log.text).toContain('$ ');
    expect(log.text).toContain('frag_keyframe+empty_moov+default_base_moof');

    const opened = await call<{ id: string; path: string }>(ctx, 'jobOpenOutput', { id: queued.id });
    expect(opened.path).toBe(output);
    expect(ctx.files.get(opened.id).path).toBe(output);
    await expect(call(ctx, 'jobOpenOutput', { id: queued.id, file: '../in.mp4' })).rejects.toMatchObject({ code: 'EINVALIDARGS' });
    await expect(call(ctx, 'jobOpenOutput', { id: queued.id, file: 'in.mp4' })).rejects.toThrow(/wrote no file named in\.mp4/);

    const reveal = await call<{ revealed: boolean; path: string }>(ctx, 'jobReveal', { id: queued.id });
    expect(reveal).toEqual({ revealed: false, path: output });

    // The history is on disk in the data folder.
    await sleep(300);
    const history = JSON.parse(await readFile(path.join(ctx.dataDir!, 'jobs', 'history.json'), 'utf8')) as { jobs: JobRecord[] };
    expect(history.jobs.find((j) => j.id === queued.id)?.state).toBe('done');
  });

  it('opens one file of a folder output by name', async () => {
    const output = path.join(dir, 'dash-out');
    const queued = await call<JobRecord>(ctx, 'transcodeEnqueue', { input: { fileId }, output, preset: 'dash', options: { speed: 'ultrafast', segmentSeconds: 1 } });
    const done = await until(ctx, queued.id, ['done', 'failed']);
    expect(done.result!.files.map((f) => f.name)).toContain('manifest.mpd');
    expect(done.result!.primary).toBe(path.join(output, 'init-0.m4s'));
    const init = await call<{ path: string }>(ctx, 'jobOpenOutput', { id: queued.id });
    expect(init.path).toBe(path.join(output, 'init-0.m4s'));
    const mpd = await call<{ path: string }>(ctx, 'jobOpenOutput', { id: queued.id, file: 'manifest.mpd' });
    expect(mpd.path).toBe(path.join(output, 'manifest.mpd'));
  });

  it('pause, reorder, cancel, retry and remove through the contract', async () => {
    await call(ctx, 'jobsPause', { paused: true });
    const a = await call<JobRecord>(ctx, 'transcodeEnqueue', { input: { fileId }, output: path.join(dir, 'a.m4a'), preset: 'audio-aac' });
    const b = await call<JobRecord>(ctx, 'transcodeEnqueue', { input: { fileId }, output: path.join(dir, 'b.m4a'), preset: 'audio-aac' });
    await expect(call(ctx, 'transcodeEnqueue', { input: { fileId }, output: path.join(dir, 'b.m4a'), preset: 'audio-aac' })).rejects.toMatchObject({ code: 'EBUSY' });
    const moved = await call<{ order: string[] }>(ctx, 'jobMove', { id: b.id, index: 0 });
    expect(moved.order).toEqual([b.id, a.id]);
    const cancelled = await call<JobRecord>(ctx, 'jobCancel', { id: a.id });
    expect(cancelled.state).toBe('cancelled');
    await call(ctx, 'jobsPause', { paused: false });
    await until(ctx, b.id, ['done']);
    await call(ctx, 'jobRetry', { id: a.id });
    const retried = await until(ctx, a.id, ['done']);
    expect(retried.attempts).toBe(1); // it never ran before it was cancelled
    expect(existsSync(path.join(dir, 'a.m4a'))).toBe(true);
    await call(ctx, 'jobRemove', { id: a.id });
    const { jobs } = await call<{ jobs: JobRecord[] }>(ctx, 'jobsList', {});
    expect(jobs.some((j) => j.id === a.id)).toBe(false);
    expect(existsSync(path.join(dir, 'a.m4a'))).toBe(true); // removing a job keeps its output
    expect((await call<{ concurrency: number }>(ctx, 'jobsConcurrency', { concurrency: 2 })).concurrency).toBe(2);
  });

  it('records a live URL: preview, enqueue, stop keeps the file; bad URLs never reach ffmpeg', async () => {
    const live = await startLiveHls();
    try {
      const preview = await call<RecordPreview>(ctx, 'recordPreview', { url: live.url });
      expect(preview.suggestedOutput).toMatch(/recording-\d{4}-\d{2}-\d{2}-\d{4}(-\d+)?\.mp4$/);
      expect(preview.streams.map((s) => `${s.type}:${s.action}`)).toEqual(['video:copy', 'audio:copy']);
      const output = path.join(dir, 'rec.mp4');
      const job = await call<JobRecord>(ctx, 'recordEnqueue', { url: live.url, output });
      expect(job).toMatchObject({ kind: 'record', stoppable: true });
      for (let i = 0; i < 1500; i++) {
        const { jobs } = await call<{ jobs: JobRecord[] }>(ctx, 'jobsList', {});
        if ((jobs.find((j) => j.id === job.id)?.progress?.outTimeSeconds ?? 0) >= 3) break;
        await sleep(20);
      }
      expect((await call<JobRecord>(ctx, 'jobStop', { id: job.id })).stopRequested).toBe(true);
      const done = await until(ctx, job.id, ['done', 'failed']);
      expect(done.state).toBe('done');
      expect(done.result!.durationSeconds).toBeGreaterThan(2);
      expect((await call<{ path: string }>(ctx, 'jobOpenOutput', { id: job.id })).path).toBe(output);
      expect(ctx.notifications.some(([title, body]) => title === 'Job finished' && body.includes('rec.mp4'))).toBe(true);

      for (const url of ['file:///etc/passwd', 'concat:/a|/b', 'ftp://host/x']) {
        await expect(call(ctx, 'recordEnqueue', { url, output: path.join(dir, 'x.mp4') })).rejects.toMatchObject({ code: 'EINVALIDARGS' });
      }
    } finally {
      await live.close();
    }
  });
});
