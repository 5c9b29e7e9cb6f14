/**
 * electron-builder.yml, checked the way electron-builder reads it: loaded and schema-validated by
 * electron-builder's own config code, file patterns evaluated by its own matchers (for every
 * platform and arch, including the ones this machine cannot package), and the files they select
 * checked to exist after `npm run build`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../../package.json' with { type: 'json' };

const ROOT = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);

type FileSet = { from?: string; to?: string; filter?: string[] };
interface Config {
  appId: string;
  productName: string;
  files?: unknown;
  asar: boolean;
  asarUnpack: string[];
  afterPack: string;
  publish: unknown;
  fileAssociations: Array<{ ext: string; name: string; mimeType: string; role: string; rank: string }>;
  win: { target: Array<{ target: string; arch: string[] }>; files: string[]; icon: string };
  mac: { target: Array<{ target: string; arch: string[] }>; files: string[]; icon: string; hardenedRuntime: boolean };
  linux: { target: Array<{ target: string; arch: string[] }>; files: string[]; icon: string; executableName: string };
  directories: { buildResources: string; output: string };
}

// electron-builder internals used on purpose: they are what `npm run dist` runs.
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Config>;
  validateConfiguration(config: Config, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
};
const { getMainFileMatchers, getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher') as {
  getMainFileMatchers(...args: unknown[]): Array<{ from: string; createFilter(): (file: string, stat: FakeStat) => boolean; patterns: string[] }>;
  getNodeModuleFileMatcher(...args: unknown[]): { createFilter(): (file: string, stat: FakeStat) => boolean };
};
const { expandMacro } = require('app-builder-lib/out/util/macroExpander') as {
  expandMacro(pattern: string, arch: string | null, appInfo: object, extra: object): string;
};

interface FakeStat {
  isDirectory(): boolean;
  moduleFullFilePath?: string;
}
const fileStat: FakeStat = { isDirectory: () => false };
const debugLogger = { isEnabled: false, add() {} };
const PLATFORMS = { win: 'win32', mac: 'darwin', linux: 'linux' } as const;

function macroExpanderFor(os: keyof typeof PLATFORMS, arch: string) {
  const appInfo = { productName: pkg.productName, sanitizedProductName: pkg.productName, version: pkg.version };
  return (p: string) => expandMacro(p, arch, appInfo, { os, '/*': '{,/**/*}' });
}

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (['node_modules', '.git', 'release', '.cache'].includes(r)) continue;
      out.push(...walk(dir, r));
    } else out.push(r);
  }
  return out;
}

/** The project files (outside node_modules) electron-builder would put into the app for a target. */
function selectedAppFiles(config: Config, os: keyof typeof PLATFORMS, arch: string, all: string[]): string[] {
  const info = { projectDir: ROOT, buildResourcesDir: path.join(ROOT, config.directories.buildResources), isPrepackedAppAsar: false, config, debugLogger };
  const matchers = getMainFileMatchers(ROOT, '/dest/app', macroExpanderFor(os, arch), config[os], { info }, path.join(ROOT, config.directories.output), false);
  const filters = matchers.map((m) => ({ from: m.from, filter: m.createFilter() }));
  return all.filter((rel) => filters.some((f) => f.from === ROOT && f.filter(path.join(ROOT, rel), fileStat)));
}

/** Of `files` inside node_modules, which the node-module matcher keeps for a target. */
function keptModuleFiles(config: Config, os: keyof typeof PLATFORMS, arch: string, files: string[]): string[] {
  const matcher = getNodeModuleFileMatcher(ROOT, '/dest/app', macroExpanderFor(os, arch), config[os], { config, debugLogger });
  const filter = matcher.createFilter();
  return files.filter((rel) => filter(path.join(ROOT, rel), fileStat));
}

describe('electron-builder.yml', () => {
  let config: Config;
  let raw: Record<string, unknown>;

  beforeAll(async () => {
    const yaml = require('js-yaml') as { load(s: string): unknown };
    raw = yaml.load(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    config = await getConfig(ROOT, null, null);
  });

  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(config, debugLogger)).resolves.toBeUndefined();
  });

  it('names the app and never publishes', () => {
    expect(config.appId).toBe('dev.mediaworkbench.app');
    expect(config.productName).toBe(pkg.productName);
    expect(raw.publish).toBeNull();
    expect(config.asar).toBe(true);
  });

  it('targets Windows nsis, macOS dmg, Linux AppImage and deb, each for x64 and arm64', () => {
    const targets = (os: 'win' | 'mac' | 'linux') => Object.fromEntries(config[os].target.map((t) => [t.target, [...t.arch].sort()]));
    expect(targets('win')).toEqual({ nsis: ['arm64', 'x64'] });
    expect(targets('mac')).toEqual({ dmg: ['arm64', 'x64'] });
    expect(targets('linux')).toEqual({ AppImage: ['arm64', 'x64'], deb: ['arm64', 'x64'] });
    // One installer per arch, each named for it (NSIS would otherwise bundle both archs in one).
    expect((raw.nsis as { buildUniversalInstaller?: boolean }).buildUniversalInstaller).toBe(false);
    expect(String(raw.artifactName)).toContain('${arch}');
    expect(config.mac.hardenedRuntime).toBe(true);
  });

  it('associates the media and manifest types as "Open with" viewers of alternate rank', () => {
    const exts = config.fileAssociations.map((a) => a.ext).sort();
    expect(exts).toEqual(['cmfa', 'cmfv', 'm3u8', 'm4a', 'm4s', 'm4v', 'mov', 'mp4', 'mpd']);
    for (const a of config.fileAssociations) {
      expect(a.name, a.ext).toBeTruthy();
      expect(a.mimeType, a.ext).toMatch(/^[a-z]+\/[\w.+-]+$/);
      expect(a.role, a.ext).toBe('Viewer');
      expect(a.rank, a.ext).toBe('Alternate');
    }
  });

  it('has no top-level files list (it would become an extra file set) and identical per-platform lists', () => {
    expect(raw.files).toBeUndefined();
    const common = (os: 'win' | 'mac' | 'linux') => config[os].files.filter((f) => !f.includes('ffprobe-static/bin/'));
    expect(common('mac')).toEqual(common('win'));
    expect(common('linux')).toEqual(common('win'));
  });

  it('unpacks ffmpeg-static and ffprobe-static from the asar and runs the afterPack hook', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/ffmpeg-static/**/*', 'node_modules/ffprobe-static/**/*']));
    expect(config.afterPack).toBe('./scripts/pack/after-pack.mjs');
    expect(existsSync(path.join(ROOT, config.afterPack))).toBe(true);
  });

  describe('per-target binary filters (evaluated by electron-builder\'s matcher)', () => {
    const ffprobeBuilds = ['darwin/x64/ffprobe', 'darwin/arm64/ffprobe', 'linux/x64/ffprobe', 'linux/ia32/ffprobe', 'linux/arm64/ffprobe', 'win32/x64/ffprobe.exe', 'win32/ia32/ffprobe.exe', 'win32/arm64/ffprobe.exe'].map(
      (b) => `node_modules/ffprobe-static/bin/${b}`,
    );
    const ffmpegFiles = ['ffmpeg', 'ffmpeg.exe', 'ffmpeg.README', 'ffmpeg.LICENSE', 'index.js', 'package.json', 'install.js'].map((f) => `node_modules/ffmpeg-static/${f}`);
    for (const os of ['win', 'mac', 'linux'] as const) {
      for (const arch of ['x64', 'arm64']) {
        it(`${os} ${arch}: only ffprobe-static/bin/${PLATFORMS[os]}/${arch}, and no host ffmpeg`, () => {
          const kept = keptModuleFiles(config, os, arch, [...ffprobeBuilds, ...ffmpegFiles, 'node_modules/ffprobe-static/index.js', 'node_modules/zod/index.js', 'node_modules/mp4box/package.json']);
          expect(kept.filter((f) => f.includes('ffprobe-static/bin/'))).toEqual(ffprobeBuilds.filter((b) => b.includes(`/bin/${PLATFORMS[os]}/${arch}/`)));
          // The host's ffmpeg never ships; after-pack.mjs places the target's own.
          expect(kept.filter((f) => f.includes('ffmpeg-static/'))).toEqual(['node_modules/ffmpeg-static/index.js', 'node_modules/ffmpeg-static/package.json']);
          expect(kept).toContain('node_modules/ffprobe-static/index.js');
          // Bundled into main.cjs by esbuild.
          expect(kept).not.toContain('node_modules/zod/index.js');
        });
      }
    }
  });

  describe('after `npm run build`', () => {
    let all: string[];
    beforeAll(() => {
      for (const f of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html']) {
        if (!existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run "npm run build" first (npm test does).`);
      }
      all = walk(ROOT);
    });

    for (const os of ['win', 'mac', 'linux'] as const) {
      it(`${os}: selects exactly the built app (main, preload, renderer) and package.json, all present`, () => {
        const selected = selectedAppFiles(config, os, 'x64', all);
        const expected = all.filter((f) => f === 'package.json' || f === 'dist/electron/main.cjs' || f === 'dist/electron/preload.cjs' || (f.startsWith('dist/renderer/') && !f.endsWith('.map')));
        expect(selected.sort()).toEqual(expected.sort());
        expect(selected).toContain('dist/renderer/index.html');
        for (const f of selected) expect(existsSync(path.join(ROOT, f)), f).toBe(true);
      });
    }

    it('every positive files pattern selects at least one built file', () => {
      const minimatch = require('minimatch') as { minimatch(p: string, pattern: string, o: object): boolean };
      for (const pattern of config.linux.files.filter((f) => !f.startsWith('!'))) {
        expect(all.some((f) => minimatch.minimatch(f, pattern, { dot: true })), pattern).toBe(true);
      }
    });

    it('main.cjs and preload.cjs load nothing at run time that the app does not ship', () => {
      const requires = (file: string) => [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
      const builtin = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
      const mainExternal = [...new Set(requires('dist/electron/main.cjs').filter((m) => !builtin.has(m)))].sort();
      expect(mainExternal.every((m) => ['electron', 'ffmpeg-static', 'ffprobe-static'].includes(m)), mainExternal.join(', ')).toBe(true);
      expect(mainExternal).toContain('electron');
      // ffmpeg-static/ffprobe-static are optional dependencies, so electron-builder collects them.
      expect(Object.keys(pkg.optionalDependencies)).toEqual(expect.arrayContaining(mainExternal.filter((m) => m !== 'electron')));
      // A sandboxed preload can require only 'electron' (and a few polyfilled modules).
      expect([...new Set(requires('dist/electron/preload.cjs'))]).toEqual(['electron']);
    });
  });

  describe('icons (generated from resources/icon.svg by `npm run icons`)', () => {
    const res = (f: string) => path.join(ROOT, 'resources', f);

    it('were regenerated after the last change to icon.svg', () => {
      const hash = createHash('sha256').update(readFileSync(res('icon.svg'))).digest('hex');
      expect(readFileSync(res('icons/source.sha256'), 'utf8').split(/\s+/)[0], 'icon.svg changed: run "npm run icons" and commit the results').toBe(hash);
    });

    it('PNG set for Linux has the sizes its names say', () => {
      const sizes = readdirSync(res('icons')).filter((f) => f.endsWith('.png'));
      expect(sizes.length).toBeGreaterThanOrEqual(6);
      for (const f of [...sizes.map((s) => `icons/${s}`), 'icon.png']) {
        const png = readFileSync(res(f));
        expect(png.subarray(1, 4).toString('latin1'), f).toBe('PNG');
        const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
        expect(w, f).toBe(h);
        if (f.startsWith('icons/')) expect(`${w}x${h}.png`).toBe(path.basename(f));
      }
      expect(config.linux.icon).toBe('resources/icons');
    });

    it('icon.ico holds 16 to 256 px entries', () => {
      const ico = readFileSync(res(config.win.icon.replace('resources/', '')));
      expect(ico.readUInt16LE(2)).toBe(1);
      const n = ico.readUInt16LE(4);
      const sizes = Array.from({ length: n }, (_, i) => ico[6 + 16 * i] || 256);
      expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
      for (let i = 0; i < n; i++) {
        const [len, off] = [ico.readUInt32LE(6 + 16 * i + 8), ico.readUInt32LE(6 + 16 * i + 12)];
        expect(off + len).toBeLessThanOrEqual(ico.length);
      }
    });

    it('icon.icns holds 16 to 1024 px entries', () => {
      const icns = readFileSync(res(config.mac.icon.replace('resources/', '')));
      expect(icns.toString('latin1', 0, 4)).toBe('icns');
      expect(icns.readUInt32BE(4)).toBe(icns.length);
      const types: string[] = [];
      for (let off = 8; off < icns.length; off += icns.readUInt32BE(off + 4)) types.push(icns.toString('latin1', off, off + 4));
      expect(types).toEqual(expect.arrayContaining(['icp4', 'icp5', 'ic07', 'ic08', 'ic09', 'ic10']));
    });

    it('stay small', () => {
      const total = ['icon.png', 'icon.ico', 'icon.icns', ...readdirSync(res('icons')).map((f) => `icons/${f}`)].reduce((n, f) => n + readFileSync(res(f)).length, 0);
      expect(total).toBeLessThan(200 * 1024);
    });
  });
});

export type { FileSet };
