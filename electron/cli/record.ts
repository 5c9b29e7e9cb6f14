import { errorMessage } from '../core/errors';
import { JobQueue } from '../core/jobs/queue';
import { prepareRecording, recordJob, type RecordRequest } from '../core/jobs/record';
import { describeStream, RECORD_MODES, RTSP_TRANSPORTS, type RecordMode, type RtspTransport } from '../core/jobs/record-types';
import type { JobKind, JobProgress } from '../core/jobs/types';
import { formatBytes, formatClock } from '../core/format';
import { EXIT, parseVerbArgs, printJson, UsageError, type Options, type Verb } from './common';
import { printJobFailure, waitForJob } from './job-wait';
import { EXIT_CANCELLED } from './transcode';

const USAGE =
  'mwb record <url> <out.mp4> [--duration s] [--mode auto|copy|reencode] [--rtsp-transport auto|tcp|udp] ' +
  '[--overwrite] [--progress json] [--dry-run] [--json]   (Ctrl+C stops and keeps the file; twice cancels)';

function progressLine(p: JobProgress): string {
  const parts = [`● REC ${formatClock(p.outTimeSeconds ?? 0)}`];
  if (p.outSize !== null) parts.push(formatBytes(p.outSize));
  if (p.bitrateKbps !== null) parts.push(`${Math.round(p.bitrateKbps)} kb/s`);
  if (p.percent !== null) parts.push(`${p.percent.toFixed(0)}%`);
  parts.push(`wall ${formatClock(p.elapsedSeconds)}`);
  return parts.join('  ');
}

const OPTIONS = {
  duration: { type: 'string', value: 'SECONDS', help: 'Stop after this many seconds of recording (a number > 0). Default: until Ctrl+C or the stream ends.' },
  mode: { type: 'string', value: RECORD_MODES.join('|'), help: 'copy keeps the stream as it is, reencode encodes to H.264/AAC, auto copies when the codecs fit an MP4 and re-encodes otherwise. Default: auto.' },
  'rtsp-transport': { type: 'string', value: RTSP_TRANSPORTS.join('|'), help: "For rtsp(s) URLs: the RTP transport. auto leaves it to ffmpeg (UDP, then TCP). Default: auto." },
  overwrite: { type: 'boolean', help: 'Replace an existing output. Default: refuse.' },
  progress: { type: 'string', value: 'json', help: 'Print progress as JSON lines on stdout. Default: a progress line on a terminal.' },
  'dry-run': { type: 'boolean', help: 'Print the ffmpeg command after the checks, without recording.' },
  json: { type: 'boolean', help: 'Print the finished job as JSON.' },
} satisfies Options;

export const recordVerb: Verb = {
  name: 'record',
  summary: 'record a live rtsp(s)/http(s)/HLS URL to a fragmented MP4 that plays however it ends (Ctrl+C stops and keeps it)',
  usage: USAGE,
  args: [
    ['<url>', 'a live rtsp(s), http(s) or HLS URL'],
    ['<out.mp4>', 'the fragmented MP4 to write'],
  ],
  options: OPTIONS,
  examples: [
    ['mwb record rtsp://camera.local/stream cam.mp4 --duration 60', 'one minute of a camera, playable even if cut short'],
    ['mwb record https://example.com/live/index.m3u8 live.mp4 --mode reencode', 'a live HLS stream re-encoded to H.264/AAC'],
  ],
  exits: { 1: 'the recording failed (the stream could not be read, ffmpeg failed)', extra: [[130, 'cancelled (Ctrl+C twice); a single Ctrl+C stops and keeps the file']] },
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
