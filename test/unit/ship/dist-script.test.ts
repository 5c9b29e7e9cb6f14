/**
 * `npm run dist` where Electron's binary is missing (this machine: its download from GitHub
 * releases is impossible) must stop at once with a plain explanation, not a stack trace, and
 * without building or packaging anything.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs script helper, no type declarations
import { electronBinary } from '../../../scripts/lib/electron-binary.mjs';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const electronBinaryInstalled = () => (electronBinary as (root: string) => string | null)(ROOT) !== null;

describe('npm run dist without Electron', () => {
  it.skipIf(electronBinaryInstalled())('fails fast with a clear message (skipped where Electron is installed)', () => {
    const started = Date.now();
    const res = spawnSync('npm', ['run', '-s', 'dist', '--', '--dir'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/Electron's binary is not installed on this machine/);
    expect(res.stderr).toMatch(/installers cannot be packaged here/);
    expect(res.stderr).toMatch(/npm ci.*npm run dist/s);
    // No stack trace, no electron-builder output: it stopped before building or packaging.
    expect(res.stderr).not.toMatch(/^\s+at /m);
    expect(res.stdout + res.stderr).not.toMatch(/electron-builder|packaging|building/i);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
