/**
 * The one case no exit hook covers: the app or CLI killed outright (SIGKILL, a crash, the task
 * manager). ffmpeg ignores SIGPIPE and does not stop when its stdin closes, so it would finish
 * its encode as an orphan. Each job records its ffmpeg's pid with the process's start time; the
 * next queue start kills a still-running one (only if pid *and* start time match, so a recycled
 * pid is never touched) before deleting its temporary output. On Windows libuv puts children in a
 * kill-on-close job object, so they die with the app and nothing is needed.
 */
import { execFile } from 'node:child_process';

export interface ProcessStamp {
  pid: number;
  /** `ps -o lstart=`: when the process started; null where unavailable. */
  started: string | null;
}

function ps(pid: number): Promise<string | null> {
  if (process.platform === 'win32') return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'lstart=', '-p', String(pid)], { timeout: 5000 }, (err, stdout) => {
      const out = stdout?.trim();
      resolve(err || !out ? null : out);
    });
  });
}

export async function stampProcess(pid: number): Promise<ProcessStamp> {
  return { pid, started: await ps(pid) };
}

/** Kill the process if it is still the one stamped; resolves once it is gone (or after ~3 s). */
export async function killStamped(stamp: ProcessStamp): Promise<boolean> {
  if (!stamp.started) return false;
  if ((await ps(stamp.pid)) !== stamp.started) return false;
  try {
    process.kill(stamp.pid, 'SIGKILL');
  } catch {
    return false;
  }
  for (let i = 0; i < 30; i++) {
    if ((await ps(stamp.pid)) !== stamp.started) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
