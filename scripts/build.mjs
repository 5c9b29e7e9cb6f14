// Builds everything `npm start` and the installers need:
//   dist/renderer/        the Svelte UI (Vite)
//   dist/electron/main.cjs, preload.cjs   the desktop app's Node side (esbuild, CommonJS for Electron)
//   dist/electron/cli.mjs, cli-*.mjs      `mwb` and web mode without tsx (a chunk per verb)
import { readFileSync } from 'node:fs';
import { build as esbuild } from 'esbuild';
import { readdir, rm } from 'node:fs/promises';
import { build as viteBuild } from 'vite';
import { projectRoot } from './lib/root.mjs';

// Every path below is relative to the project root, wherever the build was started from.
process.chdir(projectRoot(import.meta.url));

// Windows shows an installed app's notifications only under the AppUserModelID its installer
// registered, which electron-builder takes from `appId`: main.ts gets that one value, not a copy.
const appId = /^appId:\s*["']?([\w.-]+)["']?\s*$/m.exec(readFileSync('electron-builder.yml', 'utf8'))?.[1];
if (!appId) throw new Error('build: electron-builder.yml has no top-level appId');

const quiet = process.argv.includes('--quiet');
const started = Date.now();

// Chunk names carry hashes: drop the previous build's so stale ones do not pile up.
for (const name of await readdir('dist/electron').catch(() => [])) {
  if (/^cli-.*\.mjs(\.map)?$/.test(name)) await rm(`dist/electron/${name}`);
}
await viteBuild({ configFile: 'vite.config.ts', logLevel: quiet ? 'warn' : 'info' });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Binaries and their locator packages must stay real files in node_modules (asar-unpacked when packaged).
  external: ['electron', 'ffmpeg-static', 'ffprobe-static'],
};
// CommonJS bundles have no import.meta; give them the file URL so createRequire/fileURLToPath work.
const cjsShim = {
  banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__import_meta_url' },
};

await Promise.all([
  esbuild({
    ...common,
    ...cjsShim,
    define: { ...cjsShim.define, __MWB_APP_ID__: JSON.stringify(appId) },
    entryPoints: ['electron/main.ts'],
    outfile: 'dist/electron/main.cjs',
    format: 'cjs',
  }),
  // The sandboxed preload may only require('electron'): everything else is bundled in. No cjsShim:
  // a sandboxed preload has no __filename (nor import.meta), and the shim would throw on line 1.
  esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  // Split: cli.mjs holds routing, usage and --version; each verb (and the engine, zod or mp4box.js
  // behind it) is a chunk, cli-*.mjs beside it (so paths from import.meta.url stay valid), loaded
  // when that verb runs (cold start, issue #18).
  esbuild({
    ...common,
    entryPoints: { cli: 'electron/cli.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'cli-[name]-[hash]',
    format: 'esm',
    packages: 'external',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  }),
]);

if (!quiet) console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
