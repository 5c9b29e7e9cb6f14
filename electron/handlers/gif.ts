import path from 'node:path';
import type { gifContract } from '../contract/gif';
import { WorkbenchError } from '../core/errors';
import type { GifJobParams } from '../core/gif/job';
import type { GifSourceInfo } from '../core/gif/gif-types';
import { defaultGifPath } from '../core/gif/output';
import { resolveSettings } from '../core/gif/plan';
import { FULL_SAMPLING, QUICK_SAMPLING } from '../core/gif/estimate';
import { estimateForOptions, previewGif } from '../core/gif/preview';
import { probeSource } from '../core/gif/probe';
import { thumbnails } from '../core/gif/thumbnails';
import { runStandalone } from '../core/jobs/context';
import { bindingSlot, bindingState, type HandlerContext, type HandlerMap } from './context';
import { jobQueueFor } from './jobs';

/** Probe results per file (keyed by path, mtime and size, so a re-written file is probed again). */
const probesSlot = bindingSlot('gif.probes', () => new Map<string, Promise<GifSourceInfo>>());

function sourceOf(ctx: HandlerContext, id: string): Promise<GifSourceInfo> {
  const probes = bindingState(ctx, probesSlot);
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
const latestSlot = bindingSlot('gif.latest', () => new Map<string, AbortController>());

async function latestOnly<T>(ctx: HandlerContext, key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const latest = bindingState(ctx, latestSlot);
  latest.get(key)?.abort();
  const c = new AbortController();
  latest.set(key, c);
  try {
    return await work(c.signal);
  } finally {
    if (latest.get(key) === c) latest.delete(key);
  }
}

export const gifHandlers: HandlerMap<keyof typeof gifContract> = {
  async gifSource(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    return { source, defaults: resolveSettings({}, source), defaultOutput: defaultGifPath(source.path) };
  },

  async gifThumbnails(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    if (!args.purpose) return runStandalone((job) => thumbnails(source, args.times, args.height, job));
    // The strip (keyframes) and the exact end frames: a newer request for the file cancels the older.
    const keyframes = args.purpose === 'strip';
    return latestOnly(ctx, `thumbnails:${args.purpose}:${args.id}`, (signal) => runStandalone((job) => thumbnails(source, args.times, args.height, job, keyframes), { signal }));
  },

  async gifEstimate(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    const sampling = args.quick ? QUICK_SAMPLING : FULL_SAMPLING;
    return latestOnly(ctx, `estimate:${args.id}`, (signal) => runStandalone((job) => estimateForOptions(source, args.options, job, sampling), { signal }));
  },

  async gifPreview(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    return latestOnly(ctx, `preview:${args.id}`, (signal) =>
      runStandalone(
        async (job) => {
          // Under a budget, preview what the budget would pick.
          const { settings } =
            args.options.maxBytes !== undefined ? await estimateForOptions(source, args.options, job) : { settings: resolveSettings(args.options, source) };
          return previewGif(source, settings, job, args.maxSeconds ?? 4);
        },
        { signal },
      ),
    );
  },

  /** A GIF export is a job of the shared queue: `gifJob.prepare` refuses bad options and outputs before it is queued. */
  async gifExport(args, ctx) {
    const source = await sourceOf(ctx, args.id);
    if (args.output !== undefined && !path.isAbsolute(args.output)) {
      throw new WorkbenchError('EINVALIDPATH', `Give the full path of the GIF to write, not "${args.output.slice(0, 200)}".`);
    }
    const params: GifJobParams = { input: source.path, output: args.output ?? defaultGifPath(source.path), options: args.options, overwrite: args.overwrite };
    return (await jobQueueFor(ctx)).enqueue('gif', params);
  },
};
