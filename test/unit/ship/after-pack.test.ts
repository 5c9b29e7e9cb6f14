/**
 * The afterPack hook's checks, on synthetic app folders: a wrong or extra ffmpeg/ffprobe fails the
 * build, the executable bit is restored, the target's ffmpeg is placed from the per-target cache,
 * and the fuses come out as configured for every platform.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getCurrentFuseWire } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flipAndVerifyFuses, placeFfmpeg, verifyBundledBinaries } from '../../../scripts/pack/after-pack.mjs';
import { ELECTRON_DEFAULT_WIRE, fakeElectronBytes, headerFor, wireString, type Cpu } from './fake-electron';

let dir: string;
let modules: string;
const env = { ...process.env };

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-afterpack-'));
  modules = path.join(dir, 'resources', 'app.asar.unpacked', 'node_modules');
  await mkdir(modules, { recursive: true });
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(async () => {
  process.env = { ...env };
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function put(rel: string, data: Buffer, mode = 0o755): Promise<string> {
  const file = path.join(modules, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data, { mode });
  return file;
}
const ffprobeFor = (platform: 'linux' | 'win32' | 'darwin', folderArch: string, cpu: Cpu) =>
  put(`ffprobe-static/bin/${platform}/${folderArch}/ffprobe${platform === 'win32' ? '.exe' : ''}`, headerFor(platform, cpu));

describe('verifyBundledBinaries', () => {
  it("accepts exactly the target's ffprobe and ffmpeg", async () => {
    await ffprobeFor('linux', 'x64', 'x64');
    await put('ffmpeg-static/ffmpeg', headerFor('linux', 'x64'));
    const found = await verifyBundledBinaries({ unpackedModules: modules, platform: 'linux', arch: 'x64' });
    expect(found.ffprobe?.kind).toEqual({ platform: 'linux', arch: 'x64' });
    expect(found.ffmpeg?.kind).toEqual({ platform: 'linux', arch: 'x64' });
  });

  it("fails when another platform's or arch's ffprobe slipped through the filters", async () => {
    await ffprobeFor('linux', 'x64', 'x64');
    await ffprobeFor('darwin', 'x64', 'x64');
    await expect(verifyBundledBinaries({ unpackedModules: modules, platform: 'linux', arch: 'x64' })).rejects.toThrow(/another platform's ffprobe: ffprobe-static\/bin\/darwin/);
    await rm(path.join(modules, 'ffprobe-static/bin/darwin'), { recursive: true });
    await ffprobeFor('linux', 'ia32', 'ia32');
    await expect(verifyBundledBinaries({ unpackedModules: modules, platform: 'linux', arch: 'x64' })).rejects.toThrow(/bin\/linux\/ia32/);
  });

  it('fails when a binary in the right folder is built for another CPU', async () => {
    await ffprobeFor('win32', 'x64', 'ia32');
    await expect(verifyBundledBinaries({ unpackedModules: modules, platform: 'win32', arch: 'x64' })).rejects.toThrow(/ffprobe is win32-ia32, but this installer is win32-x64/);
  });

  it('fails when ffmpeg is for another platform or arch', async () => {
    await ffprobeFor('linux', 'x64', 'x64');
    await put('ffmpeg-static/ffmpeg', headerFor('linux', 'arm64'));
    await expect(verifyBundledBinaries({ unpackedModules: modules, platform: 'linux', arch: 'x64' })).rejects.toThrow(/ffmpeg is linux-arm64, but this installer is linux-x64/);
  });

  it('fails when an upstream ffprobe build exists but the installer lost it', async () => {
    await put('ffprobe-static/index.js', Buffer.from('module.exports = {}'));
    await expect(verifyBundledBinaries({ unpackedModules: modules, platform: 'linux', arch: 'x64' })).rejects.toThrow(/lost it/);
    // linux-arm64 has no upstream ffprobe: an empty bin is right.
    await expect(verifyBundledBinaries({ unpackedModules: modules, platform: 'linux', arch: 'arm64' })).resolves.toEqual({ ffmpeg: null, ffprobe: null });
  });

  it('accepts the x86-64 "darwin/arm64" ffprobe as Rosetta-emulated, with a warning', async () => {
    await ffprobeFor('darwin', 'arm64', 'x64');
    const found = await verifyBundledBinaries({ unpackedModules: modules, platform: 'darwin', arch: 'arm64' });
    expect(found.ffprobe?.emulated).toBe(true);
    expect(vi.mocked(console.log).mock.calls.flat().join('\n')).toMatch(/runs by emulation/);
    // …but not the other way round: x64 Macs cannot run arm64 binaries.
    await rm(path.join(modules, 'ffprobe-static'), { recursive: true });
    await ffprobeFor('darwin', 'x64', 'arm64');
    await expect(verifyBundledBinaries({ unpackedModules: modules, platform: 'darwin', arch: 'x64' })).rejects.toThrow(/darwin-arm64, but this installer is darwin-x64/);
  });

  it('restores a lost executable bit', async () => {
    const file = await ffprobeFor('linux', 'x64', 'x64');
    await chmod(file, 0o644);
    await verifyBundledBinaries({ unpackedModules: modules, platform: 'linux', arch: 'x64' });
    expect((await stat(file)).mode & 0o111).not.toBe(0);
  });
});

describe('placeFfmpeg', () => {
  beforeEach(() => {
    process.env.MWB_FFMPEG_CACHE = path.join(dir, 'cache');
    process.env.MWB_FFMPEG_NO_DOWNLOAD = '1';
    delete process.env.MWB_DIST_ALLOW_MISSING_FFMPEG;
  });

  it("copies the target's build from the cache, executable, with its license", async () => {
    await put('ffmpeg-static/package.json', Buffer.from('{"name":"ffmpeg-static"}'), 0o644);
    const cached = path.join(dir, 'cache', 'linux-arm64', 'ffmpeg');
    await mkdir(path.dirname(cached), { recursive: true });
    await writeFile(cached, headerFor('linux', 'arm64'));
    await writeFile(cached + '.LICENSE', 'GPL');
    const placed = await placeFfmpeg({ projectDir: dir, unpackedModules: modules, platform: 'linux', arch: 'arm64' });
    expect(placed).toBe(path.join(modules, 'ffmpeg-static', 'ffmpeg'));
    expect((await stat(placed!)).mode & 0o111).not.toBe(0);
    expect(await readFile(path.join(modules, 'ffmpeg-static', 'ffmpeg.LICENSE'), 'utf8')).toBe('GPL');
    const found = await verifyBundledBinaries({ unpackedModules: modules, platform: 'linux', arch: 'arm64' });
    expect(found.ffmpeg?.kind).toEqual({ platform: 'linux', arch: 'arm64' });
  });

  it('ignores a cached build of the wrong CPU and says what is missing', async () => {
    await put('ffmpeg-static/package.json', Buffer.from('{}'), 0o644);
    const cached = path.join(dir, 'cache', 'win32-x64', 'ffmpeg.exe');
    await mkdir(path.dirname(cached), { recursive: true });
    await writeFile(cached, headerFor('win32', 'ia32'));
    await expect(placeFfmpeg({ projectDir: dir, unpackedModules: modules, platform: 'win32', arch: 'x64' })).rejects.toThrow(/ffmpeg-static is not installed|downloads are off/);
  });

  it('bundles none where upstream has no build (Windows on Arm)', async () => {
    await put('ffmpeg-static/package.json', Buffer.from('{}'), 0o644);
    expect(await placeFfmpeg({ projectDir: dir, unpackedModules: modules, platform: 'win32', arch: 'arm64' })).toBeNull();
  });

  it('refuses to package without ffmpeg-static unless told to', async () => {
    await expect(placeFfmpeg({ projectDir: dir, unpackedModules: modules, platform: 'linux', arch: 'x64' })).rejects.toThrow(/MWB_DIST_ALLOW_MISSING_FFMPEG/);
    process.env.MWB_DIST_ALLOW_MISSING_FFMPEG = '1';
    expect(await placeFfmpeg({ projectDir: dir, unpackedModules: modules, platform: 'linux', arch: 'x64' })).toBeNull();
  });
});

describe('Electron fuses', () => {
  // Fuse order: RunAsNode, CookieEncryption, NODE_OPTIONS, inspect args, asar integrity, only asar, V8 snapshot, file:// privileges.
  it.each([
    ['linux', 'x64', '01000100'],
    ['win32', 'arm64', '01001100'],
    ['darwin', 'x64', '01001100'],
  ] as const)('flips them for %s-%s and reads them back', async (platform, arch, expected) => {
    let target: string;
    let binary: string;
    if (platform === 'darwin') {
      target = path.join(dir, 'Media Workbench.app');
      binary = path.join(target, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
    } else {
      target = binary = path.join(dir, platform === 'win32' ? 'Media Workbench.exe' : 'media-workbench');
    }
    await mkdir(path.dirname(binary), { recursive: true });
    await writeFile(binary, fakeElectronBytes(headerFor(platform, arch)));
    expect(wireString(await getCurrentFuseWire(target))).toBe(ELECTRON_DEFAULT_WIRE);
    await flipAndVerifyFuses(target, platform, arch);
    expect(wireString(await getCurrentFuseWire(target))).toBe(expected);
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const binary = path.join(dir, 'media-workbench');
    await writeFile(binary, headerFor('linux', 'x64'));
    await expect(flipAndVerifyFuses(binary, 'linux', 'x64')).rejects.toThrow(/sentinel/);
  });
});
