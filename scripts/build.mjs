// Builds everything `npm start` and the installers need:
//   dist/renderer/        the Svelte UI (Vite)
//   dist/static/          the same UI as a zero-install static site (browser binding only; also
//                         `npm run build:static` alone); the e2e tests serve it from a static host
//   dist/electron/main.cjs, preload.cjs   the desktop app's Node side (esbuild, CommonJS for Electron)
//   dist/electron/cli.mjs, cli-*.mjs      `mwb` and web mode without tsx (a chunk per verb)
//   dist/electron/cli.cjs                 the same CLI as one script, which bin/mwb.mjs runs through
//                                         V8's code cache (see there)
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
const dependencies = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).dependencies ?? {});

const quiet = process.argv.includes('--quiet');
const started = Date.now();

// Chunk names carry hashes: drop the previous build's so stale ones do not pile up.
for (const name of await readdir('dist/electron').catch(() => [])) {
  if (/^cli-.*\.mjs(\.map)?$/.test(name)) await rm(`dist/electron/${name}`);
}
// The code caches bin/mwb.mjs keeps for cli.cjs belong to the previous build.
await rm('dist/electron/.code-cache', { recursive: true, force: true });
await viteBuild({ configFile: 'vite.config.ts', logLevel: quiet ? 'warn' : 'info' });
await viteBuild({ configFile: 'vite.config.ts', mode: 'static', logLevel: 'warn' });

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
  // The CLI as one classic script for bin/mwb.mjs, which compiles it with vm.Script and V8's code
  // cache: ES modules cannot use a code cache on Node 20, and compiling the engine and mp4box.js
  // is a tenth of `mwb inspect big.mp4 --json` (issue #18). mp4box.js is bundled in so that its
  // compiled code is cached too; the other packages load from node_modules when a verb needs them.
  esbuild({
    ...common,
    ...cjsShim,
    entryPoints: ['electron/cli.ts'],
    outfile: 'dist/electron/cli.cjs',
    format: 'cjs',
    sourcemap: false,
    external: [...common.external, ...dependencies.filter((d) => d !== 'mp4box').flatMap((d) => [d, `${d}/*`])],
  }),
]);

if (!quiet) console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
