/**
 * The third binding of the contract: a Web Worker that serves the Inspector, Compare and Player
 * methods for files that live only in the browser (dropped or picked in web mode, or in the static
 * build). It runs the same core modules (box engine, compare, MSE lint) on `File`s through
 * `blobSource`, validates arguments with the same schemas (`parseArgs`) and answers with the same
 * envelopes, so the views do not care where a file lives. Parsing happens here, off the page's
 * main thread.
 *
 * Protocol (see renderer/lib/local-files.ts): `{ seq, open: File[] }` registers files and answers
 * their `OpenedFile`s; `{ seq, name, args }` calls a contract method. Answers are
 * `{ seq, envelope }`. A `File` crosses into the worker as a handle: no byte is copied.
 */
import { parseArgs, type Envelope, type MethodName } from './api';
import { blobSource, InspectSession, type BlobSource } from './core/boxes';
import { errorCode, errorMessage, WorkbenchError } from './core/errors';
import type { OpenedFile } from './core/files-types';
import { analyzeStreams } from './core/mse/analysis';
import type { MediaFiles } from './core/mse/model';
import { compareMethods, CompareSessions } from './handlers/compare-methods';
import { inspectMethods } from './handlers/inspect-methods';
import { randomId } from './handlers/methods';
import type { AppInfo } from './contract/app';
import pkg from '../package.json' with { type: 'json' };

export interface WorkerRequest {
  seq: number;
  open?: File[];
  name?: string;
  args?: unknown;
  /** `static` when the page has no Node side at all (the static build). */
  mode?: 'web' | 'static';
}

export interface WorkerAnswer {
  seq: number;
  envelope: Envelope<unknown>;
}

interface Entry {
  info: OpenedFile;
  file: File;
  source: BlobSource;
  session?: Promise<InspectSession>;
}

const files = new Map<string, Entry>();
let mode: 'web' | 'static' = 'web';

function entry(id: string): Entry {
  const e = files.get(id);
  if (!e) throw new WorkbenchError('ENOTOPEN', `No opened file has the id ${id}; open the file first.`);
  return e;
}

function open(list: File[]): OpenedFile[] {
  return list.map((file) => {
    // The same file chosen again (same name, size and time) keeps its id and its parsed tree.
    for (const e of files.values()) {
      if (e.file.name === file.name && e.file.size === file.size && e.file.lastModified === file.lastModified) return e.info;
    }
    const info: OpenedFile = { id: randomId(), path: file.name, name: file.name, size: file.size, mtimeMs: file.lastModified, openedAt: Date.now(), browser: true };
    files.set(info.id, { info, file, source: blobSource(file, file.name) });
    return info;
  });
}

const opener = async (id: string) => blobSource(entry(id).file, entry(id).file.name);
const mediaFiles: MediaFiles = {
  open: opener,
  baseName: (id) => entry(id).file.name,
  // The Inspector's tree of the same file (its lint runs right after it is parsed).
  parsed: async (id) => (await entry(id).session)?.result.boxes,
};

const inspect = inspectMethods({
  session(id, refresh) {
    const e = entry(id);
    if (!e.session || refresh) {
      const pending = (async () => {
        // Each Blob read is a round trip: through the fragment index (sidx, mfra) the fragments
        // are read many at a time (blobSource.prefetch) instead of one after another.
        try {
          return await InspectSession.openIndexed(e.source, e.file.lastModified);
        } finally {
          e.source.dropPrefetched();
        }
      })();
      pending.catch(() => {
        if (e.session === pending) delete e.session;
      });
      e.session = pending;
    }
    return e.session;
  },
  withSource: (id, _session, fn) => fn(entry(id).source),
});

// Browser files are opened by id (entry() refuses ids that are not open).
const compare = compareMethods(
  new CompareSessions(),
  (id) => {
    entry(id);
    return id;
  },
  opener,
);

function appInfo(): AppInfo {
  return { name: pkg.productName, version: pkg.version, mode: mode === 'static' ? 'static' : 'web', platform: 'browser', arch: '', node: '', electron: null };
}

/** The Player's lint (`lint`) or plan of browser files: one file, or an init segment and media segments. */
async function analyzeBrowserFiles(args: { id: string; segments?: string[] }, lint: boolean) {
  const ids = [args.id, ...(args.segments ?? [])];
  const names = ids.map((id) => entry(id).file.name);
  if (names.some((n) => /\.(m3u8?|mpd)$/i.test(n))) {
    throw new WorkbenchError(
      'EMANIFEST',
      `${names.find((n) => /\.(m3u8?|mpd)$/i.test(n))} is a manifest: its segments are read from the folder beside it, which a browser does not reveal. Drop the init segment and the media segments instead${mode === 'static' ? '' : ', or type the manifest\'s path into the Open box'}.`,
    );
  }
  const kind = ids.length > 1 ? ('segments' as const) : ('file' as const);
  const spec = { label: names[0]!, parts: ids.map((id, i) => ({ path: id, role: i === 0 ? ('auto' as const) : ('segment' as const) })) };
  return analyzeStreams({ kind, name: names[0]! }, [spec], mediaFiles, { lint });
}

type Impl = (args: never) => Promise<unknown>;
const methods: Partial<Record<MethodName, Impl>> = {
  ...inspect,
  ...compare,
  appInfo: async () => appInfo(),
  listFiles: async () => [...files.values()].map((e) => e.info).sort((a, b) => b.openedAt - a.openedAt),
  closeFile: async (args: { id: string }) => ({ closed: files.delete(args.id) }),
  mseAnalyze: (args: { id: string; segments?: string[] }) => analyzeBrowserFiles(args, true),
  msePlan: (args: { id: string; segments?: string[] }) => analyzeBrowserFiles(args, false),
};

async function call(name: string, args: unknown): Promise<unknown> {
  const impl = methods[name as MethodName];
  if (!impl) {
    const where = mode === 'static' ? 'The static build has no Node side' : 'Files chosen in the browser are read in the page';
    throw new WorkbenchError('ENOTLOCAL', `${where}: ${name} needs ffmpeg or the file's path. Open the file by its path (desktop app, or the Open box of "npm start").`);
  }
  return impl(parseArgs(name as MethodName, args) as never);
}

async function answer(req: WorkerRequest): Promise<Envelope<unknown>> {
  try {
    if (req.mode) mode = req.mode;
    if (req.open) return { ok: true, result: open(req.open) };
    const result = await call(String(req.name), req.args);
    return { ok: true, result: result === undefined ? null : result };
  } catch (err) {
    return { ok: false, error: { code: errorCode(err), message: errorMessage(err) } };
  }
}

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null; postMessage(msg: WorkerAnswer): void };
scope.onmessage = (e) => {
  void answer(e.data).then((envelope) => scope.postMessage({ seq: e.data.seq, envelope }));
};
