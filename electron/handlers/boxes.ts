import { stat } from 'node:fs/promises';
import { boxesContract } from '../contract/boxes';
import { InspectSession } from '../core/boxes';
import { openFileSource } from '../core/boxes/file-source';
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

/** Node side: sessions of registry files, checked against the file on disk. */
export const boxesHandlers = perContext(
  boxesContract,
  (ctx) =>
    inspectMethods({
      session: (id, refresh) => session(ctx, id, refresh),
      async withSource(_id, s, fn) {
        const source = await openFileSource(s.path);
        try {
          return await fn(source);
        } finally {
          await source.close();
        }
      },
    }),
);
