import { errorMessage } from '../core/errors';
import { JobQueue } from '../core/jobs/queue';
import { prepareRecording, recordJob, type RecordRequest } from '../core/jobs/record';
import { describeStream, RECORD_MODES, RTSP_TRANSPORTS, type RecordMode, type RtspTransport } from '../core/jobs/record-types';
import type { JobKind, JobProgress } from '../core/jobs/types';
import { formatBytes, formatClock } from '../core/format';
import { EXIT, parseVerbArgs, printJson, UsageError, type Verb } from './common';
import { OPTIONS, recordHelp } from './help/record';
import { printJobFailure, waitForJob } from './job-wait';
import { EXIT_CANCELLED } from './transcode';

function progressLine(p: JobProgress): string {
  const parts = [`● REC ${formatClock(p.outTimeSeconds ?? 0)}`];
  if (p.outSize !== null) parts.push(formatBytes(p.outSize));
  if (p.bitrateKbps !== null) parts.push(`${Math.round(p.bitrateKbps)} kb/s`);
  if (p.percent !== null) parts.push(`${p.percent.toFixed(0)}%`);
  parts.push(`wall ${formatClock(p.elapsedSeconds)}`);
  return parts.join('  ');
}


export const recordVerb: Verb = {
  ...recordHelp,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('record', argv, OPTIONS);
    if (positionals.length !== 2) throw new UsageError(`mwb record: expected <url> <out.mp4>, got ${positionals.length} argument(s)`);
    const [url, output] = positionals as [string, string];
    let durationSeconds: number | undefined;
    if (values.duration !== undefined) {
      durationSeconds = Number(values.duration);
      if (values.duration.trim() === '' || !Number.isFinite(durationSeconds) || durationSeconds <= 0) {
        throw new UsageError(`mwb record: --duration takes a number of seconds > 0, not "${values.duration}"`);
      }
    }
    if (values.mode !== undefined && !(RECORD_MODES as readonly string[]).includes(values.mode)) {
      throw new UsageError(`mwb record: --mode is one of ${RECORD_MODES.join(', ')}`);
    }
    const transport = values['rtsp-transport'];
    if (transport !== undefined && !(RTSP_TRANSPORTS as readonly string[]).includes(transport)) {
      throw new UsageError(`mwb record: --rtsp-transport is one of ${RTSP_TRANSPORTS.join(', ')}`);
    }
    if (values.progress !== undefined && values.progress !== 'json') throw new UsageError('mwb record: --progress takes "json"');
    const req: RecordRequest = {
      url,
      output,
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
      mode: (values.mode as RecordMode | undefined) ?? 'auto',
      rtspTransport: (transport as RtspTransport | undefined) ?? 'auto',
      overwrite: values.overwrite ?? false,
    };

    if (values['dry-run']) {
      try {
        const { plan } = await prepareRecording(req);
        process.stdout.write(`${plan.command}\n`);
        for (const n of [...plan.streams.map(describeStream), ...plan.notes]) process.stderr.write(`note: ${n}\n`);
        return EXIT.ok;
      } catch (err) {
        process.stderr.write(`mwb record: ${errorMessage(err)}\n`);
        return EXIT.failure;
      }
    }

    const jsonProgress = values.progress === 'json';
    const tty = !jsonProgress && process.stderr.isTTY;
    const queue = await JobQueue.open({
      kinds: [recordJob as JobKind<unknown>],
      progressIntervalMs: jsonProgress ? 0 : 250,
      listener: {
        progress(_id, p) {
          if (jsonProgress) {
            process.stdout.write(
              JSON.stringify({ elapsedSeconds: p.elapsedSeconds, recordedSeconds: p.outTimeSeconds, outSize: p.outSize, bitrateKbps: p.bitrateKbps, percent: p.percent }) + '\n',
            );
          } else if (tty) {
            process.stderr.write(`\r\x1b[2K${progressLine(p)}`);
          }
        },
      },
    });

    let record;
    try {
      record = await queue.enqueue('record', req);
    } catch (err) {
      await queue.shutdown();
      process.stderr.write(`mwb record: ${errorMessage(err)}\n`);
      return EXIT.failure;
    }
    if (!jsonProgress) process.stderr.write(`recording ${record.input} → ${record.output} (Ctrl+C stops and keeps the file)\n`);
    // First Ctrl+C/SIGTERM: stop gracefully (ffmpeg `q`), keep the file. A second one: cancel, nothing kept.
    let signals = 0;
    let lastSignal: NodeJS.Signals | null = null;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      lastSignal = sig;
      if (signals === 1) {
        if (tty) process.stderr.write('\r\x1b[2K');
        process.stderr.write(`mwb record: ${sig}: stopping and keeping the file (again to cancel and delete it)\n`);
        queue.stop(record.id);
      } else {
        queue.cancel(record.id);
      }
    };
    const done = await waitForJob(queue, record.id, onSignal);
    if (tty) process.stderr.write('\r\x1b[2K');
    if (values.json) printJson(done);
    if (done.state === 'done' && done.result) {
      if (!values.json) (jsonProgress ? process.stderr : process.stdout).write(`${done.result.path}\n${done.result.summary}\n`);
      if (done.result.warning) process.stderr.write(`mwb record: warning: ${done.result.warning}\n`);
      return EXIT.ok;
    }
    if (done.state === 'cancelled') {
      process.stderr.write(`mwb record: cancelled${lastSignal ? ` (${lastSignal})` : ''}; no file was kept.\n`);
      return EXIT_CANCELLED;
    }
    printJobFailure('record', done.error);
    return EXIT.failure;
  },
};
