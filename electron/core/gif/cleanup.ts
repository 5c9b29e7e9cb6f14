/**
 * Last-chance clean-up when the process ends in the middle of a GIF export (app quit, Ctrl+C that
 * did not go through cancel, an uncaught error): no ffmpeg keeps running and no temporary file is
 * left beside a target or in the temp folder. Normal cancel and failure clean up on their own.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const paths = new Set<string>();
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of children) {
      try {
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const p of paths) {
      try {
        rmSync(p, { recursive: true, force: true });
      } catch {
        // nothing more can be done while exiting
      }
    }
  });
}

export function trackChild(child: ChildProcess): void {
  hook();
  children.add(child);
  child.once('close', () => children.delete(child));
}

/** Track a temporary file or folder until `untrackPath` (after it was committed or deleted). */
export function trackPath(p: string): void {
  hook();
  paths.add(p);
}

export function untrackPath(p: string): void {
  paths.delete(p);
}
