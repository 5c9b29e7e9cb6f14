import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
// The one ELF/Mach-O/PE header reader (packaging proves each installer's binaries with it too).
import { detectBinary, matchesTarget } from '../../scripts/pack/binary-arch.mjs';
import { WorkbenchError } from './errors';

export type BinaryName = 'ffmpeg' | 'ffprobe';
export type BinarySource = 'env' | 'bundled' | 'path';

export interface ResolvedBinary {
  name: BinaryName;
  path: string;
  source: BinarySource;
  /** Every place looked at, in order, with why it was not taken: shown in caps and in errors. */
  tried: string[];
  /**
   * The part of `tried` that found a binary and refused it (it does not run here, hangs, is not
   * ffmpeg, or is a .cmd/.bat script): caps shows these up front, since the user may expect them used.
   */
  passedOver: string[];
}

const requireFromHere = createRequire(import.meta.url);

/** A packaged app keeps binaries outside the asar archive: the spawnable copy is in app.asar.unpacked. */
export function unpackedAsarPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/** How long `<binary> -version` may take before the candidate is given up (a hung binary). */
export const VERSION_CHECK_TIMEOUT_MS = 5_000;
/** The same for an x86-64 binary on Apple silicon, whose first run waits for Rosetta's translation. */
export const ROSETTA_FIRST_RUN_TIMEOUT_MS = 60_000;

/** An x86-64-only macOS binary on Apple silicon: it runs only through Rosetta 2. */
function needsRosetta(file: string, platform: string, arch: string): boolean {
  if (platform !== 'darwin' || arch !== 'arm64') return false;
  const kind = headerOf(file);
  return !!kind && kind.platform === 'darwin' && (kind.arch === 'x64' || (kind.arch === 'universal' && !(kind.arches ?? []).includes('arm64')));
}

/**
 * Rosetta 2 translates an x86-64 binary ahead of its first run, which takes longer than a plain
 * start: such a binary gets that time rather than be refused although it works.
 */
export function versionCheckTimeoutMs(file: string, platform: string = process.platform, arch: string = process.arch): number {
  return needsRosetta(file, platform, arch) ? ROSETTA_FIRST_RUN_TIMEOUT_MS : VERSION_CHECK_TIMEOUT_MS;
}

/** What resolution looks at; tests replace parts of it to play another platform or machine. */
export interface BinaryEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  env: Record<string, string | undefined>;
  /** The bundled ffmpeg-static / ffprobe-static binary's path, or null when the package is not installed. */
  bundled(name: BinaryName): string | null;
  /** Why `file` cannot serve as `name` (it does not start, hangs, fails or is something else), or null when it can. */
  whyNotRunnable(file: string, name: BinaryName): string | null;
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

function isExecutableFile(p: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    if (platform !== 'win32') accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The executable bit says nothing about whether a binary runs here: ffprobe-static's macOS "arm64"
 * build is x86-64 and does not start on a Mac without Rosetta 2. So each candidate must answer
 * `-version` (argv array, no shell, bounded in time and output) and name itself.
 */
export function whyNotRunnable(
  file: string,
  name: BinaryName,
  options: { timeoutMs?: number; platform?: NodeJS.Platform; arch?: string } = {},
): string | null {
  const { platform = process.platform, arch = process.arch } = options;
  const translated = needsRosetta(file, platform, arch);
  const timeoutMs = options.timeoutMs ?? versionCheckTimeoutMs(file, platform, arch);
  const res = spawnSync(file, ['-version'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'latin1',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 1024 * 1024,
    windowsHide: true,
    shell: false,
  });
  const code = (res.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ETIMEDOUT') return `"${name} -version" did not answer within ${timeoutMs / 1000} s`;
  if (code === 'ENOBUFS') return `"${name} -version" printed more than 1 MB: not ${name}`;
  if (res.error || res.status !== 0) {
    // A build for another CPU or system: macOS refuses it ("Bad CPU type in executable"), Linux's
    // exec falls back to /bin/sh, which fails on it (exit 126/127). The header says which it is.
    const built = headerOf(file);
    if (built && !matchesTarget(built, platform, arch)) {
      const target = built.arch === 'universal' ? `${built.platform}-${(built.arches ?? []).join('+')}` : `${built.platform}-${built.arch}`;
      const rosetta = translated ? ' without Rosetta 2 ("softwareupdate --install-rosetta" installs it)' : '';
      return `built for ${target}, does not run on this ${platform}-${arch} machine${rosetta}`;
    }
    if (res.error) return `could not be started (${res.error.message})`;
    return `"${name} -version" failed (${res.signal ? `killed by ${res.signal}` : `exit ${res.status}`})`;
  }
  if (!new RegExp(`^${name} version `, 'm').test(res.stdout)) return `is not ${name} ("-version" printed no "${name} version" line)`;
  return null;
}

function headerOf(file: string): ReturnType<typeof detectBinary> {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(4096);
    return detectBinary(buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)));
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

const processEnvironment = (): BinaryEnvironment => ({
  platform: process.platform,
  arch: process.arch,
  env: process.env,
  bundled: bundledPath,
  whyNotRunnable: (file, name) => whyNotRunnable(file, name),
});

/**
 * Candidates on PATH, in order. Windows: only `.exe` files are programs Node can start without a
 * shell; `ffmpeg.cmd`/`.bat` wrappers (scoop shims, hand-written launchers) need cmd.exe, which this
 * app never uses, so they are skipped and reported.
 */
function onPath(name: BinaryName, e: BinaryEnvironment, refuse: (why: string) => void): string | null {
  const win = e.platform === 'win32';
  const envPath = (win ? (e.env.PATH ?? e.env.Path) : e.env.PATH) ?? '';
  for (const dir of envPath.split(win ? ';' : ':')) {
    if (!dir) continue;
    if (win) {
      for (const ext of ['.cmd', '.bat']) {
        const script = path.join(dir, name + ext);
        if (isExecutableFile(script, e.platform)) refuse(`${script} on PATH (skipped: a ${ext} script needs a shell to run, and the workbench never starts one)`);
      }
    }
    const candidate = path.join(dir, win ? `${name}.exe` : name);
    if (!isExecutableFile(candidate, e.platform)) continue;
    const why = e.whyNotRunnable(candidate, name);
    if (!why) return candidate;
    refuse(`${candidate} on PATH (${why})`);
  }
  return null;
}

const cache = new Map<BinaryName, ResolvedBinary>();

/**
 * Resolution order: `FFMPEG_PATH`/`FFPROBE_PATH` → the bundled ffmpeg-static/ffprobe-static binary
 * → the first one on `PATH`. A candidate is taken only when it runs here (`-version`, see
 * whyNotRunnable); each one passed over is listed in `tried` with the reason.
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
  const found = findBinary(name, processEnvironment(), () => resolveBinary('ffmpeg', options).source);
  cache.set(name, found);
  return found;
}

/** resolveBinary's search, uncached, in a given environment (tests play other platforms with it). */
export function findBinary(name: BinaryName, e: BinaryEnvironment, ffmpegSource: () => BinarySource = () => findBinary('ffmpeg', e).source): ResolvedBinary {
  const tried: string[] = [];
  const passedOver: string[] = [];
  const refuse = (why: string) => {
    tried.push(why);
    passedOver.push(why);
  };
  const envVar = name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
  const fromEnv = e.env[envVar];
  let found: ResolvedBinary | null = null;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv, e.platform)) {
      refuse(`${envVar}=${fromEnv} (${existsSync(fromEnv) ? 'not an executable file' : 'does not exist'})`);
    } else if (e.platform === 'win32' && /\.(cmd|bat)$/i.test(fromEnv)) {
      refuse(`${envVar}=${fromEnv} (skipped: a ${path.extname(fromEnv).toLowerCase()} script needs a shell to run, and the workbench never starts one)`);
    } else {
      const why = e.whyNotRunnable(fromEnv, name);
      if (why) refuse(`${envVar}=${fromEnv} (${why})`);
      else found = { name, path: fromEnv, source: 'env', tried, passedOver };
    }
  } else {
    tried.push(`${envVar} (not set)`);
  }
  // Also when FFPROBE_PATH was set but refused: the pairing argument above holds all the same.
  const preferPath = name === 'ffprobe' && !found && ffmpegSource() === 'path';
  const order: BinarySource[] = preferPath ? ['path', 'bundled'] : ['bundled', 'path'];
  for (const source of order) {
    if (found) break;
    if (source === 'bundled') {
      const pkg = name === 'ffmpeg' ? 'ffmpeg-static' : 'ffprobe-static';
      const p = e.bundled(name);
      if (!p) tried.push(`${pkg} (not installed)`);
      else if (!isExecutableFile(p, e.platform)) tried.push(`${pkg}: ${p} (missing; its download may have failed at install)`);
      else {
        const why = e.whyNotRunnable(p, name);
        if (why) refuse(`${pkg}: ${p} (${why})`);
        else found = { name, path: p, source: 'bundled', tried, passedOver };
      }
    } else {
      const p = onPath(name, e, refuse);
      if (p) found = { name, path: p, source: 'path', tried, passedOver };
      else tried.push(`${name} on PATH (not found)`);
    }
  }
  if (!found) {
    throw new WorkbenchError(
      'ENOFFMPEG',
      `${name} was not found. Tried: ${tried.join('; ')}. Install ffmpeg (e.g. "apt-get install ffmpeg") or set ${envVar}.`,
    );
  }
  return found;
}

export function clearBinaryCache(): void {
  cache.clear();
}
