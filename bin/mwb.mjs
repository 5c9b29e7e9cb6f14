#!/usr/bin/env node
// `mwb` from an installed checkout: the built CLI when present, else the TypeScript source via tsx.
// The CLI runs in this process (a second Node would double the start-up time). Signals reach it
// directly: verbs that run jobs (transcode, gif, serve) handle SIGINT/SIGTERM/SIGHUP themselves and
// exit 130 after a clean cancel; any other verb ends as Node does on a signal, which the shell
// reports as 128 + the signal number, as it did when this wrapper passed signals to a child.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const script = fileURLToPath(new URL('../dist/electron/cli.cjs', import.meta.url));
const built = new URL('../dist/electron/cli.mjs', import.meta.url);
if (existsSync(script) && !olderBuild(script, built)) {
  runWithCodeCache(script);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../electron/cli.ts', import.meta.url).href);
}

/**
 * Run the one-file CLI (scripts/build.mjs) compiled with V8's code cache: the bytecode of every
 * function a verb ran last time is read back instead of parsing and compiling the engine and
 * mp4box.js again (issue #18; ES modules have no code cache on Node 20). One cache file per verb,
 * beside the script (scripts/build.mjs empties the folder), named after the script's size and
 * time and this Node, so a rebuild or another Node never reads a stale one; written once (to a
 * temporary name, then renamed) when it was missing or V8 refused it. A folder that cannot be
 * written only means no cache.
 */
function runWithCodeCache(file) {
  const stat = statSync(file);
  const verb = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'main';
  const dir = path.join(path.dirname(file), '.code-cache');
  // Node options change V8's flags, and V8 refuses a cache made under other flags: one per set.
  let flags = 0;
  for (const c of process.execArgv.join(' ')) flags = (Math.imul(flags, 31) + c.charCodeAt(0)) | 0;
  const cacheFile = path.join(dir, `${verb}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}-${process.arch}-${(flags >>> 0).toString(36)}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(file, 'utf8');
  const compiled = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  if (cachedData === undefined || compiled.cachedDataRejected) {
    process.once('exit', (code) => {
      // Not after a usage error: `mwb frob` must not leave a cache for a verb that does not exist.
      if (code === 2) return;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(tmp, compiled.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        rmSync(tmp, { force: true });
      }
    });
  }
  const module = { exports: {} };
  compiled.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
}

/**
 * Whether the one-file CLI is left over from an earlier build than the chunked one (a build
 * script that does not make it yet): both come from one `npm run build`, seconds apart.
 */
function olderBuild(file, chunked) {
  try {
    return statSync(file).mtimeMs < statSync(chunked).mtimeMs - 60_000;
  } catch {
    return false;
  }
}
