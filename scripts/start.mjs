// `npm start`: build what is stale, then open the desktop app when Electron's binary is installed,
// otherwise serve the same UI in web mode on 127.0.0.1 and print its URL.
// MWB_WEB=1 forces web mode; extra arguments (files to open) are passed on.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtAt() {
  const outputs = ['dist/renderer/index.html', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/electron/cli.mjs'];
  if (!outputs.every((o) => existsSync(path.join(root, o)))) return 0;
  return Math.min(...outputs.map((o) => statSync(path.join(root, o)).mtimeMs));
}

const sourcesAt = Math.max(newest(path.join(root, 'electron')), newest(path.join(root, 'renderer')), statSync(path.join(root, 'package.json')).mtimeMs);
if (builtAt() < sourcesAt) {
  console.log('Building the workbench…');
  const res = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('electron/package.json'));
    const pathFile = path.join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const exe = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

const electron = process.env.MWB_WEB ? null : electronBinary();
let child;
if (electron) {
  child = spawn(electron, [root, ...args], { stdio: 'inherit', cwd: root });
} else {
  if (!process.env.MWB_WEB) {
    console.log('Electron is not installed on this machine (its binary could not be downloaded), so the workbench runs in web mode.');
  }
  child = spawn(process.execPath, [path.join(root, 'dist/electron/cli.mjs'), 'serve', ...args], { stdio: 'inherit', cwd: root });
}
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
