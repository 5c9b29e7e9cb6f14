import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { gifContract } from '../contract/gif';
import { errorCode, errorMessage, WorkbenchError } from '../core/errors';
import { outputArg } from '../core/ffmpeg-input';
import { exportGif } from '../core/gif/export';
import type { GifOptions, GifSourceInfo } from '../core/gif/gif-types';
import { defaultGifPath } from '../core/gif/output';
import { resolveSettings } from '../core/gif/plan';
import { estimateForOptions, previewGif } from '../core/gif/preview';
import { probeSource } from '../core/gif/probe';
import { localRunner } from '../core/gif/runner';
import { thumbnails } from '../core/gif/thumbnails';
import type { HandlerContext, HandlerMap } from './context';

/** Probe results per file (keyed by path and mtime, so a re-written file is probed again). */
const probes = new Map<string, Promise<GifSourceInfo>>();

function sourceOf(ctx: HandlerContext, id: string): Promise<GifSourceInfo> {
  const file = ctx.files.get(id);
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

/** Running exports. Until GIF export is a job kind of the shared queue, this is its queue of one kind. */
const exports = new Map<string, AbortController>();

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
    const exportId = randomBytes(9).toString('base64url');
    const controller = new AbortController();
    exports.set(exportId, controller);
    let last = 0;
    const runner = localRunner({
      signal: controller.signal,
      onProgress: (percent, stage) => {
        const now = Date.now();
        if (now - last < 150 && percent < 100) return;
        last = now;
        ctx.emit('gif.progress', { exportId, percent: Math.round(percent * 10) / 10, stage });
      },
    });
    exportGif({ input: source.path, output, options, overwrite: args.overwrite }, { runner, source })
      .then(
        (result) => ctx.emit('gif.finished', { exportId, ok: true, result }),
        (err: unknown) => ctx.emit('gif.finished', { exportId, ok: false, error: { code: errorCode(err), message: errorMessage(err) } }),
      )
      .finally(() => exports.delete(exportId));
    return { exportId, output };
  },

  async gifCancel(args) {
    const c = exports.get(args.exportId);
    if (!c) throw new WorkbenchError('ENOEXPORT', `No GIF export with the id ${args.exportId} is running.`);
    c.abort();
    return { cancelled: true };
  },
};
