// electron-builder afterPack hook (see electron-builder.yml). Runs once per target platform/arch,
// after the app's files are in place and before signing and installer creation:
//   1. puts the target's own ffmpeg into app.asar.unpacked/node_modules/ffmpeg-static/
//      (ffmpeg-static downloads only the build of the machine that ran `npm ci`);
//   2. proves every bundled ffmpeg/ffprobe matches the target by reading its header, and that it
//      stays executable: a wrong or extra binary fails the build instead of shipping;
//   3. flips Electron's fuses with @electron/fuses and reads them back.
//
// Environment:
//   MWB_FFMPEG_CACHE             folder of per-target ffmpeg builds, `<platform>-<arch>/ffmpeg[.exe]`
//                                (default .cache/ffmpeg); filled by ffmpeg-static's own downloader
//   MWB_FFMPEG_NO_DOWNLOAD=1     never download: fail if the cache and node_modules lack the build
//   MWB_DIST_ALLOW_MISSING_FFMPEG=1  package without ffmpeg (the app then uses the one on PATH)
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { detectBinaryFile, matchesTarget } from './binary-arch.mjs';

/** Builds the upstream npm packages provide (ffmpeg-static 5.x index.js; ffprobe-static 3.x bin/). */
export const FFMPEG_STATIC_BUILDS = { darwin: ['x64', 'arm64'], linux: ['x64', 'ia32', 'arm64', 'arm'], win32: ['x64', 'ia32'] };
export const FFPROBE_STATIC_BUILDS = { darwin: ['x64', 'arm64'], linux: ['x64', 'ia32'], win32: ['x64', 'ia32'] };
/**
 * Non-native builds accepted for a target because its OS runs them by emulation. ffprobe-static
 * 3.1.0's darwin/arm64 binary is x86-64 (Rosetta 2 runs it); the build logs a warning.
 */
export const EMULATED_OK = { 'darwin-arm64': ['x64'] };

const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'arm', 3: 'arm64', 4: 'universal' };

function say(line) {
  console.log(`  • media-workbench: ${line}`);
}

function isExecutable(file) {
  return (statSync(file).mode & 0o111) !== 0;
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Accept a binary for a target: native, or an explicitly allowed emulated build (warned). */
async function checkBinary(file, platform, arch, what) {
  const kind = await detectBinaryFile(file);
  if (matchesTarget(kind, platform, arch)) return { file, kind, emulated: false };
  if (kind && kind.platform === platform && (EMULATED_OK[`${platform}-${arch}`] ?? []).includes(kind.arch)) {
    say(`warning: ${what} for ${platform}-${arch} is a ${kind.platform}-${kind.arch} build (runs by emulation): ${file}`);
    return { file, kind, emulated: true };
  }
  const found = kind ? `${kind.platform}-${kind.arch}${kind.arches ? ` (${kind.arches.join('+')})` : ''}` : 'not an executable';
  throw new Error(`${what} is ${found}, but this installer is ${platform}-${arch}: ${file}`);
}

/** Where this project's node_modules/<pkg> is, or null. */
function packageDir(projectDir, pkg) {
  try {
    return path.dirname(createRequire(path.join(projectDir, 'package.json')).resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

/**
 * The ffmpeg build for a target: from the cache, from node_modules when it already is that build,
 * or downloaded into the cache by ffmpeg-static's own installer. Null when upstream has none.
 */
export async function ffmpegSourceFor({ projectDir, platform, arch, download = !process.env.MWB_FFMPEG_NO_DOWNLOAD }) {
  const exe = platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  const cacheRoot = process.env.MWB_FFMPEG_CACHE ? path.resolve(process.env.MWB_FFMPEG_CACHE) : path.join(projectDir, '.cache', 'ffmpeg');
  const cached = path.join(cacheRoot, `${platform}-${arch}`, exe);
  if (existsSync(cached) && matchesTarget(await detectBinaryFile(cached), platform, arch)) return cached;
  const pkg = packageDir(projectDir, 'ffmpeg-static');
  for (const name of ['ffmpeg', 'ffmpeg.exe']) {
    const installed = pkg && path.join(pkg, name);
    if (installed && existsSync(installed) && matchesTarget(await detectBinaryFile(installed), platform, arch)) return installed;
  }
  if (!(FFMPEG_STATIC_BUILDS[platform] ?? []).includes(arch)) return null;
  if (!pkg) throw new Error('ffmpeg-static is not installed (its download probably failed during "npm ci"), so ffmpeg cannot be bundled.');
  if (!download) throw new Error(`No ${platform}-${arch} ffmpeg in ${path.dirname(cached)} and downloads are off (MWB_FFMPEG_NO_DOWNLOAD).`);
  say(`downloading ffmpeg for ${platform}-${arch} with ffmpeg-static's installer into ${path.dirname(cached)}`);
  mkdirSync(path.dirname(cached), { recursive: true });
  rmSync(cached, { force: true });
  const res = spawnSync(process.execPath, [path.join(pkg, 'install.js')], {
    cwd: pkg,
    stdio: 'inherit',
    env: { ...process.env, FFMPEG_BIN: cached, npm_config_platform: platform, npm_config_arch: arch },
  });
  if (res.status !== 0 || !existsSync(cached)) {
    throw new Error(
      `Could not download ffmpeg for ${platform}-${arch} (ffmpeg-static's installer exited ${res.status}). ` +
        `Put a ${platform}-${arch} build at ${cached}, or set FFMPEG_BINARIES_URL to a mirror.`,
    );
  }
  return cached;
}

/** Copy the target's ffmpeg (with its README/LICENSE when present) into the unpacked ffmpeg-static. */
export async function placeFfmpeg({ projectDir, unpackedModules, platform, arch }) {
  const pkgDir = path.join(unpackedModules, 'ffmpeg-static');
  const expected = (FFMPEG_STATIC_BUILDS[platform] ?? []).includes(arch);
  const allowMissing = !!process.env.MWB_DIST_ALLOW_MISSING_FFMPEG;
  if (!existsSync(path.join(pkgDir, 'package.json'))) {
    if (expected && !allowMissing) {
      throw new Error(
        'ffmpeg-static is not installed, so this installer would have no ffmpeg. Run "npm ci" on a machine that can download it, ' +
          'or set MWB_DIST_ALLOW_MISSING_FFMPEG=1 to package an app that uses the ffmpeg on PATH.',
      );
    }
    say(`no ffmpeg bundled for ${platform}-${arch}: the app will use FFMPEG_PATH or the ffmpeg on PATH`);
    return null;
  }
  let source;
  try {
    source = await ffmpegSourceFor({ projectDir, platform, arch });
  } catch (err) {
    if (!allowMissing) throw err;
    say(`warning: ${err instanceof Error ? err.message : err}; packaging without ffmpeg (MWB_DIST_ALLOW_MISSING_FFMPEG)`);
    source = null;
  }
  if (!source) {
    say(`no ${platform}-${arch} ffmpeg is available from ffmpeg-static: the app will use FFMPEG_PATH or the ffmpeg on PATH`);
    return null;
  }
  const exe = platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  const target = path.join(pkgDir, exe);
  copyFileSync(source, target);
  if (platform !== 'win32') chmodSync(target, 0o755);
  for (const extra of ['.README', '.LICENSE']) {
    if (existsSync(source + extra)) copyFileSync(source + extra, path.join(pkgDir, 'ffmpeg' + extra));
  }
  say(`bundled ffmpeg for ${platform}-${arch} from ${source}`);
  return target;
}

/**
 * Prove the unpacked binaries are exactly the target's: ffmpeg-static holds one ffmpeg for the
 * target; ffprobe-static holds only bin/<platform>/<arch>/; every binary is executable.
 */
export async function verifyBundledBinaries({ unpackedModules, platform, arch }) {
  const result = { ffmpeg: null, ffprobe: null };
  const ffmpegDir = path.join(unpackedModules, 'ffmpeg-static');
  const ffmpegs = listFiles(ffmpegDir).filter((f) => /^ffmpeg(\.exe)?$/.test(path.basename(f)));
  if (ffmpegs.length > 1) throw new Error(`More than one ffmpeg in ${ffmpegDir}: ${ffmpegs.join(', ')}`);
  for (const file of ffmpegs) {
    if (path.basename(file) !== (platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg')) throw new Error(`Unexpected ffmpeg name for ${platform}: ${file}`);
    result.ffmpeg = await checkBinary(file, platform, arch, 'the bundled ffmpeg');
  }
  const ffprobeBin = path.join(unpackedModules, 'ffprobe-static', 'bin');
  const own = path.join(ffprobeBin, platform, arch) + path.sep;
  for (const file of listFiles(ffprobeBin)) {
    if (!file.startsWith(own)) {
      throw new Error(`The ${platform}-${arch} installer would carry another platform's ffprobe: ${path.relative(unpackedModules, file)} (check the files filters in electron-builder.yml)`);
    }
    result.ffprobe = await checkBinary(file, platform, arch, 'the bundled ffprobe');
  }
  if (!result.ffprobe && (FFPROBE_STATIC_BUILDS[platform] ?? []).includes(arch) && existsSync(path.join(unpackedModules, 'ffprobe-static'))) {
    throw new Error(`ffprobe-static has a ${platform}-${arch} build but the installer lost it: check the files filters in electron-builder.yml`);
  }
  for (const found of [result.ffmpeg, result.ffprobe]) {
    if (!found || platform === 'win32') continue;
    if (!isExecutable(found.file)) chmodSync(found.file, 0o755);
    if (!isExecutable(found.file)) throw new Error(`${found.file} is not executable`);
  }
  return result;
}

/** The fuse settings for a target, in @electron/fuses' terms (FuseV1Options index → boolean). */
export async function fuseConfigFor(platform, arch) {
  const { FuseVersion, FuseV1Options } = await import('@electron/fuses');
  return {
    version: FuseVersion.V1,
    // Flipping fuses invalidates the ad-hoc signature arm64 macOS requires; re-sign ad hoc (only
    // possible on a Mac, where codesign exists; a real signature is applied afterwards anyway).
    resetAdHocDarwinSignature: platform === 'darwin' && arch === 'arm64' && process.platform === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // Electron validates the asar header hash on macOS and Windows (electron-builder embeds it
    // there); on Linux the fuse does nothing, so it stays off rather than pretending.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: platform === 'darwin' || platform === 'win32',
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    // The app loads from app://, never file://.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** Path of the Electron executable (or .app) in a packed app folder. */
export function electronBinaryPath(context, platform) {
  const { appOutDir, packager } = context;
  if (platform === 'linux') return path.join(appOutDir, packager.executableName);
  if (platform === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
}

/** Flip the fuses and read them back; throws if any did not take. */
export async function flipAndVerifyFuses(electronPath, platform, arch) {
  const { flipFuses, getCurrentFuseWire } = await import('@electron/fuses');
  const config = await fuseConfigFor(platform, arch);
  await flipFuses(electronPath, config);
  const wire = await getCurrentFuseWire(electronPath);
  const ENABLE = 0x31;
  const DISABLE = 0x30;
  for (const [key, want] of Object.entries(config)) {
    if (!/^\d+$/.test(key)) continue;
    const got = wire[Number(key)];
    if (got !== (want ? ENABLE : DISABLE)) throw new Error(`Electron fuse ${key} did not take (wanted ${want}, binary has ${got}) in ${electronPath}`);
  }
  return config;
}

export async function afterPack(context) {
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const projectDir = context.packager.projectDir ?? context.packager.info?.projectDir ?? process.cwd();
  const resources = context.packager.getResourcesDir(context.appOutDir);
  const unpackedModules = path.join(resources, 'app.asar.unpacked', 'node_modules');
  if (arch === 'universal') {
    // The universal mac app is merged from the x64 and arm64 apps, each already checked.
    say('universal app: binaries and fuses were handled in the per-arch apps');
    return;
  }
  await placeFfmpeg({ projectDir, unpackedModules, platform, arch });
  const found = await verifyBundledBinaries({ unpackedModules, platform, arch });
  const describe = (f) => (f ? `${path.relative(resources, f.file)} (${f.kind.platform}-${f.kind.arch})` : 'none (PATH is used)');
  say(`${platform}-${arch}: ffmpeg ${describe(found.ffmpeg)}; ffprobe ${describe(found.ffprobe)}`);
  await flipAndVerifyFuses(electronBinaryPath(context, platform), platform, arch);
  say(`${platform}-${arch}: Electron fuses flipped and verified`);
}

export default afterPack;
