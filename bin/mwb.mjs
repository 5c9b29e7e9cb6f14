#!/usr/bin/env node
// `mwb` from an installed checkout: the built CLI when present, else the TypeScript source via tsx.
// The CLI runs as a child; SIGINT/SIGTERM/SIGHUP sent to this wrapper are passed on, so a job
// cancels cleanly (no partial file, no ffmpeg left) however `mwb` is stopped, and its exit code
// (130 after a cancel) comes back unchanged.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist/electron/cli.mjs');
const args = existsSync(built)
  ? [built, ...process.argv.slice(2)]
  : ['--import', 'tsx', path.join(root, 'electron/cli.ts'), ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('error', (err) => {
  process.stderr.write(`mwb: could not start ${process.execPath}: ${err.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
});
