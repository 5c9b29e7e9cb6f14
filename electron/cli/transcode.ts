import path from 'node:path';
import { errorCode, errorMessage } from '../core/errors';
import { looksLikeUrl, type MediaInput } from '../core/jobs/inputs';
import { PresetError } from '../core/jobs/presets';
import { JobQueue } from '../core/jobs/queue';
import { splitArgs } from '../core/jobs/quote';
import { prepareTranscode, transcodeJob, type TranscodeRequest } from '../core/jobs/transcode';
import { isPresetId, PRESET_IDS, PRORES_PROFILES, SPEEDS, type TranscodeOptions } from '../core/jobs/transcode-types';
import type { JobKind, JobProgress } from '../core/jobs/types';
import { formatBytes } from '../core/jobs/verify';
import { EXIT, parseVerbArgs, printJson, UsageError, type Verb } from './common';
import { printJobFailure, waitForJob } from './job-wait';

/** Exit code of a run cancelled by SIGINT/SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;

const USAGE =
  'mwb transcode <input> <output> --preset <name> [--start s] [--duration s | --end s] [--width N] [--height N] ' +
  '[--fps N] [--crf N | --video-bitrate kbps] [--audio-bitrate kbps] [--speed ultrafast..slow] [--hw encoder] ' +
  '[--segment s] [--timecode HH:MM:SS:FF] [--prores-profile p] [--args "custom ffmpeg args"] [--allow-url-output] ' +
  '[--overwrite] [--progress json] [--dry-run] [--json]   (put -- before paths that begin with -)';

function num(name: string, value: string | undefined, opts: { integer?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || n < (opts.min ?? 0)) {
    throw new UsageError(`mwb transcode: --${name} takes ${opts.integer ? 'a whole number' : 'a number'} ≥ ${opts.min ?? 0}, not "${value}"`);
  }
  return n;
}

export function clock(s: number): string {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function progressLine(p: JobProgress): string {
  const parts = [p.percent !== null ? `${p.percent.toFixed(1).padStart(5)}%` : '   ?  '];
  if (p.speed !== null) parts.push(`${p.speed.toFixed(2)}x`);
  if (p.fps !== null) parts.push(`${Math.round(p.fps)} fps`);
  if (p.outSize !== null) parts.push(formatBytes(p.outSize));
  parts.push(p.etaSeconds !== null ? `ETA ${clock(p.etaSeconds)}` : 'ETA --:--');
  return parts.join('  ');
}

export const transcodeVerb: Verb = {
  name: 'transcode',
  summary: 'transcode with a preset through the bundled ffmpeg (safe output, verified, Ctrl+C cancels cleanly)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('transcode', argv, {
      preset: { type: 'string' },
      start: { type: 'string' },
      duration: { type: 'string' },
      end: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      fps: { type: 'string' },
      crf: { type: 'string' },
      'video-bitrate': { type: 'string' },
      'audio-bitrate': { type: 'string' },
      speed: { type: 'string' },
      hw: { type: 'string' },
      segment: { type: 'string' },
      timecode: { type: 'string' },
      'prores-profile': { type: 'string' },
      args: { type: 'string' },
      'allow-url-output': { type: 'boolean' },
      overwrite: { type: 'boolean' },
      progress: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 2) throw new UsageError(`mwb transcode: expected <input> <output>, got ${positionals.length} path(s)`);
    const [inputText, output] = positionals as [string, string];
    if (!values.preset) throw new UsageError(`mwb transcode: --preset is required (one of ${PRESET_IDS.join(', ')}; see "mwb presets")`);
    if (!isPresetId(values.preset)) throw new UsageError(`mwb transcode: unknown preset "${values.preset}"; presets: ${PRESET_IDS.join(', ')}`);
    if (values.progress !== undefined && values.progress !== 'json') throw new UsageError('mwb transcode: --progress takes "json"');
    if (values.speed !== undefined && !(SPEEDS as readonly string[]).includes(values.speed)) {
      throw new UsageError(`mwb transcode: --speed is one of ${SPEEDS.join(', ')}`);
    }
    const profile = values['prores-profile'];
    if (profile !== undefined && !(PRORES_PROFILES as readonly string[]).includes(profile)) {
      throw new UsageError(`mwb transcode: --prores-profile is one of ${PRORES_PROFILES.join(', ')}`);
    }
    let customArgs: string[] | undefined;
    if (values.args !== undefined) {
      try {
        customArgs = splitArgs(values.args);
      } catch (err) {
        throw new UsageError(`mwb transcode: --args: ${errorMessage(err)}`);
      }
    }
    const options: TranscodeOptions = {
      start: num('start', values.start),
      duration: num('duration', values.duration),
      end: num('end', values.end),
      width: num('width', values.width, { integer: true, min: 2 }),
      height: num('height', values.height, { integer: true, min: 2 }),
      fps: num('fps', values.fps),
      crf: num('crf', values.crf, { integer: true }),
      videoBitrateKbps: num('video-bitrate', values['video-bitrate'], { integer: true, min: 1 }),
      audioBitrateKbps: num('audio-bitrate', values['audio-bitrate'], { integer: true, min: 1 }),
      speed: values.speed as TranscodeOptions['speed'],
      hwEncoder: values.hw,
      segmentSeconds: num('segment', values.segment),
      timecode: values.timecode,
      proresProfile: profile as TranscodeOptions['proresProfile'],
      customArgs,
      allowUrlOutput: values['allow-url-output'] || undefined,
    };
    for (const k of Object.keys(options) as (keyof TranscodeOptions)[]) if (options[k] === undefined) delete options[k];
    const input: MediaInput = looksLikeUrl(inputText) ? { kind: 'url', url: inputText } : { kind: 'file', path: path.resolve(inputText) };
    const req: TranscodeRequest = { input, output, preset: values.preset, options, overwrite: values.overwrite ?? false };

    const refuse = (err: unknown): number => {
      if (err instanceof PresetError) throw new UsageError(`mwb transcode: ${err.message}`);
      process.stderr.write(`mwb transcode: ${errorMessage(err)}\n`);
      return EXIT.failure;
    };

    if (values['dry-run']) {
      try {
        const { plan } = await prepareTranscode(req);
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
    if (values.json) printJson(done);
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
    printJobFailure('transcode', done.error);
    if (errorCode(done.error) === 'EBADOPTIONS') return EXIT.usage;
    return EXIT.failure;
  },
};
