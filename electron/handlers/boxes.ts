import { stat } from 'node:fs/promises';
import type { boxesContract } from '../contract/boxes';
import { InspectSession } from '../core/boxes';
import type { ByteSource } from '../core/boxes/source';
import { isHttpUrl } from '../core/net/http';
import { openHttpSource } from '../core/net/http-source';
import { openSource } from '../core/net/open-source';
import { describeFsError, WorkbenchError } from '../core/errors';
import { bindingSlot, bindingState, type HandlerContext, type HandlerMap } from './context';

/** Parsed files kept per registry; a few at a time (two tabs plus some history). */
const MAX_SESSIONS = 6;
/** Per binding (its file registry): sessions of files the user closed are forgotten. */
const sessionsSlot = bindingSlot('boxes.sessions', (ctx) => {
  const cache = new Map<string, Promise<InspectSession>>();
  ctx.files.onChange((list) => {
    for (const id of cache.keys()) if (!list.some((f) => f.id === id)) cache.delete(id);
  });
  return cache;
});

/** Remote files still being read: the latest partial session (the tree so far), per binding and id. */
const partialsSlot = bindingSlot('boxes.partials', () => new Map<string, InspectSession>());

/**
 * A remote file's session: read once (URLs do not change under us like files on disk), through
 * its fragment index. While it is being read, callers get the partial tree (after the first
 * fragments, or the final session if that comes first) and `inspect.progress` events tell the UI
 * to ask again.
 */
async function remoteSession(ctx: HandlerContext, id: string, url: string, refresh: boolean): Promise<InspectSession> {
  const cache = bindingState(ctx, sessionsSlot);
  const parts = bindingState(ctx, partialsSlot);
  let pending = refresh ? undefined : cache.get(id);
  let firstPartial: Promise<void> | undefined;
  if (!pending) {
    parts.delete(id);
    let signal: () => void = () => {};
    firstPartial = new Promise<void>((resolve) => (signal = resolve));
    let last = 0;
    pending = InspectSession.open(url, 0, {
      onProgress: (partial) => {
        parts.set(id, partial);
        signal();
        ctx.emit('inspect.progress', { id, done: partial.loading?.done ?? 0, total: partial.loading?.total ?? 0, final: false });
        last = Date.now();
      },
    });
    cache.delete(id);
    cache.set(id, pending);
    while (cache.size > MAX_SESSIONS) cache.delete(cache.keys().next().value!);
    pending.then(
      (s) => {
        parts.delete(id);
        if (last) ctx.emit('inspect.progress', { id, done: 1, total: 1, final: true });
        return s;
      },
      () => {
        parts.delete(id);
        cache.delete(id);
        if (last) ctx.emit('inspect.progress', { id, done: 0, total: 0, final: true });
      },
    );
  }
  const partial = parts.get(id);
  if (partial) return partial;
  if (firstPartial) {
    await Promise.race([firstPartial, pending.catch(() => {})]);
    const now = parts.get(id);
    if (now) return now;
  }
  return pending;
}

/**
 * One Range source per remote session for box details: clicking through boxes costs one request
 * each (often none: neighbours share a window), not a fresh connection and probe. It holds no OS
 * resource, only a small window cache, and goes with its session.
 */
const detailSources = new WeakMap<InspectSession, Promise<ByteSource>>();
function remoteDetailSource(s: InspectSession): Promise<ByteSource> {
  let hit = detailSources.get(s);
  if (!hit) {
    hit = openHttpSource(s.path, { cacheBytes: 4 * 1024 * 1024 });
    hit.catch(() => detailSources.delete(s));
    detailSources.set(s, hit);
  }
  return hit;
}

/** The session of an opened file, parsed on first use and again when the file changed on disk. */
async function session(ctx: HandlerContext, id: string, refresh = false): Promise<InspectSession> {
  const file = ctx.files.get(id);
  if (file.url) return remoteSession(ctx, id, file.url, refresh);
  const cache = bindingState(ctx, sessionsSlot);
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
  const pending = InspectSession.open(file.path, info.mtimeMs);
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
  inspectOpen: async (args, ctx) => (await session(ctx, args.id, args.refresh ?? false)).summary(args.rows ?? 0),
  inspectTracks: async (args, ctx) => (await session(ctx, args.id)).tracks(),
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
    if (isHttpUrl(s.path)) return s.detail(args.node, await remoteDetailSource(s));
    const source = await openSource(s.path);
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
