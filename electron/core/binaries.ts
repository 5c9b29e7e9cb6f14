import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WorkbenchError } from './errors';

export type BinaryName = 'ffmpeg' | 'ffprobe';
export type BinarySource = 'env' | 'bundled' | 'path';

export interface ResolvedBinary {
  name: BinaryName;
  path: string;
  source: BinarySource;
  /** Every place looked at, in order, with why it was not taken: shown in caps and in errors. */
  tried: string[];
}

const requireFromHere = createRequire(import.meta.url);

/** A packaged app keeps binaries outside the asar archive: the spawnable copy is in app.asar.unpacked. */
export function unpackedAsarPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    if (process.platform !== 'win32') accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function bundledPath(name: BinaryName): string | null {
  try {
    if (name === 'ffmpeg') {
      const p: unknown = requireFromHere('ffmpeg-static');
      return typeof p === 'string' ? unpackedAsarPath(p) : null;
    }
    const mod: unknown = requireFromHere('ffprobe-static');
    const p = (mod as { path?: unknown })?.path;
    return typeof p === 'string' ? unpackedAsarPath(p) : null;
  } catch {
    return null;
  }
}

function onPath(name: BinaryName, envPath = process.env.PATH ?? ''): string | null {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

const cache = new Map<BinaryName, ResolvedBinary>();

/**
 * Resolution order: `FFMPEG_PATH`/`FFPROBE_PATH` → the bundled ffmpeg-static/ffprobe-static binary
 * → the first one on `PATH`.
 *
 * One deliberate refinement: ffprobe follows ffmpeg's source when ffmpeg had to come from `PATH`.
 * ffprobe-static ships binaries inside its npm package (so it is "bundled" even on machines where
 * ffmpeg-static's download failed), but it is an old build; pairing it with a newer system ffmpeg
 * would report streams that ffmpeg itself sees differently.
 */
export function resolveBinary(name: BinaryName, options: { fresh?: boolean } = {}): ResolvedBinary {
  if (!options.fresh) {
    const hit = cache.get(name);
    if (hit) return hit;
  }
  const tried: string[] = [];
  const envVar = name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
  const fromEnv = process.env[envVar];
  let found: ResolvedBinary | null = null;
  if (fromEnv) {
    if (isExecutableFile(fromEnv)) found = { name, path: fromEnv, source: 'env', tried };
    else tried.push(`${envVar}=${fromEnv} (${existsSync(fromEnv) ? 'not an executable file' : 'does not exist'})`);
  } else {
    tried.push(`${envVar} (not set)`);
  }
  const preferPath = name === 'ffprobe' && !fromEnv && resolveBinary('ffmpeg', options).source === 'path';
  const order: BinarySource[] = preferPath ? ['path', 'bundled'] : ['bundled', 'path'];
  for (const source of order) {
    if (found) break;
    if (source === 'bundled') {
      const pkg = name === 'ffmpeg' ? 'ffmpeg-static' : 'ffprobe-static';
      const p = bundledPath(name);
      if (p && isExecutableFile(p)) found = { name, path: p, source: 'bundled', tried };
      else tried.push(p ? `${pkg}: ${p} (missing; its download may have failed at install)` : `${pkg} (not installed)`);
    } else {
      const p = onPath(name);
      if (p) found = { name, path: p, source: 'path', tried };
      else tried.push(`${name} on PATH (not found)`);
    }
  }
  if (!found) {
    throw new WorkbenchError(
      'ENOFFMPEG',
      `${name} was not found. Tried: ${tried.join('; ')}. Install ffmpeg (e.g. "apt-get install ffmpeg") or set ${envVar}.`,
    );
  }
  cache.set(name, found);
  return found;
}

export function clearBinaryCache(): void {
  cache.clear();
}
