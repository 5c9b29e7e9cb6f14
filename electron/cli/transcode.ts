import path from 'node:path';
import { errorCode, errorMessage } from '../core/errors';
import { looksLikeUrl, type MediaInput } from '../core/jobs/inputs';
import { isPresetId, PRESET_IDS, PresetError } from '../core/jobs/presets';
import { JobQueue } from '../core/jobs/queue';
import { splitArgs } from '../core/jobs/quote';
import { checkTranscodeOutput, prepareTranscode, transcodeJob, type TranscodeRequest } from '../core/jobs/transcode';
import { cliTranscodeOptionsSchema } from '../core/jobs/transcode-types';
import type { JobKind, JobProgress } from '../core/jobs/types';
import { formatBytes, formatClock } from '../core/format';
import { CliError, EXIT, exitFor, numeric, parseVerbArgs, printJson, UsageError, type Verb } from './common';
import { parseFlags } from './flags';
import { OPTIONS, transcodeHelp } from './help/transcode';
import { waitForJob } from './job-wait';

/** Exit code of a run cancelled by SIGINT/SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;


function progressLine(p: JobProgress): string {
  const parts = [p.percent !== null ? `${p.percent.toFixed(1).padStart(5)}%` : '   ?  '];
  if (p.speed !== null) parts.push(`${p.speed.toFixed(2)}x`);
  if (p.fps !== null) parts.push(`${Math.round(p.fps)} fps`);
  if (p.outSize !== null) parts.push(formatBytes(p.outSize));
  parts.push(p.etaSeconds !== null ? `ETA ${formatClock(p.etaSeconds)}` : 'ETA --:--');
  return parts.join('  ');
}


export const transcodeVerb: Verb = {
  ...transcodeHelp,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('transcode', argv, OPTIONS);
    if (positionals.length !== 2) throw new UsageError(`mwb transcode: expected <input> <output>, got ${positionals.length} path(s)`);
    const [inputText, output] = positionals as [string, string];
    if (!values.preset) throw new UsageError(`mwb transcode: --preset is required (one of ${PRESET_IDS.join(', ')}; see "mwb presets")`);
    if (!isPresetId(values.preset)) throw new UsageError(`mwb transcode: unknown preset "${values.preset}"; presets: ${PRESET_IDS.join(', ')}`);
    if (values.progress !== undefined && values.progress !== 'json') throw new UsageError('mwb transcode: --progress takes "json"');
    let customArgs: string[] | undefined;
    if (values.args !== undefined) {
      try {
        customArgs = splitArgs(values.args);
      } catch (err) {
        throw new UsageError(`mwb transcode: --args: ${errorMessage(err)}`);
      }
    }
    const options = parseFlags(
      'transcode',
      cliTranscodeOptionsSchema,
      {
        start: numeric(values.start),
        duration: numeric(values.duration),
        end: numeric(values.end),
        width: numeric(values.width),
        height: numeric(values.height),
        fps: numeric(values.fps),
        crf: numeric(values.crf),
        videoBitrateKbps: numeric(values['video-bitrate']),
        audioBitrateKbps: numeric(values['audio-bitrate']),
        speed: values.speed,
        hwEncoder: values.hw,
        segmentSeconds: numeric(values.segment),
        timecode: values.timecode,
        proresProfile: values['prores-profile'],
        customArgs,
        allowUrlOutput: values['allow-url-output'] || undefined,
      },
      {
        videoBitrateKbps: 'video-bitrate',
        audioBitrateKbps: 'audio-bitrate',
        hwEncoder: 'hw',
        segmentSeconds: 'segment',
        proresProfile: 'prores-profile',
        customArgs: 'args',
        allowUrlOutput: 'allow-url-output',
      },
    );
    const input: MediaInput = looksLikeUrl(inputText) ? { kind: 'url', url: inputText } : { kind: 'file', path: path.resolve(inputText) };
    const req: TranscodeRequest = { input, output, preset: values.preset, options, overwrite: values.overwrite ?? false };

    const refuse = (err: unknown): number => {
      if (err instanceof PresetError) throw new UsageError(`mwb transcode: ${err.message}`);
      throw new CliError(errorCode(err), errorMessage(err), exitFor(err));
    };

    if (values['dry-run']) {
      try {
        const { plan } = await prepareTranscode(req);
        // A dry run refuses what a real run would (output = input, existing output without --overwrite).
        await checkTranscodeOutput(req, plan);
        process.stdout.write(`${plan.command}\n`);
        for (const n of plan.notes) process.stderr.write(`note: ${n}\n`);
        return EXIT.ok;
      } catch (err) {
        return refuse(err);
      }
    }

    const jsonProgress = values.progress === 'json';
    const tty = !jsonProgress && process.stderr.isTTY;
    let lastLine = '';
    const queue = await JobQueue.open({
      kinds: [transcodeJob as JobKind<unknown>],
      progressIntervalMs: jsonProgress ? 0 : 250,
      listener: {
        progress(_id, p) {
          if (jsonProgress) {
            const line = JSON.stringify({ percent: p.percent, fps: p.fps, speed: p.speed, etaSeconds: p.etaSeconds, outSize: p.outSize });
            if (line !== lastLine) process.stdout.write(line + '\n');
            lastLine = line;
          } else if (tty) {
            process.stderr.write(`\r\x1b[2K${progressLine(p)}`);
          }
        },
      },
    });

    let record;
    try {
      record = await queue.enqueue('transcode', req);
    } catch (err) {
      await queue.shutdown();
      return refuse(err);
    }
    let interrupted: NodeJS.Signals | null = null;
    const onSignal = (sig: NodeJS.Signals) => {
      if (interrupted) return;
      interrupted = sig;
      queue.cancel(record.id);
    };
    const done = await waitForJob(queue, record.id, onSignal);
    if (tty) process.stderr.write('\r\x1b[2K');

    if (jsonProgress && done.state === 'done' && done.progress) {
      const p = done.progress;
      process.stdout.write(JSON.stringify({ percent: 100, fps: p.fps, speed: p.speed, etaSeconds: 0, outSize: done.result?.files.reduce((n, f) => n + f.size, 0) ?? p.outSize }) + '\n');
    }
    if (values.json && done.state !== 'failed') printJson(done);
    if (done.state === 'done' && done.result) {
      const secs = ((done.finishedAt ?? Date.now()) - (done.startedAt ?? Date.now())) / 1000;
      if (!values.json) {
        const line = `${done.result.path}\n${done.result.summary} · ${secs.toFixed(1)} s\n`;
        (jsonProgress ? process.stderr : process.stdout).write(line);
      }
      return EXIT.ok;
    }
    if (done.state === 'cancelled') {
      process.stderr.write(`mwb transcode: cancelled${interrupted ? ` (${interrupted})` : ''}; no output was written.\n`);
      return EXIT_CANCELLED;
    }
    const err = done.error;
    const details = (err?.details ?? []).filter((d) => !err?.message.includes(d));
    const message = `${err?.message ?? 'failed'}${details.length ? '\n' + details.map((d) => `  ${d}`).join('\n') : ''}`;
    throw new CliError(err?.code ?? 'EFAILED', message, exitFor(err));
  },
};
