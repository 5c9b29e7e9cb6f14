import { existsSync } from 'node:fs';
import path from 'node:path';
import type { gifContract } from '../contract/gif';
import { WorkbenchError } from '../core/errors';
import { outputArg } from '../core/ffmpeg-input';
import { takeGifResult, type GifJobParams } from '../core/gif/job';
import type { GifOptions, GifSourceInfo } from '../core/gif/gif-types';
import { defaultGifPath } from '../core/gif/output';
import { resolveSettings } from '../core/gif/plan';
import { estimateForOptions, previewGif } from '../core/gif/preview';
import { probeSource } from '../core/gif/probe';
import { localRunner } from '../core/gif/runner';
import { thumbnails } from '../core/gif/thumbnails';
import type { HandlerContext, HandlerMap } from './context';
import { jobQueueFor, watchJobs } from './jobs';

/** Probe results per file (keyed by path and mtime, so a re-written file is probed again). */
const probes = new Map<string, Promise<GifSourceInfo>>();

function sourceOf(ctx: HandlerContext, id: string): Promise<GifSourceInfo> {
  const file = ctx.files.get(id);
  if (file.url) {
    return Promise.reject(
      new WorkbenchError('EREMOTE', `${file.url} is a URL: the GIF view reads local files. Use "mwb gif ${file.url} out.gif" (ffmpeg reads the URL), or download the file and open it.`),
    );
  }
  const key = `${file.path}\0${file.mtimeMs}\0${file.size}`;
  let hit = probes.get(key);
  if (!hit) {
    hit = probeSource(file.path);
    hit.catch(() => probes.delete(key));
    probes.set(key, hit);
    if (probes.size > 64) probes.delete(probes.keys().next().value!);
  }
  return hit;
}

/**
 * Estimates and previews follow the user's edits: a newer request for the same file (and kind)
 * aborts the older one, so only the latest settings cost CPU.
 */
const latest = new Map<string, AbortController>();
function supersede(key: string): AbortController {
  latest.get(key)?.abort();
  const c = new AbortController();
  latest.set(key, c);
  return c;
}
function release(key: string, c: AbortController): void {
  if (latest.get(key) === c) latest.delete(key);
}

/**
 * GIF exports are jobs of the shared queue (progress, cancel, retry, log, history in Jobs). The GIF
 * view follows them through `gif.*` events keyed by the job id, translated here once per binding.
 */
const translating = new WeakSet<HandlerContext>();
const lastProgress = new Map<string, number>();
function translateGifJobs(ctx: HandlerContext): void {
  if (translating.has(ctx)) return;
  translating.add(ctx);
  const gifJobs = new Set<string>();
  watchJobs(ctx, {
    job(job) {
      if (job.kind !== 'gif') return;
      gifJobs.add(job.id);
      if (job.state === 'done') {
        const result = takeGifResult(job.id);
        if (result) ctx.emit('gif.finished', { exportId: job.id, ok: true, result });
        else ctx.emit('gif.finished', { exportId: job.id, ok: false, error: { code: 'ERESULT', message: `The GIF was written to ${job.result?.path ?? job.output}, but its details were lost; see Jobs.` } });
      } else if (job.state === 'failed' || job.state === 'cancelled' || job.state === 'interrupted') {
        const code = job.state === 'cancelled' ? 'ECANCELLED' : (job.error?.code ?? 'EJOB');
        ctx.emit('gif.finished', { exportId: job.id, ok: false, error: { code, message: job.error?.message ?? `The GIF export was ${job.state}.` } });
      }
      if (job.state !== 'queued' && job.state !== 'running' && job.state !== 'cancelling') {
        gifJobs.delete(job.id);
        lastProgress.delete(job.id);
      }
    },
    progress(id, progress) {
      if (!gifJobs.has(id)) return;
      const now = Date.now();
      const percent = progress.percent ?? 0;
      if (now - (lastProgress.get(id) ?? 0) < 150 && percent < 100) return;
      lastProgress.set(id, now);
      ctx.emit('gif.progress', { exportId: id, percent: Math.round(percent * 10) / 10, stage: progress.stage ?? '' });
    },
  });
}

export const gifHandlers: HandlerMap<keyof typeof gifContract> = {
  async gifSource(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    return { source, defaults: resolveSettings({}, source), defaultOutput: defaultGifPath(source.path) };
  },

  async gifThumbnails(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    return thumbnails(source, args.times, args.height);
  },

  async gifEstimate(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    const key = `estimate:${args.id}`;
    const c = supersede(key);
    try {
      return await estimateForOptions(source, args.options as GifOptions, localRunner({ signal: c.signal }));
    } finally {
      release(key, c);
    }
  },

  async gifPreview(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    const key = `preview:${args.id}`;
    const c = supersede(key);
    try {
      const runner = localRunner({ signal: c.signal });
      const options = args.options as GifOptions;
      // Under a budget, preview what the budget would pick.
      const { settings } =
        options.maxBytes !== undefined ? await estimateForOptions(source, options, runner) : { settings: resolveSettings(options, source) };
      return await previewGif(source, settings, runner, args.maxSeconds ?? 4);
    } finally {
      release(key, c);
    }
  },

  async gifExport(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    const options = args.options as GifOptions;
    // Refuse now what would only fail later: bad options, a relative or unusable output, an
    // existing file (one-click names never exist; a typed one may).
    resolveSettings(options, source);
    if (args.output !== undefined && !path.isAbsolute(args.output)) {
      throw new WorkbenchError('EINVALIDPATH', `Give the full path of the GIF to write, not "${args.output.slice(0, 200)}".`);
    }
    const output = args.output ?? defaultGifPath(source.path);
    outputArg(output, { inputs: [source.path] });
    if (!args.overwrite && existsSync(output)) {
      throw new WorkbenchError('EEXIST', `${output} already exists; choose another name or allow overwriting.`);
    }
    translateGifJobs(ctx);
    const params: GifJobParams = { input: source.path, output, options, overwrite: args.overwrite };
    const job = await (await jobQueueFor(ctx)).enqueue('gif', params);
    const exportId = job.id;
    return { exportId, output };
  },

  async gifCancel(args, ctx) {
    const queue = await jobQueueFor(ctx);
    let job;
    try {
      job = queue.get(args.exportId);
    } catch {
      throw new WorkbenchError('ENOEXPORT', `No GIF export with the id ${args.exportId} is running.`);
    }
    if (job.kind !== 'gif' || !['queued', 'running', 'cancelling'].includes(job.state)) {
      throw new WorkbenchError('ENOEXPORT', `No GIF export with the id ${args.exportId} is running.`);
    }
    await queue.cancel(args.exportId);
    return { cancelled: true };
  },
};
