/**
 * Deleting and renaming with retries, and the process-wide safety net: every ffmpeg child and
 * every temporary output is tracked here so that, whatever way this process ends (app quit, CLI
 * exit, an uncaught error), no ffmpeg keeps running and no temporary file is left beside a target.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const RETRYABLE = new Set(['EBUSY', 'EPERM', 'EACCES', 'ENOTEMPTY', 'EMFILE', 'ENFILE']);

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException | null)?.code ?? '';
}

/**
 * Run a filesystem operation, retrying while Windows or an antivirus/indexer holds the file
 * (EBUSY/EPERM/EACCES) with a growing delay: 50 ms, 100 ms, … about 6 s in all.
 */
export async function withFsRetry<T>(op: () => Promise<T>, options: { retries?: number; baseDelayMs?: number } = {}): Promise<T> {
  const { retries = 8, baseDelayMs = 50 } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= retries || !RETRYABLE.has(codeOf(err))) throw err;
      await sleep(Math.min(2000, baseDelayMs * 2 ** attempt));
    }
  }
}

/** Delete a file or folder; a missing path is fine. Retries while it is locked. */
export async function removeWithRetry(p: string, options: { retries?: number; baseDelayMs?: number } = {}): Promise<void> {
  await withFsRetry(() => rm(p, { recursive: true, force: true }), options);
}

export async function renameWithRetry(from: string, to: string): Promise<void> {
  await withFsRetry(() => rename(from, to));
}

const children = new Set<ChildProcess>();
const temps = new Set<string>();
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanupNow);
}

/** Synchronous last-chance cleanup (runs on process exit). */
function cleanupNow(): void {
  for (const child of children) {
    try {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  for (const t of temps) {
    try {
      rmSync(t, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // the next start removes what is recorded in the job history
    }
  }
  temps.clear();
}

export function trackChild(child: ChildProcess): void {
  hook();
  children.add(child);
  child.once('close', () => children.delete(child));
}

export function trackTemp(p: string): void {
  hook();
  temps.add(p);
}

export function untrackTemp(p: string): void {
  temps.delete(p);
}
