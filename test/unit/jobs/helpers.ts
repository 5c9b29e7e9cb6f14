/** Shared by the jobs tests: temp folders, process checks, waiting for job states, running `mwb`. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { JobQueue } from '../../../electron/core/jobs/queue';
import type { JobRecord, JobState } from '../../../electron/core/jobs/types';

// Caches the jobs code keeps in the app data folder (and the CLI processes these tests start)
// go to a temporary folder, not the user's.
process.env.MWB_DATA_DIR ??= path.join(os.tmpdir(), `mwb-test-data-${process.pid}`);

export async function tempDir(prefix = 'mwb-jobs-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** ffmpeg processes whose parent is `pid` (this test process by default), from `ps`. */
export function ffmpegChildren(pid = process.pid): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && Number(f[1]) === pid && f[2] === 'ffmpeg')
    .map((f) => Number(f[0]));
}

/** All descendants of `pid` (any depth) named ffmpeg. */
export function ffmpegDescendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3)
    .map((f) => ({ pid: Number(f[0]), ppid: Number(f[1]), comm: f[2]! }));
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const r of rows.filter((x) => x.ppid === parent)) {
      if (r.comm === 'ffmpeg') found.push(r.pid);
      walk(r.pid);
    }
  };
  walk(pid);
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Files in a folder other than `keep` (to prove no temporary or partial file is left). */
export async function strayFiles(dir: string, keep: string[] = []): Promise<string[]> {
  return (await readdir(dir)).filter((n) => !keep.includes(n));
}

export function waitForState(queue: JobQueue, id: string, states: JobState[], timeoutMs = 30_000): Promise<JobRecord> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const r = queue.get(id);
      if (states.includes(r.state)) return resolve(r);
      if (Date.now() - started > timeoutMs) return reject(new Error(`job ${id} stayed ${r.state}, wanted ${states.join('/')}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cliPath = path.join(repo, 'electron/cli.ts');
/** tsx's loader by absolute URL, so the CLI also runs from other working directories. */
export const tsxLoader = pathToFileURL(path.join(repo, 'node_modules/tsx/dist/loader.mjs')).href;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function mwb(args: string[], options: { cwd?: string; onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, cliPath, ...args], { cwd: options.cwd ?? repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      options.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** ffmpeg processes anywhere on the machine whose command line mentions `needle` (orphans included). */
export function ffmpegMentioning(needle: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'ffmpeg'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(needle) && !l.includes('pgrep'));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
