import path from 'node:path';
import { errorCode, errorMessage } from '../core/errors';
import { looksLikeUrl, type MediaInput } from '../core/jobs/inputs';
import { isPresetId, PRESET_IDS, PresetError } from '../core/jobs/presets';
import { JobQueue } from '../core/jobs/queue';
import { splitArgs } from '../core/jobs/quote';
import { checkTranscodeOutput, prepareTranscode, transcodeJob, type TranscodeRequest } from '../core/jobs/transcode';
import { cliTranscodeOptionsSchema, PRORES_PROFILES, SPEEDS } from '../core/jobs/transcode-types';
import type { JobKind, JobProgress } from '../core/jobs/types';
import { formatBytes, formatClock } from '../core/format';
import { CliError, EXIT, exitFor, numeric, parseFlags, parseVerbArgs, printJson, UsageError, type Options, type Verb } from './common';
import { waitForJob } from './job-wait';

/** Exit code of a run cancelled by SIGINT/SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;

const USAGE =
  'mwb transcode <input> <output> --preset <name> [--start s] [--duration s | --end s] [--width N] [--height N] ' +
  '[--fps N] [--crf N | --video-bitrate kbps] [--audio-bitrate kbps] [--speed ultrafast..slow] [--hw encoder] ' +
  '[--segment s] [--timecode HH:MM:SS:FF] [--prores-profile p] [--args "custom ffmpeg args"] [--allow-url-output] ' +
  '[--overwrite] [--progress json] [--dry-run] [--json]   (put -- before paths that begin with -)';

function progressLine(p: JobProgress): string {
  const parts = [p.percent !== null ? `${p.percent.toFixed(1).padStart(5)}%` : '   ?  '];
  if (p.speed !== null) parts.push(`${p.speed.toFixed(2)}x`);
  if (p.fps !== null) parts.push(`${Math.round(p.fps)} fps`);
  if (p.outSize !== null) parts.push(formatBytes(p.outSize));
  parts.push(p.etaSeconds !== null ? `ETA ${formatClock(p.etaSeconds)}` : 'ETA --:--');
  return parts.join('  ');
}

const OPTIONS = {
  preset: { type: 'string', value: 'NAME', help: `Required. One of ${PRESET_IDS.join(', ')}; "mwb presets" says what each writes and which browsers play it.` },
  start: { type: 'string', value: 'SECONDS', help: 'Trim: the first second to keep (decimals allowed). Default: 0.' },
  duration: { type: 'string', value: 'SECONDS', help: 'Trim: seconds to keep from --start. Default: to the end.' },
  end: { type: 'string', value: 'SECONDS', help: 'Trim: the second to stop at, instead of --duration.' },
  width: { type: 'string', value: 'PIXELS', help: 'Scale to this width (a whole number ≥ 2); the height follows the aspect ratio, rounded to even. Default: the source size.' },
  height: { type: 'string', value: 'PIXELS', help: 'Scale to this height; the width follows unless --width is given too.' },
  fps: { type: 'string', value: 'N', help: 'Output frame rate in frames per second. Default: the source rate.' },
  crf: { type: 'string', value: 'N', help: "Constant quality on the encoder's scale (x264/x265 0–51, VP9/AV1 0–63; lower is better and bigger). Default: the preset's." },
  'video-bitrate': { type: 'string', value: 'KBPS', help: 'Target video bitrate in kbit/s, instead of --crf.' },
  'audio-bitrate': { type: 'string', value: 'KBPS', help: "Audio bitrate in kbit/s. Default: the preset's (128 for AAC)." },
  speed: { type: 'string', value: SPEEDS.join('|'), help: 'Encoder effort: faster is bigger or worse, slower is smaller or better. Default: medium.' },
  hw: { type: 'string', value: 'ENCODER', help: 'A hardware encoder listed by "mwb presets --json" (e.g. h264_nvenc, hevc_videotoolbox). Default: software.' },
  segment: { type: 'string', value: 'SECONDS', help: 'Keyframe interval, which is the fragment or segment length, for fmp4-mse, cmaf, hls-fmp4 and dash. Default: 2.' },
  timecode: { type: 'string', value: 'HH:MM:SS:FF', help: 'Start timecode for prores-timecode (HH:MM:SS;FF for drop-frame). Default: 00:00:00:00.' },
  'prores-profile': { type: 'string', value: PRORES_PROFILES.join('|'), help: 'ProRes profile for prores-timecode. Default: hq.' },
  args: {
    type: 'string',
    value: '"FFMPEG ARGS"',
    help: 'With --preset custom only: raw ffmpeg output arguments, quoted as one value, placed between the input and the output: --args "-c:v libx264 -crf 18". No shell is involved.',
  },
  'allow-url-output': { type: 'boolean', help: 'Let --args name a network output (refused by default).' },
  overwrite: { type: 'boolean', help: 'Replace an existing output (it is replaced only after the new one is verified). Default: refuse.' },
  progress: { type: 'string', value: 'json', help: 'Print progress as JSON lines {"percent","fps","speed","etaSeconds","outSize"} on stdout. Default: a progress line on a terminal.' },
  'dry-run': { type: 'boolean', help: 'Print the ffmpeg command and run every check a real run makes (input, options, output), without writing anything.' },
  json: { type: 'boolean', help: 'Print the finished job (state, result files and sizes, timings, error) as JSON.' },
} satisfies Options;

export const transcodeVerb: Verb = {
  name: 'transcode',
  summary: 'transcode with a preset through the bundled ffmpeg (safe output, verified, Ctrl+C cancels cleanly)',
  usage: USAGE,
  args: [
    ['<input>', 'a media file ffmpeg can read (or an http(s) URL)'],
    ['<output>', 'the file to write, or for hls-fmp4 and dash the folder (or its .m3u8/.mpd playlist name)'],
  ],
  options: OPTIONS,
  examples: [
    ['mwb transcode in.mov out.mp4 --preset web-mp4 --width 1280', 'an H.264/AAC MP4 that plays in every browser, 1280 pixels wide'],
    ['mwb transcode in.mp4 out.mp4 --preset custom --args "-c:v libx264 -crf 18"', 'your own ffmpeg output arguments, still written safely and verified'],
  ],
  exits: { 1: 'ffmpeg failed, or the output did not pass verification; no output was left', extra: [[130, 'cancelled (Ctrl+C, SIGTERM, the terminal closed); no output was written']] },
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
