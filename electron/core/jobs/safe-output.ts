/**
 * Safe output: ffmpeg writes to a temporary name beside the target (same folder, so the final
 * rename is atomic and never crosses filesystems); only a verified result is moved into place.
 * A cancelled or failed job therefore never leaves a partial file where the user looks.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { access, constants, lstat, mkdir, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, errorCode, WorkbenchError } from '../errors';
import { removeWithRetry, renameWithRetry, trackTemp, untrackTemp } from './cleanup';
import type { JobOutputFile, SafeOutputHandle } from './types';

export interface ReserveOptions {
  target: string;
  kind?: 'file' | 'folder';
  overwrite?: boolean;
  /** Local input paths: the output may not be one of them (or, for a folder, contain one). */
  inputs?: string[];
  /** Used in the temporary name; random when omitted. */
  tag?: string;
}

/** Names a segmenting muxer writes; a folder holding only these may be replaced with overwrite. */
const SEGMENT_OUTPUT = /\.(m3u8|mpd|m4s|mp4|m4a|m4v|cmfv|cmfa|ts|aac|vtt|webm|tmp)$/i;

async function tryLstat(p: string): Promise<Stats | null> {
  try {
    return await lstat(p);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw describeFsError(err, p);
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.ino !== 0;
}

export function tempNameFor(target: string, kind: 'file' | 'folder', tag: string): string {
  const base = path.basename(target);
  const ext = kind === 'file' ? path.extname(base) : '';
  // Keep the extension last so ffmpeg (and a user who finds the file) can tell what it is.
  const stem = (ext ? base.slice(0, -ext.length) : base).slice(0, 80);
  return path.join(path.dirname(target), `.${stem}.mwb-${tag}.part${ext}`);
}

/** True for names this module creates (a crash's leftovers are recognisable). */
export function isTempName(name: string): boolean {
  return /\.mwb-[A-Za-z0-9_-]+\.part(\.[^.]+)?$/.test(name);
}

async function listFiles(root: string, kind: 'file' | 'folder'): Promise<JobOutputFile[]> {
  if (kind === 'file') return [{ name: path.basename(root), size: (await stat(root)).size }];
  const out: JobOutputFile[] = [];
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(full, rel);
      else if (entry.isFile()) out.push({ name: rel, size: (await stat(full)).size });
    }
  };
  await walk(root, '');
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** The checks `reserveOutput` makes, without creating anything (to refuse a job before it is queued). */
export async function checkOutputTarget(options: ReserveOptions): Promise<{
  target: string;
  requested: string;
  dir: string;
  realDir: string;
  kind: 'file' | 'folder';
  overwrite: boolean;
}> {
  const kind = options.kind ?? 'file';
  const overwrite = options.overwrite ?? false;
  const requested = path.resolve(options.target);
  if (!path.basename(requested) || (/[\\/]$/.test(options.target) && kind === 'file')) {
    throw new WorkbenchError('EBADOUTPUT', `${options.target} names a folder; give the output a file name (e.g. out.mp4).`);
  }
  const dir = path.dirname(requested);
  let dirInfo: Stats;
  try {
    dirInfo = await stat(dir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      throw new WorkbenchError('ENOENT', `The output folder ${dir} does not exist; create it first or choose another output path.`);
    }
    throw describeFsError(err, dir);
  }
  if (!dirInfo.isDirectory()) throw new WorkbenchError('ENOTDIR', `${dir} is not a folder; choose an output path inside a folder.`);
  const realDir = await realpath(dir);
  const target = path.join(realDir, path.basename(requested));

  const existing = await tryLstat(target);
  const inputs = options.inputs ?? [];
  for (const input of inputs) {
    const inInfo = await tryLstat(input).catch(() => null);
    const inStat = inInfo ? await stat(input).catch(() => null) : null;
    if (existing && inStat) {
      const targetStat = await stat(target).catch(() => null);
      if (targetStat && sameFile(targetStat, inStat)) {
        throw new WorkbenchError('ESAMEFILE', `The output ${requested} is the input file itself; choose a different output name.`);
      }
    }
    if (kind === 'folder' && existing?.isDirectory()) {
      const realInput = await realpath(input).catch(() => path.resolve(input));
      const realTarget = await realpath(target);
      if (realInput.startsWith(realTarget + path.sep)) {
        throw new WorkbenchError('ESAMEFILE', `The input ${input} is inside the output folder ${requested}; choose another output folder.`);
      }
    }
  }

  if (existing) {
    if (kind === 'file' && existing.isDirectory()) {
      throw new WorkbenchError('EISDIR', `${requested} is a folder; give the output a file name inside it.`);
    }
    if (kind === 'folder' && !existing.isDirectory()) {
      throw new WorkbenchError('ENOTDIR', `${requested} exists and is not a folder; this preset writes a folder of segments.`);
    }
    if (!overwrite) {
      throw new WorkbenchError('EEXIST', `${requested} already exists; choose another name or allow overwriting (--overwrite).`);
    }
    if (kind === 'folder') {
      const entries = await readdir(target, { withFileTypes: true });
      const foreign = entries.filter((e) => !e.isFile() || !SEGMENT_OUTPUT.test(e.name));
      if (foreign.length) {
        throw new WorkbenchError(
          'ENOTEMPTY',
          `${requested} holds other things (${foreign.slice(0, 3).map((e) => e.name).join(', ')}${foreign.length > 3 ? ', …' : ''}); ` +
            'only a folder of a previous HLS/DASH output is replaced. Choose a new or empty folder.',
        );
      }
    }
  }

  try {
    await access(realDir, constants.W_OK);
  } catch (err) {
    throw new WorkbenchError(errorCode(err), `Cannot write in the output folder ${dir} (${errorCode(err) === 'EROFS' ? 'read-only' : 'permission denied'}); choose another folder.`);
  }

  return { target, requested, dir, realDir, kind, overwrite };
}

/**
 * Check the target and create the temporary output (an empty file, or an empty folder).
 * Errors say what is wrong with which path and what to do: missing or unwritable folder, target
 * exists (without overwrite), target is the input, a folder output that would replace user files.
 */
export async function reserveOutput(options: ReserveOptions): Promise<SafeOutputHandle> {
  const { target, requested, dir, kind, overwrite } = await checkOutputTarget(options);
  const tag = options.tag ?? randomBytes(6).toString('base64url');
  const tempPath = tempNameFor(target, kind, tag);
  try {
    if (kind === 'folder') await mkdir(tempPath);
    else await (await open(tempPath, 'wx')).close();
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new WorkbenchError(code, `Cannot write in the output folder ${dir} (${code === 'EROFS' ? 'read-only' : 'permission denied'}); choose another folder.`);
    }
    throw describeFsError(err, tempPath);
  }
  trackTemp(tempPath);

  let settled = false;
  const discard = async () => {
    if (settled) return;
    settled = true;
    await removeWithRetry(tempPath);
    untrackTemp(tempPath);
  };

  const commit: SafeOutputHandle['commit'] = async (info) => {
    if (settled) throw new WorkbenchError('EINTERNAL', `The output ${requested} was already committed or discarded.`);
    const now = await tryLstat(target);
    if (now && !overwrite) {
      throw new WorkbenchError('EEXIST', `${requested} appeared while the job ran; the result was not moved over it. Choose another name.`);
    }
    if (now && kind === 'folder') {
      const old = tempNameFor(target, 'folder', `${tag}-old`);
      await renameWithRetry(target, old);
      trackTemp(old);
      try {
        await renameWithRetry(tempPath, target);
      } catch (err) {
        await renameWithRetry(old, target).catch(() => {});
        untrackTemp(old);
        throw describeFsError(err, target);
      }
      await removeWithRetry(old);
      untrackTemp(old);
    } else {
      try {
        await renameWithRetry(tempPath, target);
      } catch (err) {
        // Windows refuses to rename over an existing file: remove it, then move.
        if (now && (errorCode(err) === 'EPERM' || errorCode(err) === 'EEXIST')) {
          await removeWithRetry(target);
          await renameWithRetry(tempPath, target);
        } else {
          throw describeFsError(err, target);
        }
      }
    }
    settled = true;
    untrackTemp(tempPath);
    const files = await listFiles(target, kind);
    const primary = info.primary ? path.join(target, info.primary) : target;
    return {
      path: target,
      kind,
      primary,
      files,
      summary: info.summary,
      durationSeconds: info.durationSeconds ?? null,
      details: info.details ?? null,
      ...(info.warning ? { warning: info.warning } : {}),
    };
  };

  return { target, tempPath, kind, commit, discard };
}
