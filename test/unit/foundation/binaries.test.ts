import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearBinaryCache, findBinary, resolveBinary, ROSETTA_FIRST_RUN_TIMEOUT_MS, unpackedAsarPath, VERSION_CHECK_TIMEOUT_MS, versionCheckTimeoutMs, whyNotRunnable, type BinaryEnvironment, type BinaryName } from '../../../electron/core/binaries';
import { machoHeader } from '../ship/fake-electron';

/** An executable file with `body` (a shell script, or the header of a binary for another machine). */
async function executable(file: string, body: string | Buffer): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, body);
  await chmod(file, 0o755);
  return file;
}
const fakeTool = (name: BinaryName, version = '9.9-fake') => `#!/bin/sh\necho "${name} version ${version} Copyright (c) the FFmpeg developers"\n`;

describe('ffmpeg/ffprobe resolution', () => {
  const saved = { ...process.env };
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bin-'));
    clearBinaryCache();
  });
  afterEach(async () => {
    process.env = { ...saved };
    clearBinaryCache();
    await rm(dir, { recursive: true, force: true });
  });

  it('FFMPEG_PATH wins when it is an ffmpeg that runs', async () => {
    const fake = await executable(path.join(dir, 'my-ffmpeg'), fakeTool('ffmpeg'));
    process.env.FFMPEG_PATH = fake;
    expect(resolveBinary('ffmpeg')).toMatchObject({ path: fake, source: 'env', passedOver: [] });
  });

  it('an executable FFMPEG_PATH that is not ffmpeg is passed over, and says why', async () => {
    // Before issue 12 the executable bit was enough: this script was taken as ffmpeg.
    const fake = await executable(path.join(dir, 'my-ffmpeg'), '#!/bin/sh\necho hi\n');
    process.env.FFMPEG_PATH = fake;
    const found = resolveBinary('ffmpeg');
    expect(found.source).not.toBe('env');
    expect(found.passedOver).toEqual([`FFMPEG_PATH=${fake} (is not ffmpeg ("-version" printed no "ffmpeg version" line))`]);
    expect(found.tried[0]).toBe(found.passedOver[0]);
  });

  it('a bad FFMPEG_PATH is reported and the next source is used', () => {
    process.env.FFMPEG_PATH = path.join(dir, 'missing');
    const found = resolveBinary('ffmpeg');
    expect(found.source).not.toBe('env');
    expect(found.tried[0]).toContain('does not exist');
  });

  it('fails with a message naming everything it tried', () => {
    process.env.FFPROBE_PATH = path.join(dir, 'nope');
    process.env.PATH = dir;
    process.env.FFMPEG_PATH = path.join(dir, 'nope-either');
    let message = '';
    try {
      // ffprobe-static ships a binary inside its npm package, so only ffmpeg can be made missing everywhere here
      // unless ffmpeg-static is installed; skip the assertion in that case.
      resolveBinary('ffmpeg', { fresh: true });
    } catch (err) {
      message = (err as Error).message;
    }
    if (message) {
      expect(message).toContain('ffmpeg was not found');
      expect(message).toContain('FFMPEG_PATH=');
      expect(message).toContain('on PATH (not found)');
    } else {
      expect(resolveBinary('ffmpeg').source).toBe('bundled');
    }
  });

  it('maps app.asar paths to app.asar.unpacked for spawning', () => {
    expect(unpackedAsarPath('/opt/MW/resources/app.asar/node_modules/ffmpeg-static/ffmpeg')).toBe(
      '/opt/MW/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg',
    );
    expect(unpackedAsarPath('C:\\MW\\resources\\app.asar\\node_modules\\x.exe')).toBe('C:\\MW\\resources\\app.asar.unpacked\\node_modules\\x.exe');
  });
});

/** A machine played by the test: real files, chosen platform, and optionally a scripted version check. */
function machine(over: Partial<BinaryEnvironment> & { env: Record<string, string | undefined> }): BinaryEnvironment {
  return {
    platform: 'linux',
    arch: 'x64',
    bundled: () => null,
    whyNotRunnable: (file, name) => whyNotRunnable(file, name, { timeoutMs: 2_000 }),
    ...over,
  };
}

describe('a candidate is taken only when it runs here (issue 12: macOS arm64 without Rosetta)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-run-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a bundled ffprobe built for another CPU is passed over for the one on PATH, with the reason', async () => {
    // ffprobe-static's "darwin/arm64" ffprobe is an x86-64 Mach-O: executable bit set, but this
    // kernel cannot start it, as an Apple silicon Mac without Rosetta 2 cannot.
    const bundled = await executable(path.join(dir, 'node_modules/ffprobe-static/bin/darwin/arm64/ffprobe'), Buffer.concat([machoHeader('x64'), Buffer.alloc(4096)]));
    const onPath = await executable(path.join(dir, 'usr/bin/ffprobe'), fakeTool('ffprobe'));
    const e = machine({ env: { PATH: path.dirname(onPath), FFMPEG_PATH: process.execPath }, bundled: (n) => (n === 'ffprobe' ? bundled : null) });
    const found = findBinary('ffprobe', e, () => 'bundled');
    expect(found).toMatchObject({ path: onPath, source: 'path' });
    expect(found.passedOver).toHaveLength(1);
    expect(found.passedOver).toEqual([`ffprobe-static: ${bundled} (built for darwin-x64, does not run on this linux-x64 machine)`]);
  });

  it('on an Apple silicon Mac the reason names the build and Rosetta 2', async () => {
    const bundled = await executable(path.join(dir, 'ffprobe'), Buffer.concat([machoHeader('x64'), Buffer.alloc(64)]));
    expect(whyNotRunnable(bundled, 'ffprobe', { platform: 'darwin', arch: 'arm64' })).toBe(
      'built for darwin-x64, does not run on this darwin-arm64 machine without Rosetta 2 ("softwareupdate --install-rosetta" installs it)',
    );
  });

  it("an x86-64 macOS build on Apple silicon gets time for Rosetta's first translation; everything else the short check", async () => {
    const x64 = await executable(path.join(dir, 'x64'), Buffer.concat([machoHeader('x64'), Buffer.alloc(64)]));
    const arm = await executable(path.join(dir, 'arm'), Buffer.concat([machoHeader('arm64'), Buffer.alloc(64)]));
    expect(versionCheckTimeoutMs(x64, 'darwin', 'arm64')).toBe(ROSETTA_FIRST_RUN_TIMEOUT_MS);
    expect(versionCheckTimeoutMs(arm, 'darwin', 'arm64')).toBe(VERSION_CHECK_TIMEOUT_MS);
    expect(versionCheckTimeoutMs(x64, 'darwin', 'x64')).toBe(VERSION_CHECK_TIMEOUT_MS);
    expect(versionCheckTimeoutMs(x64, 'linux', 'arm64')).toBe(VERSION_CHECK_TIMEOUT_MS);
    expect(VERSION_CHECK_TIMEOUT_MS).toBeLessThan(ROSETTA_FIRST_RUN_TIMEOUT_MS);
  });

  it('a binary that hangs, fails or is something else is refused with the reason', async () => {
    const hangs = await executable(path.join(dir, 'hangs'), '#!/bin/sh\nexec sleep 30\n');
    const fails = await executable(path.join(dir, 'fails'), '#!/bin/sh\nexit 3\n');
    const other = await executable(path.join(dir, 'other'), fakeTool('ffprobe'));
    const good = await executable(path.join(dir, 'good'), fakeTool('ffmpeg'));
    expect(whyNotRunnable(hangs, 'ffmpeg', { timeoutMs: 300 })).toBe('"ffmpeg -version" did not answer within 0.3 s');
    expect(whyNotRunnable(fails, 'ffmpeg')).toBe('"ffmpeg -version" failed (exit 3)');
    expect(whyNotRunnable(other, 'ffmpeg')).toBe('is not ffmpeg ("-version" printed no "ffmpeg version" line)');
    expect(whyNotRunnable(good, 'ffmpeg')).toBeNull();
  });

  it('every candidate refused: the error lists each with its reason', async () => {
    const bundled = await executable(path.join(dir, 'bundled/ffmpeg'), Buffer.concat([machoHeader('arm64'), Buffer.alloc(64)]));
    const onPath = await executable(path.join(dir, 'bin/ffmpeg'), '#!/bin/sh\nexit 1\n');
    const e = machine({ env: { PATH: path.dirname(onPath) }, bundled: () => bundled });
    expect(() => findBinary('ffmpeg', e)).toThrow(
      new RegExp(`ffmpeg was not found\\. Tried: FFMPEG_PATH \\(not set\\); ffmpeg-static: .*bundled/ffmpeg \\(built for darwin-arm64, does not run on this linux-x64 machine\\); ${onPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} on PATH \\("ffmpeg -version" failed \\(exit 1\\)\\); ffmpeg on PATH \\(not found\\)`),
    );
  });
});

describe('Windows: .cmd and .bat on PATH (issue 12)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-win-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  // Node refuses to spawn .cmd/.bat without a shell (CVE-2024-27980), and this app never uses one.
  const windows = (PATH: string, extra: Record<string, string> = {}) =>
    machine({ platform: 'win32', env: { PATH, ...extra }, whyNotRunnable: (file) => (/\.exe$/.test(file) ? null : 'only .exe files start') });

  it('skips a scoop-style ffmpeg.cmd shim, says so, and takes the ffmpeg.exe further down PATH', async () => {
    const shim = await executable(path.join(dir, 'scoop', 'shims', 'ffmpeg.cmd'), '@"C:\\scoop\\apps\\ffmpeg\\bin\\ffmpeg.exe" %*\r\n');
    const bat = await executable(path.join(dir, 'tools', 'ffmpeg.bat'), '@echo off\r\n');
    const exe = await executable(path.join(dir, 'ffmpeg', 'bin', 'ffmpeg.exe'), 'MZ');
    const found = findBinary('ffmpeg', windows([path.dirname(shim), path.dirname(bat), path.dirname(exe)].join(';')));
    expect(found).toMatchObject({ path: exe, source: 'path' });
    expect(found.passedOver).toEqual([
      `${shim} on PATH (skipped: a .cmd script needs a shell to run, and the workbench never starts one)`,
      `${bat} on PATH (skipped: a .bat script needs a shell to run, and the workbench never starts one)`,
    ]);
  });

  it('only a .cmd on PATH, or FFMPEG_PATH naming one: not found, and the message says why', async () => {
    const shim = await executable(path.join(dir, 'shims', 'ffmpeg.cmd'), '@echo off\r\n');
    expect(() => findBinary('ffmpeg', windows(path.dirname(shim)))).toThrow(/ffmpeg\.cmd on PATH \(skipped: a \.cmd script needs a shell to run/);
    expect(() => findBinary('ffmpeg', windows('', { FFMPEG_PATH: shim }))).toThrow(/FFMPEG_PATH=.*ffmpeg\.cmd \(skipped: a \.cmd script needs a shell to run/);
  });
});

describe('ffprobe pairs with an ffmpeg from PATH', () => {
  it('also when FFPROBE_PATH is set but refused: the ffprobe beside it on PATH, not the old bundled build', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-pair-'));
    try {
      const bin = path.join(dir, 'bin');
      await executable(path.join(bin, 'ffmpeg'), fakeTool('ffmpeg'));
      const probe = await executable(path.join(bin, 'ffprobe'), fakeTool('ffprobe'));
      const bundled = await executable(path.join(dir, 'ffprobe-static', 'ffprobe'), fakeTool('ffprobe', '4.0.2-static'));
      const broken = await executable(path.join(dir, 'broken-ffprobe'), '#!/bin/sh\nexit 1\n');
      const e = machine({ env: { PATH: bin, FFPROBE_PATH: broken }, bundled: (n) => (n === 'ffprobe' ? bundled : null) });
      expect(findBinary('ffprobe', e)).toMatchObject({ path: probe, source: 'path', passedOver: [`FFPROBE_PATH=${broken} ("ffprobe -version" failed (exit 1))`] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
