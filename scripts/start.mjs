// `npm start`: build what is stale, then open the desktop app when Electron's binary is installed,
// otherwise serve the same UI in web mode on 127.0.0.1 and print its URL.
// MWB_WEB=1 forces web mode; extra arguments (files to open) are passed on.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './lib/root.mjs';
import { electronBinary } from './lib/electron-binary.mjs';
import { startPlan } from './lib/start-plan.mjs';

const root = projectRoot(import.meta.url);
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

const plan = startPlan({ root, args, env: process.env, cwd: process.cwd(), execPath: process.execPath, electron: electronBinary(root) });
if (plan.notice) console.log(plan.notice);
const child = spawn(plan.command, plan.args, { stdio: 'inherit', cwd: plan.cwd });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
