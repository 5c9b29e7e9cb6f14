import { stat } from 'node:fs/promises';
import { boxesContract } from '../contract/boxes';
import { InspectSession } from '../core/boxes';
import { openFileSource } from '../core/boxes/file-source';
import { openSource } from '../core/net/open-source';
import { describeFsError } from '../core/errors';
import type { FileRegistry } from '../core/files';
import type { HandlerContext } from './context';
import { inspectMethods } from './inspect-methods';
import { perContext } from './methods';

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

/** Remote files still being read: the latest partial session (the tree so far), per registry and id. */
const partials = new WeakMap<FileRegistry, Map<string, InspectSession>>();

/**
 * A remote file's session: read once (URLs do not change under us like files on disk), through
 * its fragment index. While it is being read, callers get the partial tree (after the first
 * fragments, or the final session if that comes first) and `inspect.progress` events tell the UI
 * to ask again.
 */
async function remoteSession(ctx: HandlerContext, id: string, url: string, refresh: boolean): Promise<InspectSession> {
  const cache = cacheOf(ctx.files);
  let live = partials.get(ctx.files);
  if (!live) partials.set(ctx.files, (live = new Map()));
  const parts = live;
  let pending = refresh ? undefined : cache.get(id);
  let firstPartial: Promise<void> | undefined;
  if (!pending) {
    parts.delete(id);
    let signal: () => void = () => {};
    firstPartial = new Promise<void>((resolve) => (signal = resolve));
    let last = 0;
    pending = InspectSession.openUrl(url, {
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

/** The session of an opened file, parsed on first use and again when the file changed on disk. */
async function session(ctx: HandlerContext, id: string, refresh = false): Promise<InspectSession> {
  const file = ctx.files.get(id);
  if (file.url) return remoteSession(ctx, id, file.url, refresh);
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

/** Node side: sessions of registry files (checked against the file on disk) and of opened URLs. */
export const boxesHandlers = perContext(
  boxesContract,
  (ctx) =>
    inspectMethods({
      session: (id, refresh) => session(ctx, id, refresh),
      async withSource(_id, s, fn) {
        const source = await openSource(s.path);
        try {
          return await fn(source);
        } finally {
          await source.close();
        }
      },
    }),
);
