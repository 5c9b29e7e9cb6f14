/**
 * Where a GIF is written: a temporary name beside the target (same folder, so the final rename is
 * atomic), moved into place only when the encode finished. Cancel or failure deletes it, retrying
 * while Windows or a virus scanner holds the file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, errorCode, WorkbenchError } from '../errors';
import { outputArg } from '../ffmpeg-input';
import { trackTemp, untrackTemp } from '../jobs/cleanup';

export interface GifOutputHandle {
  target: string;
  tempPath: string;
  /** Move the finished file into place (the summary is what a job list shows). */
  commit(info?: { summary: string; durationSeconds?: number | null }): Promise<void>;
  /** Delete the temporary file; safe to call twice, and after commit. */
  discard(): Promise<void>;
}

/** Reserve an output. The job queue provides one (its `job.output`); `reserveBeside` is the stand-alone one. */
export type OutputReserver = (target: string, options: { overwrite: boolean; inputs: string[] }) => Promise<GifOutputHandle>;

const RETRYABLE = new Set(['EBUSY', 'EPERM', 'EACCES']);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function retry<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= 7 || !RETRYABLE.has(errorCode(err))) throw err;
      await sleep(Math.min(2000, 50 * 2 ** attempt));
    }
  }
}

/** The temporary name beside a target (the job queue's pattern, so its crash clean-up finds ours too). */
export function tempNameFor(target: string, tag: string): string {
  const ext = path.extname(target);
  const stem = path.basename(target, ext).slice(0, 80);
  return path.join(path.dirname(target), `.${stem}.mwb-${tag}.part${ext}`);
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino && x.ino !== 0;
  } catch {
    return false;
  }
}

export const reserveBeside: OutputReserver = async (target, options) => {
  // The project's output rule (no URLs or protocols, not a folder, parent exists, never an input).
  outputArg(target, { inputs: options.inputs });
  const requested = path.resolve(target);
  const dir = path.dirname(requested);
  let realDir: string;
  try {
    realDir = await realpath(dir);
    if (!(await stat(realDir)).isDirectory()) throw new WorkbenchError('ENOTDIR', `${dir} is not a folder.`);
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    if (errorCode(err) === 'ENOENT') throw new WorkbenchError('ENOENT', `The folder ${dir} does not exist; create it or choose another place for the GIF.`);
    throw describeFsError(err, dir);
  }
  const finalPath = path.join(realDir, path.basename(requested));
  for (const input of options.inputs) {
    if (path.resolve(input) === finalPath || (await sameFile(input, finalPath))) {
      throw new WorkbenchError('ESAMEFILE', `The output ${finalPath} is the input itself; choose another name.`);
    }
  }
  if (existsSync(finalPath)) {
    if (!options.overwrite) throw new WorkbenchError('EEXIST', `${finalPath} already exists; choose another name or allow overwriting.`);
    if ((await stat(finalPath)).isDirectory()) throw new WorkbenchError('EISDIR', `${finalPath} is a folder.`);
  }
  const tempPath = tempNameFor(finalPath, randomBytes(6).toString('base64url'));
  try {
    await (await open(tempPath, 'wx')).close();
  } catch (err) {
    throw describeFsError(err, tempPath);
  }
  trackTemp(tempPath);
  let done = false;
  return {
    target: finalPath,
    tempPath,
    async commit() {
      if (!options.overwrite && existsSync(finalPath)) {
        throw new WorkbenchError('EEXIST', `${finalPath} appeared while the GIF was being made; it was left alone. Choose another name.`);
      }
      await retry(() => rename(tempPath, finalPath));
      done = true;
      untrackTemp(tempPath);
    },
    async discard() {
      if (done) return;
      done = true;
      await retry(() => rm(tempPath, { force: true }));
      untrackTemp(tempPath);
    },
  };
};

/**
 * A name beside the input that does not exist yet: `clip.gif`, then `clip-2.gif`, `clip-3.gif`, …
 * (one-click export never overwrites anything).
 */
export function defaultGifPath(input: string, exists: (p: string) => boolean = existsSync): string {
  const dir = path.dirname(path.resolve(input));
  const stem = path.basename(input, path.extname(input)) || 'clip';
  for (let n = 1; n < 10_000; n++) {
    const candidate = path.join(dir, n === 1 ? `${stem}.gif` : `${stem}-${n}.gif`);
    if (!exists(candidate)) return candidate;
  }
  return path.join(dir, `${stem}-${randomBytes(4).toString('hex')}.gif`);
}
