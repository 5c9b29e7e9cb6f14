#!/usr/bin/env node
// `mwb` from an installed checkout: the built CLI when present, else the TypeScript source via tsx.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist/electron/cli.mjs');
const args = existsSync(built)
  ? [built, ...process.argv.slice(2)]
  : ['--import', 'tsx', path.join(root, 'electron/cli.ts'), ...process.argv.slice(2)];
const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(res.status ?? 1);
