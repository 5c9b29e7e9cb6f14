/**
 * Packs the real electron-builder.yml for Linux x64 and arm64 (`--dir`) with electron-builder
 * itself. Electron's binary cannot be downloaded here, so a stand-in Electron folder is given as
 * `electronDist`; everything else is the real thing: file filters, node_modules collection, app.asar,
 * asarUnpack, and the afterPack hook (binary checks, ffmpeg placement, fuses).
 *
 * Then the packaged app is examined as a user's machine would see it: which ffprobe is inside, that
 * it is executable and found through binaries.ts's app.asar → app.asar.unpacked mapping by the very
 * index.js the app ships, and that the fuses are flipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackedAsarPath } from '../../../electron/core/binaries';
import { fakeLinuxElectronDist, wireString } from './fake-electron';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(p: string, o: object): string[]; extractFile(p: string, f: string): Buffer; extractAll(p: string, dest: string): void };

function ffmpegStaticInstalled(): boolean {
  try {
    const dir = path.dirname(require.resolve('ffmpeg-static/package.json'));
    return existsSync(path.join(dir, 'ffmpeg'));
  } catch {
    return false;
  }
}

/** Run ffprobe-static's shipped index.js as the packaged app would, with its in-asar __dirname. */
function shippedFfprobePath(resources: string): string {
  const inAsar = path.join(resources, 'app.asar', 'node_modules', 'ffprobe-static');
  const source = asar.extractFile(path.join(resources, 'app.asar'), path.join('node_modules', 'ffprobe-static', 'index.js')).toString('utf8');
  const module = { exports: {} as { path?: string } };
  new Function('require', 'module', 'exports', '__dirname', source)(require, module, module.exports, inAsar);
  return module.exports.path!;
}

describe('electron-builder packs the Linux app (x64 and arm64)', () => {
  let work: string;
  const out: Record<string, string> = {};
  const logs: string[] = [];

  beforeAll(async () => {
    for (const f of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html']) {
      if (!existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run "npm run build" first (npm test does).`);
    }
    work = await mkdtemp(path.join(os.tmpdir(), 'mwb-pack-'));
    const { build, Platform, Arch } = require('electron-builder') as typeof import('electron-builder');
    const env = { ...process.env };
    const log = console.log;
    console.log = (...args: unknown[]) => logs.push(args.join(' '));
    // Offline: the hook must not try to download ffmpeg, and may package without it here.
    process.env.MWB_FFMPEG_NO_DOWNLOAD = '1';
    process.env.MWB_FFMPEG_CACHE = path.join(work, 'ffmpeg-cache');
    process.env.MWB_DIST_ALLOW_MISSING_FFMPEG = '1';
    try {
      for (const [name, arch] of [
        ['x64', Arch.x64],
        ['arm64', Arch.arm64],
      ] as const) {
        const electronDist = await fakeLinuxElectronDist(path.join(work, `electron-${name}`), name);
        out[name] = path.join(work, `out-${name}`);
        await mkdir(out[name], { recursive: true });
        await build({
          projectDir: ROOT,
          targets: Platform.LINUX.createTarget(['dir'], arch),
          config: { electronDist, directories: { output: out[name], buildResources: 'resources' } },
          publish: 'never',
        });
      }
    } finally {
      console.log = log;
      process.env = env;
    }
  }, 240_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const appDir = (arch: string) => path.join(out[arch]!, arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`);
  const resourcesOf = (arch: string) => path.join(appDir(arch), 'resources');

  it('app.asar holds the built app and no dev tooling', () => {
    const entries = asar.listPackage(path.join(resourcesOf('x64'), 'app.asar'), {}).map((e) => e.replaceAll('\\', '/'));
    for (const needed of ['/package.json', '/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html']) {
      expect(entries).toContain(needed);
    }
    // Only the build output, package.json and runtime node_modules: no sources, tests, docs or scripts.
    expect([...new Set(entries.map((e) => e.split('/')[1]))].sort()).toEqual(['dist', 'node_modules', 'package.json']);
    expect([...new Set(entries.filter((e) => e.startsWith('/dist/')).map((e) => e.split('/').slice(0, 3).join('/')))].sort()).toEqual(['/dist/electron', '/dist/renderer']);
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    expect(entries).not.toContain('/dist/electron/cli.mjs');
    for (const dev of ['electron', 'vite', 'svelte', 'vitest', 'electron-builder', 'zod', 'mp4box', 'playwright-core', '@doyensec']) {
      expect(entries.some((e) => e.startsWith(`/node_modules/${dev}/`)), dev).toBe(false);
    }
    expect(statSync(path.join(resourcesOf('x64'), 'app.asar')).size).toBeLessThan(20 * 1024 * 1024);
  });

  it('the x64 app carries only linux/x64 ffprobe, unpacked and executable, found through binaries.ts', async () => {
    const bin = path.join(resourcesOf('x64'), 'app.asar.unpacked', 'node_modules', 'ffprobe-static', 'bin');
    expect(await readdir(bin)).toEqual(['linux']);
    expect(await readdir(path.join(bin, 'linux'))).toEqual(['x64']);
    const reported = shippedFfprobePath(resourcesOf('x64'));
    expect(reported).toContain(`${path.sep}app.asar${path.sep}`);
    const real = unpackedAsarPath(reported);
    expect(real).toBe(path.join(bin, 'linux', 'x64', 'ffprobe'));
    expect(statSync(real).mode & 0o111).not.toBe(0);
    if (process.platform === 'linux' && process.arch === 'x64') {
      const res = spawnSync(real, ['-hide_banner', '-version'], { encoding: 'utf8' });
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/^ffprobe version/);
    }
  });

  it("binaries.ts, bundled as in main.cjs, resolves the packaged ffprobe from app.asar.unpacked", async () => {
    // Node cannot read an asar archive, so app.asar is extracted to a folder of the same name (minus
    // its unpacked binaries) next to the real app.asar.unpacked, and the real binaries.ts is bundled
    // the way scripts/build.mjs bundles main.cjs, into dist/electron/ inside it.
    const layout = path.join(work, 'layout');
    const asarDir = path.join(layout, 'app.asar');
    asar.extractAll(path.join(resourcesOf('x64'), 'app.asar'), asarDir);
    await rm(path.join(asarDir, 'node_modules', 'ffprobe-static', 'bin'), { recursive: true, force: true });
    await symlink(path.join(resourcesOf('x64'), 'app.asar.unpacked'), path.join(layout, 'app.asar.unpacked'));
    const entry = path.join(work, 'probe-entry.ts');
    await writeFile(entry, `import { resolveBinary } from ${JSON.stringify(path.join(ROOT, 'electron/core/binaries'))};\nconsole.log(JSON.stringify(resolveBinary('ffprobe')));\n`);
    const { build: esbuild } = require('esbuild') as typeof import('esbuild');
    const outfile = path.join(asarDir, 'dist', 'electron', 'probe.cjs');
    await esbuild({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['ffmpeg-static', 'ffprobe-static'],
      banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
      define: { 'import.meta.url': '__import_meta_url' },
      logLevel: 'error',
    });
    // FFMPEG_PATH is set so ffprobe does not follow a PATH ffmpeg (see binaries.ts); it must be an
    // ffmpeg that answers -version, since binaries.ts takes only candidates that run.
    const ffmpegStandIn = path.join(work, 'ffmpeg-stand-in');
    await writeFile(ffmpegStandIn, '#!/bin/sh\necho "ffmpeg version 0-stand-in"\n', { mode: 0o755 });
    const res = spawnSync(process.execPath, [outfile], { encoding: 'utf8', env: { ...process.env, FFMPEG_PATH: ffmpegStandIn, FFPROBE_PATH: '' } });
    expect(res.stderr).toBe('');
    const resolved = JSON.parse(res.stdout) as { path: string; source: string };
    expect(resolved.source).toBe('bundled');
    expect(resolved.path).toBe(path.join(layout, 'app.asar.unpacked', 'node_modules', 'ffprobe-static', 'bin', 'linux', 'x64', 'ffprobe'));
  });

  it('the arm64 app carries no ffprobe (ffprobe-static has no linux/arm64 build) and none of x64', async () => {
    const pkg = path.join(resourcesOf('arm64'), 'app.asar.unpacked', 'node_modules', 'ffprobe-static');
    const files = existsSync(path.join(pkg, 'bin')) ? await readdir(path.join(pkg, 'bin'), { recursive: true }) : [];
    expect(files.filter((f) => /ffprobe/.test(String(f)))).toEqual([]);
    const du = (dir: string): number =>
      existsSync(dir) ? require('node:fs').readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d: { isFile(): boolean }) => d.isFile()).reduce((n: number, d: { parentPath: string; name: string }) => n + statSync(path.join(d.parentPath, d.name)).size, 0) : 0;
    expect(du(path.join(resourcesOf('arm64'), 'app.asar.unpacked'))).toBeLessThan(1024 * 1024);
  });

  it('ffmpeg: placed for the target when ffmpeg-static is installed, otherwise none and the log says PATH', () => {
    for (const arch of ['x64', 'arm64']) {
      const ffmpeg = path.join(resourcesOf(arch), 'app.asar.unpacked', 'node_modules', 'ffmpeg-static', 'ffmpeg');
      if (ffmpegStaticInstalled() && arch === process.arch) expect(existsSync(ffmpeg), arch).toBe(true);
      else expect(existsSync(ffmpeg), arch).toBe(false);
    }
    if (!ffmpegStaticInstalled()) expect(logs.join('\n')).toMatch(/no ffmpeg bundled for linux-x64: the app will use FFMPEG_PATH or the ffmpeg on PATH/);
  });

  it('flips the fuses in the packaged executable', async () => {
    for (const arch of ['x64', 'arm64']) {
      const exe = path.join(appDir(arch), 'media-workbench');
      // RunAsNode off, cookie encryption on, NODE_OPTIONS off, inspect off, asar integrity n/a on Linux, only-asar on, V8 snapshot off, file:// privileges off.
      expect(wireString(await getCurrentFuseWire(exe)), arch).toBe('01000100');
    }
    expect(logs.join('\n')).toMatch(/linux-x64: Electron fuses flipped and verified/);
    expect(logs.join('\n')).toMatch(/linux-arm64: Electron fuses flipped and verified/);
  });
});
