/** What the verbs that run one job of the queue (transcode, record) share: signals and failure output. */
import type { JobQueue } from '../core/jobs/queue';
import type { JobError, JobRecord } from '../core/jobs/types';

/**
 * Wait for a job to finish while SIGINT, SIGTERM and SIGHUP (the terminal closed) go to
 * `onSignal` instead of killing the process, then shut the queue down (no ffmpeg left behind).
 */
export async function waitForJob(queue: JobQueue, id: string, onSignal: (sig: NodeJS.Signals) => void): Promise<JobRecord> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    const done = await queue.waitFor(id);
    await queue.shutdown();
    return done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

/** `mwb <verb>: <message>` and ffmpeg's evidence lines (those the message does not already quote). */
export function printJobFailure(verb: string, err: JobError | null): void {
  process.stderr.write(`mwb ${verb}: ${err?.message ?? 'failed'}\n`);
  const details = (err?.details ?? []).filter((d) => !err?.message.includes(d));
  if (details.length) process.stderr.write(details.map((d) => `  ${d}`).join('\n') + '\n');
}
