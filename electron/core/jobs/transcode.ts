/**
 * A transcode: input + preset + options → one exact ffmpeg argv, run as a job with safe output and
 * verification. `planTranscode` is pure (tests and the command preview use it); `transcodeJob`
 * is the job kind the queue runs.
 */
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveBinary } from '../binaries';
import { describeFsError, WorkbenchError } from '../errors';
import { probeMedia, type ProbeResult } from '../media/ffprobe';
import { assertMaybeMedia } from '../media/sniff';
import { presetCaps } from './caps-index';
import { outputArg } from '../ffmpeg-input';
import { fileArg, inputArgs, type MediaInput } from './inputs';
import {
  checkTimecodeForRate,
  getPreset,
  PresetError,
  validateOptions,
  type CapsIndex,
  type Expectation,
  type PresetDef,
  type PresetId,
  type TranscodeOptions,
} from './presets';
import { formatCommand } from './quote';
import { RUNNER_FLAGS } from './runner';
import { checkOutputTarget } from './safe-output';
import type { JobDescription, JobKind, JobResult } from './types';
import { mediaDuration, verifyOutput } from './verify';

export interface TranscodeRequest {
  input: MediaInput;
  /** A file path, or for hls-fmp4/dash a folder (a path ending in .m3u8/.mpd names the folder and the playlist). */
  output: string;
  preset: PresetId;
  options: TranscodeOptions;
  overwrite: boolean;
}

export interface TranscodePlan {
  preset: PresetDef;
  /** Absolute final output: a file, or the folder for segmenting presets. */
  target: string;
  /** Folder outputs: the playlist/manifest name inside the folder. */
  mainFile: string | null;
  /** Folder outputs: the file to open in the Inspector. */
  primary: string | null;
  args: string[];
  cwd: string | null;
  command: string;
  expectedDuration: number | null;
  expect: Expectation;
  notes: string[];
}

export interface PlanEnv {
  caps: CapsIndex;
  probe: ProbeResult | null;
  ffmpegPath: string;
  /** Where ffmpeg writes (the temporary file/folder); defaults to the target itself (preview). */
  writeTo?: string;
}

function fmtSeconds(s: number): string {
  return String(Math.round(s * 1e6) / 1e6);
}

function isExistingFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The output the user gave → the target and, for folder presets, the playlist name. */
export function resolveTarget(preset: PresetDef, output: string, defaultMain: string | null): { target: string; mainFile: string | null } {
  const abs = path.resolve(output);
  if (preset.outputKind === 'folder') {
    const playlistExt = preset.id === 'dash' ? '.mpd' : '.m3u8';
    if (abs.toLowerCase().endsWith(playlistExt)) {
      return { target: abs.slice(0, -playlistExt.length), mainFile: path.basename(abs) };
    }
    return { target: abs, mainFile: defaultMain };
  }
  const ext = path.extname(abs).toLowerCase();
  if (/[\\/]$/.test(output) || isExistingFolder(abs)) {
    const example = path.join(abs, `output${preset.extensions[0] ?? '.mp4'}`);
    throw new PresetError(`${abs} is a folder; the ${preset.id} preset writes one file: give a file name, e.g. ${example}.`);
  }
  if (preset.extensions.length && !preset.extensions.includes(ext)) {
    throw new PresetError(`The ${preset.id} preset writes ${preset.extensions.join(', ')} files; the output ends in "${ext || '(no extension)'}".`);
  }
  return { target: abs, mainFile: null };
}

/** Seconds the output will last, from the probe and the trim. */
export function expectedDurationOf(o: TranscodeOptions, probe: ProbeResult | null): number | null {
  const start = o.start ?? 0;
  const inDur = probe ? mediaDuration(probe) : null;
  const available = inDur !== null ? Math.max(0, inDur - start) : null;
  const asked = o.duration ?? (o.end !== undefined ? o.end - start : null);
  if (asked === null) return available;
  return available === null ? asked : Math.min(asked, available);
}

export function planTranscode(req: TranscodeRequest, env: PlanEnv): TranscodePlan {
  const preset = getPreset(req.preset);
  const why = preset.unavailable(env.caps);
  if (why) throw new WorkbenchError('EUNAVAILABLE', `The ${preset.id} preset cannot run with this ffmpeg: ${why}`);
  const o = req.options;
  validateOptions(preset, o);
  if (req.input.kind === 'url' && !preset.urlInput) {
    throw new PresetError(`The ${preset.id} preset takes local files; only remux reads from a URL.`);
  }

  const probe = env.probe;
  const streams = probe?.streams ?? [];
  const hasVideo = streams.some((s) => s.type === 'video' && s.codec !== 'mjpeg' && s.codec !== 'png');
  const hasAudio = streams.some((s) => s.type === 'audio');
  const videoFps = streams.find((s) => s.type === 'video')?.fps ?? null;
  const fps = o.fps ?? videoFps;

  const ext = preset.outputKind === 'file' ? path.extname(req.output).toLowerCase() : '';
  const build = preset.build(o, { caps: env.caps, probe, outputExt: ext, fps });
  if (probe) {
    if (build.expect.video === 'required' && !hasVideo) throw new PresetError(`The input has no video stream; the ${preset.id} preset needs one.`);
    if (build.expect.audio === 'required' && !hasAudio) throw new PresetError(`The input has no audio stream; the ${preset.id} preset needs one.`);
    const keepsVideo = build.expect.video !== 'none' && hasVideo;
    const keepsAudio = build.expect.audio !== 'none' && hasAudio;
    if (!keepsVideo && !keepsAudio && preset.id !== 'custom') {
      throw new PresetError(`The input has no ${build.expect.video === 'none' ? 'audio' : 'video or audio'} stream to write.`);
    }
    const inDur = mediaDuration(probe);
    if (o.start !== undefined && inDur !== null && o.start >= inDur) {
      throw new PresetError(`start (${o.start} s) is at or past the end of the input (${inDur.toFixed(2)} s).`);
    }
  }
  if (o.timecode) checkTimecodeForRate(o.timecode, fps);

  const { target, mainFile } = resolveTarget(preset, req.output, build.mainFile ?? null);
  const input = inputArgs(req.input);
  const trim: string[] = [];
  if (o.start !== undefined && o.start > 0) trim.push('-ss', fmtSeconds(o.start));
  const keep = o.duration ?? (o.end !== undefined ? o.end - (o.start ?? 0) : undefined);
  if (keep !== undefined) trim.push('-t', fmtSeconds(keep));

  const writeTo = env.writeTo ?? target;
  const isFolder = preset.outputKind === 'folder';
  // Segmenting muxers name segments relative to their playlist: run them inside the output folder
  // so no user path ever goes through their filename templates (`%`, `$` in folder names).
  const localInputs = req.input.kind === 'file' ? [req.input.path] : [];
  // A file output goes through outputArg (refuses folders, URLs, the job's own input) once it is the
  // real temporary file; the preview shows the target the same way without requiring it to exist.
  const outputElement = isFolder ? mainFile! : env.writeTo ? outputArg(writeTo, { inputs: localInputs }) : fileArg(writeTo);
  const cwd = isFolder ? writeTo : null;
  const args = [
    ...RUNNER_FLAGS,
    ...(build.inputOptions ?? []),
    ...input.options,
    ...trim,
    '-i',
    input.arg,
    ...build.args,
    outputElement,
  ];
  const notes = [...build.notes];
  if (isFolder) notes.push(`Runs inside the output folder; writes ${mainFile} and its segments there.`);
  return {
    preset,
    target,
    mainFile,
    primary: build.primary ?? null,
    args,
    cwd,
    command: formatCommand(env.ffmpegPath, args, { cwd: cwd ?? undefined }),
    expectedDuration: expectedDurationOf(o, probe),
    expect: build.expect,
    notes,
  };
}

/** Check a local input exists and is a file (before ffprobe, for a clearer message). */
async function checkLocalInput(p: string): Promise<number> {
  let info;
  try {
    info = await stat(p);
  } catch (err) {
    throw describeFsError(err, p);
  }
  if (info.isDirectory()) throw new WorkbenchError('EISDIR', `${p} is a folder; choose a media file.`);
  if (!info.isFile()) throw new WorkbenchError('ENOTFILE', `${p} is not a regular file.`);
  // "Is this media at all?" before ffprobe, whose answer for a text file is a misleading "moov atom not found".
  await assertMaybeMedia(p);
  return info.size;
}

export interface PreparedTranscode {
  /** The request with a local input made absolute. */
  req: TranscodeRequest;
  plan: TranscodePlan;
  probe: ProbeResult;
  env: PlanEnv;
  inputBytes: number | null;
  inputLabel: string;
}

/**
 * The input's probe, reused while the file is unchanged (same size, mtime and inode): a job is
 * prepared when queued and again when it starts, and the command preview re-plans on every edit.
 */
const probeCache = new Map<string, { stamp: string; probe: ProbeResult }>();

async function fileStamp(p: string): Promise<string | null> {
  try {
    const info = await stat(p);
    return `${info.size}:${info.mtimeMs}:${info.ino}`;
  } catch {
    return null;
  }
}

async function probeInput(input: MediaInput): Promise<ProbeResult> {
  const stamp = input.kind === 'file' ? await fileStamp(input.path) : null;
  const key = input.kind === 'file' ? input.path : '';
  const hit = stamp !== null ? probeCache.get(key) : undefined;
  if (hit && hit.stamp === stamp) return hit.probe;
  const probe = await probeMedia(input);
  if (stamp !== null) {
    probeCache.set(key, { stamp, probe });
    if (probeCache.size > 100) probeCache.delete(probeCache.keys().next().value!);
  }
  return probe;
}

/** Everything that can be known before running: caps, the input's streams, the plan, the output's place. */
export async function prepareTranscode(request: TranscodeRequest): Promise<PreparedTranscode> {
  const ffmpeg = resolveBinary('ffmpeg');
  const caps = await presetCaps();
  let req = request;
  let inputBytes: number | null = null;
  if (req.input.kind === 'file') {
    const abs = path.resolve(req.input.path);
    req = { ...req, input: { kind: 'file', path: abs } };
    inputBytes = await checkLocalInput(abs);
  }
  const input = inputArgs(req.input);
  // A plan without the probe first: bad options or an unavailable preset fail before any I/O.
  planTranscode(req, { caps, probe: null, ffmpegPath: ffmpeg.path });
  const probe = await probeInput(req.input);
  const env: PlanEnv = { caps, probe, ffmpegPath: ffmpeg.path };
  const plan = planTranscode(req, env);
  return { req, plan, probe, env, inputBytes, inputLabel: input.label };
}

function localInputs(req: TranscodeRequest): string[] {
  return req.input.kind === 'file' ? [path.resolve(req.input.path)] : [];
}

/** The output checks a run makes (same file as the input, exists without overwrite…), without writing: for queueing and dry runs. */
export async function checkTranscodeOutput(req: TranscodeRequest, plan: TranscodePlan): Promise<void> {
  await checkOutputTarget({ target: plan.target, kind: plan.preset.outputKind, overwrite: req.overwrite, inputs: localInputs(req) });
}

export const transcodeJob: JobKind<TranscodeRequest> = {
  kind: 'transcode',
  async prepare(req): Promise<JobDescription> {
    const { plan, inputLabel } = await prepareTranscode(req);
    await checkTranscodeOutput(req, plan);
    return {
      title: `${plan.preset.id}: ${path.basename(inputLabel)} → ${path.basename(plan.target)}`,
      input: inputLabel,
      output: plan.target,
      outputKind: plan.preset.outputKind,
      command: plan.command,
    };
  },
  async run(request, job): Promise<JobResult> {
    // Prepared again: the input may have changed while the job waited in the queue.
    const { req, plan: preview, probe, env, inputBytes, inputLabel } = await prepareTranscode(request);
    const out = await job.output(preview.target, {
      kind: preview.preset.outputKind,
      overwrite: req.overwrite,
      inputs: localInputs(req),
    });
    const plan = planTranscode(req, { ...env, writeTo: out.tempPath });
    const pass = await job.ffmpeg(plan.args, {
      durationSeconds: plan.expectedDuration,
      inputBytes: req.preset === 'remux' ? inputBytes : null,
      cwd: plan.cwd ?? undefined,
      command: plan.command,
      label: 'encode',
    });
    job.progress({ stage: 'verify' });
    const verified = await verifyOutput({
      written: out.tempPath,
      kind: plan.preset.outputKind,
      mainFile: plan.mainFile,
      expect: plan.expect,
      expectedDuration: plan.expectedDuration,
      inputProbe: probe,
      inputLabel,
      problems: pass.problems,
    });
    job.log(`# verified: ${verified.summary}\n`);
    return out.commit({
      summary: verified.summary,
      primary: plan.preset.outputKind === 'folder' ? (plan.primary ?? plan.mainFile ?? undefined) : undefined,
      durationSeconds: verified.durationSeconds,
    });
  },
};
