import { stat } from 'node:fs/promises';
import type { boxesContract } from '../contract/boxes';
import { InspectSession } from '../core/boxes';
import { openFileSource } from '../core/boxes/file-source';
import { describeFsError, WorkbenchError } from '../core/errors';
import type { FileRegistry } from '../core/files';
import type { HandlerContext, HandlerMap } from './context';

/** Parsed files kept per registry; a few at a time (two tabs plus some history). */
const MAX_SESSIONS = 6;
const sessions = new WeakMap<FileRegistry, Map<string, Promise<InspectSession>>>();

function cacheOf(files: FileRegistry): Map<string, Promise<InspectSession>> {
  let cache = sessions.get(files);
  if (!cache) {
    const fresh = new Map<string, Promise<InspectSession>>();
    // Forget sessions of files the user closed.
    files.onChange((list) => {
      for (const id of fresh.keys()) if (!list.some((f) => f.id === id)) fresh.delete(id);
    });
    sessions.set(files, fresh);
    cache = fresh;
  }
  return cache;
}

/** The session of an opened file, parsed on first use and again when the file changed on disk. */
async function session(ctx: HandlerContext, id: string, refresh = false): Promise<InspectSession> {
  const file = ctx.files.get(id);
  const cache = cacheOf(ctx.files);
  let info;
  try {
    info = await stat(file.path);
  } catch (err) {
    cache.delete(id);
    throw describeFsError(err, file.path);
  }
  const existing = cache.get(id);
  if (existing && !refresh) {
    const s = await existing.catch(() => null);
    if (s && s.mtimeMs === info.mtimeMs && s.result.size === info.size) {
      // Most recently used last.
      cache.delete(id);
      cache.set(id, existing);
      return s;
    }
  }
  const pending = (async () => {
    const source = await openFileSource(file.path);
    try {
      return await InspectSession.open(source, info.mtimeMs);
    } finally {
      await source.close();
    }
  })();
  cache.delete(id);
  cache.set(id, pending);
  while (cache.size > MAX_SESSIONS) cache.delete(cache.keys().next().value!);
  try {
    return await pending;
  } catch (err) {
    cache.delete(id);
    throw err;
  }
}

function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new WorkbenchError('ENOTFOUND', err.message);
    throw err;
  }
}

export const boxesHandlers: HandlerMap<keyof typeof boxesContract> = {
  inspectOpen: async (args, ctx) => (await session(ctx, args.id, args.refresh ?? false)).summary(),
  inspectRows: async (args, ctx) => (await session(ctx, args.id)).rows(args),
  async inspectLocate(args, ctx) {
    const s = await session(ctx, args.id);
    const ancestors = checked(() => s.ancestors(args.node));
    const expanded = [...new Set([...(args.expanded ?? []), ...ancestors])];
    return { position: s.positionOf(args.node, { expanded, filter: args.filter }), ancestors };
  },
  async inspectBox(args, ctx) {
    const s = await session(ctx, args.id);
    checked(() => s.row(args.node));
    const source = await openFileSource(s.path);
    try {
      return await s.detail(args.node, source);
    } finally {
      await source.close();
    }
  },
  inspectBoxJson: async (args, ctx) => {
    const s = await session(ctx, args.id);
    return checked(() => s.boxJson(args.node, args.children ?? true));
  },
  inspectTreeJson: async (args, ctx) => (await session(ctx, args.id)).treeJson(),
  inspectSamples: async (args, ctx) => {
    const s = await session(ctx, args.id);
    return checked(() => s.samples(args.trackId, args.start, args.count));
  },
  inspectSampleChart: async (args, ctx) => {
    const s = await session(ctx, args.id);
    return checked(() => s.chart(args.trackId, args.buckets));
  },
};
