/**
 * Recording a live source (rtsp(s)://, http(s):// progressive or live HLS) to a fragmented MP4
 * that plays however the recording ends.
 *
 * - ffmpeg writes `ftyp` + an empty `moov` (with `mvex`) first, then one `moof`+`mdat` per
 *   keyframe, flushed to disk as each fragment completes (`-flush_packets 1`): at any moment the
 *   file on disk is a playable fMP4 up to its last complete fragment, never a file without `moov`.
 * - Stop (Jobs, Ctrl+C in `mwb record`, the app quitting) sends ffmpeg `q` through the queue's
 *   stop signal: the job ends "done" with the file.
 * - A source that drops (server gone, network error, end of stream) or an ffmpeg that dies (even
 *   SIGKILL) also ends with the file: a fragment cut short at the end is trimmed off, and the
 *   result carries a warning that says what happened. Only a recording with no fragment at all
 *   fails.
 * - Codecs: stream copy for what MP4 carries for browsers; anything else (MJPEG, MPEG-2, G.711…)
 *   is re-encoded with the fmp4-mse preset's H.264/AAC, and the job says which stream and why.
 *
 * `planRecording` is pure (tests, the command preview); `recordJob` is the queue's job kind.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveBinary } from '../binaries';
import { WorkbenchError } from '../errors';
import { fileArg, inputArgs as userInputArgs, outputArg } from '../ffmpeg-input';
import { probeMedia, type ProbeResult, type ProbeStream } from '../media/ffprobe';
import { analyzeMse } from '../mse/analyze';
import { scanBoxes } from './box-scan';
import { presetCaps } from './caps-index';
import { parseInputUrl, redactUrl } from './inputs';
import { LIVE_REENCODE, liveReencodeArgs, type CapsIndex } from './presets';
import { JobCancelledError, JobFailure } from './queue';
import { formatCommand } from './quote';
import { RUNNER_FLAGS } from './runner';
import { renameWithRetry } from './cleanup';
import { checkOutputTarget } from './safe-output';
import { describeStream, MP4_COPY_CODECS, RECORD_EXTENSIONS, type RecordMode, type RtspTransport, type StreamChoice } from './record-types';
import type { JobDescription, JobKind, JobResult } from './types';
import { formatBytes } from '../format';
import { mediaDuration, summarize } from './verify';

export interface RecordRequest {
  /** rtsp(s)://, http(s):// (a live HLS playlist or a progressive stream). */
  url: string;
  output: string;
  /** Stop by itself after this many seconds of media; unlimited when absent. */
  durationSeconds?: number;
  /** auto: copy what MP4 can carry, re-encode the rest; copy: refuse what cannot be copied; reencode: always H.264/AAC. */
  mode?: RecordMode;
  /** RTSP only: auto lets ffmpeg try UDP then fall back to TCP. */
  rtspTransport?: RtspTransport;
  overwrite?: boolean;
}

/** Fragment length of an audio-only recording (video recordings cut a fragment at each keyframe). */
export const AUDIO_FRAGMENT_SECONDS = 1;

/** Playlist reloads without a new segment before a live HLS source counts as gone. */
export const HLS_HOLD_RELOADS = 8;

/** Seconds without data before ffmpeg gives up on the source (a dead server must not hang the job). */
export const SOURCE_TIMEOUT_SECONDS = 10;

export interface RecordPlan {
  url: string;
  /** The URL for display (password hidden). */
  label: string;
  target: string;
  args: string[];
  command: string;
  streams: StreamChoice[];
  notes: string[];
}

function seconds(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

/** Input options for a live URL: I/O timeouts so a dead source ends the job instead of hanging it. */
export function liveInputOptions(url: URL, transport: RtspTransport = 'auto'): string[] {
  const us = String(SOURCE_TIMEOUT_SECONDS * 1_000_000);
  if (url.protocol === 'rtsp:' || url.protocol === 'rtsps:') {
    return [...(transport === 'auto' ? [] : ['-rtsp_transport', transport]), '-timeout', us];
  }
  return ['-rw_timeout', us];
}

/** ffmpeg's default pick among several streams of a type: the largest picture, the first audio. */
function mainStream(probe: ProbeResult, type: 'video' | 'audio'): ProbeStream | null {
  const all = probe.streams.filter((s) => s.type === type);
  if (!all.length) return null;
  if (type === 'audio') return all[0]!;
  return all.reduce((best, s) => ((s.width ?? 0) * (s.height ?? 0) > (best.width ?? 0) * (best.height ?? 0) ? s : best));
}

/** Copy or re-encode, per stream, with the reason. Throws when `copy` was asked for and cannot be done. */
export function chooseStreams(probe: ProbeResult, mode: RecordMode): StreamChoice[] {
  const choices: StreamChoice[] = [];
  for (const type of ['video', 'audio'] as const) {
    const s = mainStream(probe, type);
    if (!s) continue;
    const codec = s.codec ?? 'unknown';
    const reencodeTo = `${type === 'video' ? LIVE_REENCODE.video : LIVE_REENCODE.audio} (the ${LIVE_REENCODE.preset} preset's encoder)`;
    const copyable = MP4_COPY_CODECS[type].includes(codec);
    if (mode === 'reencode') {
      choices.push({ type, codec, action: 'reencode', reencodeTo, reason: `re-encoding was asked for` });
    } else if (copyable) {
      choices.push({ type, codec, action: 'copy', reencodeTo: null, reason: null });
    } else if (mode === 'copy') {
      throw new WorkbenchError(
        'ECODEC',
        `The source's ${type} is ${codec}, which cannot be copied into an MP4 that browsers play (${type} copies: ${MP4_COPY_CODECS[type].join(', ')}). ` +
          `Record with re-encoding (mode auto or reencode) to get ${type === 'video' ? LIVE_REENCODE.video : LIVE_REENCODE.audio}.`,
      );
    } else {
      choices.push({ type, codec, action: 'reencode', reencodeTo, reason: `${codec} ${type} cannot go into an MP4 that browsers play` });
    }
  }
  if (!choices.length) throw new WorkbenchError('ENOSTREAMS', `The source has no video or audio stream to record.`);
  return choices;
}

export interface RecordPlanEnv {
  caps: CapsIndex;
  probe: ProbeResult;
  ffmpegPath: string;
  /** Where ffmpeg writes (the temporary file); the target itself for a preview. */
  writeTo?: string;
}

/** The output path the user gave, checked for an MP4 extension. */
export function recordTarget(output: string): string {
  const target = path.resolve(output);
  const ext = path.extname(target).toLowerCase();
  if (!(RECORD_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new WorkbenchError('EBADOPTIONS', `A recording is a fragmented MP4: name it ${RECORD_EXTENSIONS.join(' or ')} (the output ends in "${ext || '(no extension)'}").`);
  }
  return target;
}

export function planRecording(req: RecordRequest, env: RecordPlanEnv): RecordPlan {
  const url = parseInputUrl(req.url);
  const target = recordTarget(req.output);
  if (req.durationSeconds !== undefined && !(req.durationSeconds > 0)) {
    throw new WorkbenchError('EBADOPTIONS', `The duration must be more than 0 seconds, not ${req.durationSeconds}.`);
  }
  const mode = req.mode ?? 'auto';
  const streams = chooseStreams(env.probe, mode);
  const needs = streams.filter((s) => s.action === 'reencode');
  for (const s of needs) {
    const encoder = s.type === 'video' ? 'libx264' : 'aac';
    if (!env.caps.encoders.has(encoder)) {
      throw new WorkbenchError('EUNAVAILABLE', `The source's ${s.type} (${s.codec}) must be re-encoded, but this ffmpeg has no ${encoder} encoder (see Capabilities).`);
    }
  }
  const video = env.probe.streams.find((s) => s.type === 'video');
  // A live source's "frame rate" is often its RTP clock (90000): only a plausible one sizes the GOP.
  const fps = video?.fps && video.fps <= 240 ? video.fps : null;
  const buildEnv = { caps: env.caps, probe: env.probe, outputExt: '.mp4', fps };
  const hasVideo = streams.some((s) => s.type === 'video');
  const codecArgs = streams.flatMap((s) => {
    // AAC from MPEG-TS (HLS, most RTSP cameras) is ADTS framed; MP4 wants the raw frames.
    if (s.action === 'copy') return [`-c:${s.type[0]}`, 'copy', ...(s.codec === 'aac' ? ['-bsf:a', 'aac_adtstoasc'] : [])];
    return liveReencodeArgs(s.type, buildEnv);
  });
  // The user's URL goes through ffmpeg-input (scheme check, protocol whitelist, normalised).
  const input = userInputArgs(url.href, { allowUrl: true });
  const writeTo = env.writeTo ?? target;
  // A live playlist that stops advancing (a hung packager) ends the recording after a few reloads
  // instead of ffmpeg's default of 1000.
  const hls = env.probe.formatName.split(',').includes('hls') ? ['-m3u8_hold_counters', String(HLS_HOLD_RELOADS)] : [];
  const args = [
    ...RUNNER_FLAGS,
    ...liveInputOptions(url, req.rtspTransport),
    ...hls,
    ...input,
    // ffmpeg's own pick (largest video, first audio); no subtitles or data (MP4 for MSE has none).
    '-sn',
    '-dn',
    ...codecArgs,
    ...(req.durationSeconds !== undefined ? ['-t', seconds(req.durationSeconds)] : []),
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof',
    // Without video there are no keyframes to cut at: a fragment per second instead.
    ...(hasVideo ? [] : ['-frag_duration', String(AUDIO_FRAGMENT_SECONDS * 1_000_000)]),
    '-flush_packets',
    '1',
    '-f',
    'mp4',
    env.writeTo ? outputArg(writeTo) : fileArg(writeTo),
  ];
  const notes: string[] = [];
  if (streams.some((s) => s.type === 'video' && s.action === 'copy')) {
    notes.push("A fragment per source keyframe: a recording that is killed loses at most the source's last GOP.");
  }
  // The display command (Jobs, logs, the preview) never shows a password from the URL.
  const label = redactUrl(url);
  const command = formatCommand(env.ffmpegPath, args.map((a) => (a === url.href ? label : a)));
  return { url: url.href, label, target, args, command, streams, notes };
}

export interface PreparedRecording {
  plan: RecordPlan;
  env: RecordPlanEnv;
}

/**
 * A live source's probe takes seconds (ffprobe reads the stream to find its codecs): the one made
 * for "Check source" or when the job was queued is reused when the job starts soon after.
 */
const PROBE_REUSE_MS = 60_000;
const recentProbes = new Map<string, { at: number; probe: ProbeResult }>();

/** Probe the source (it must answer now) and plan the recording. */
export async function prepareRecording(req: RecordRequest): Promise<PreparedRecording> {
  const url = parseInputUrl(req.url);
  recordTarget(req.output);
  const ffmpegPath = resolveBinary('ffmpeg').path;
  const caps = await presetCaps();
  const input = userInputArgs(url.href, { allowUrl: true });
  const key = `${url.href} ${req.rtspTransport ?? 'auto'}`;
  const fresh = recentProbes.get(key);
  let probe: ProbeResult;
  if (fresh && Date.now() - fresh.at < PROBE_REUSE_MS) {
    probe = fresh.probe;
  } else {
    try {
      probe = await probeMedia({ kind: 'url', url: url.href, rtspTransport: req.rtspTransport ?? 'auto' }, { timeoutMs: (SOURCE_TIMEOUT_SECONDS + 25) * 1000 });
    } catch (err) {
      if (err instanceof WorkbenchError) throw new WorkbenchError('ESOURCE', `Cannot record ${redactUrl(url)}: ${err.message.replace(/ is not a media file ffmpeg can read/, ' does not answer as a stream')}`);
      throw err;
    }
    recentProbes.set(key, { at: Date.now(), probe });
    for (const [k, v] of recentProbes) if (Date.now() - v.at >= PROBE_REUSE_MS) recentProbes.delete(k);
  }
  const env: RecordPlanEnv = { caps, probe, ffmpegPath };
  return { plan: planRecording(req, env), env };
}

export interface TrimmedRecording {
  /** Complete `moof`+`mdat` fragments kept. */
  fragments: number;
  /** Bytes of a fragment cut short at the end that were removed. */
  trimmedBytes: number;
  /** Why nothing playable is there, when `fragments` is 0 or the header is missing. */
  problem: string | null;
}

/**
 * Keep the file up to its last complete fragment. A recorder killed while writing a fragment
 * leaves a `moof` without its `mdat`, or an `mdat` cut short: both are removed, so the file ends
 * on a box boundary and every player (and the MSE lint) reads it to the end.
 */
export async function trimToLastFragment(file: string): Promise<TrimmedRecording> {
  const layout = await scanBoxes(file);
  const boxes = layout.boxes;
  const moovAt = boxes.findIndex((b) => b.type === 'moov' && b.offset + b.size <= layout.fileSize);
  if (moovAt < 0) return { fragments: 0, trimmedBytes: 0, problem: layout.fileSize === 0 ? 'the file is empty' : 'no moov box was written' };
  if (!layout.moovChildren.includes('mvex')) return { fragments: 0, trimmedBytes: 0, problem: 'the moov declares no fragments' };
  const whole = (i: number) => i < boxes.length && boxes[i]!.offset + boxes[i]!.size <= layout.fileSize;
  let end = boxes[moovAt]!.offset + boxes[moovAt]!.size;
  let fragments = 0;
  // Keep every complete box (the trailer's mfra included) up to the first one cut short; a moof
  // counts only with its complete mdat.
  for (let i = moovAt + 1; whole(i); i++) {
    const box = boxes[i]!;
    if (box.type === 'moof') {
      if (!whole(i + 1) || boxes[i + 1]!.type !== 'mdat') break;
      fragments++;
      i++;
    }
    end = boxes[i]!.offset + boxes[i]!.size;
  }
  const trimmedBytes = layout.fileSize - end;
  if (trimmedBytes > 0) {
    const fh = await open(file, 'r+');
    try {
      await fh.truncate(end);
    } finally {
      await fh.close();
    }
  }
  return { fragments, trimmedBytes, problem: fragments ? null : 'no fragment was completed' };
}

/** How a recording ended, for its summary and warning. */
export type RecordEnding = 'stopped' | 'duration' | 'source-ended' | 'recorder-failed';

export function describeEnding(ending: RecordEnding, recordedSeconds: number | null, label: string, reason: string | null): string | null {
  const got = recordedSeconds !== null ? `${recordedSeconds.toFixed(1)} s` : 'what was written';
  switch (ending) {
    case 'stopped':
    case 'duration':
      return null;
    case 'source-ended':
      return `The source ${label} stopped sending after ${got}${reason ? ` (${reason})` : ' (its server is gone, the stream ended or stopped advancing)'}; the file keeps the ${got} recorded.`;
    case 'recorder-failed':
      return `The recorder stopped unexpectedly${reason ? ` (${reason})` : ''}; the file keeps the ${got} recorded up to the last complete fragment.`;
  }
}

/** What the recording at `file` holds, in the job result's words. */
async function describeRecording(file: string, fragments: number): Promise<{ summary: string; durationSeconds: number | null; size: number }> {
  const probe = await probeMedia({ kind: 'file', path: file });
  const durationSeconds = mediaDuration(probe);
  const size = (await stat(file)).size;
  const kbps = durationSeconds ? Math.round((size * 8) / durationSeconds / 1000) : null;
  return { summary: `${summarize(probe, size)} · ${fragments} fragments${kbps ? ` · ${kbps} kb/s` : ''}`, durationSeconds, size };
}

/** `name.mp4`, else `name-recovered.mp4`, `name-recovered-2.mp4`… (a file that appeared meanwhile is never replaced). */
async function freeName(target: string, overwrite: boolean): Promise<string> {
  const exists = (p: string) => stat(p).then(() => true, () => false);
  if (overwrite || !(await exists(target))) return target;
  const ext = path.extname(target);
  for (let n = 1; n < 1000; n++) {
    const candidate = `${target.slice(0, -ext.length)}-recovered${n > 1 ? `-${n}` : ''}${ext}`;
    if (!(await exists(candidate))) return candidate;
  }
  throw new WorkbenchError('EEXIST', `No free name beside ${target} for the recovered recording.`);
}

export const recordJob: JobKind<RecordRequest> = {
  kind: 'record',
  stoppable: true,
  async prepare(req): Promise<JobDescription> {
    const { plan } = await prepareRecording(req);
    await checkOutputTarget({ target: plan.target, kind: 'file', overwrite: req.overwrite ?? false });
    return {
      title: `record: ${plan.label} → ${path.basename(plan.target)}`,
      input: plan.label,
      output: plan.target,
      outputKind: 'file',
      command: plan.command,
    };
  },
  async run(req, job): Promise<JobResult> {
    // Probed again: the source may have changed while the job waited in the queue.
    const { plan: preview, env } = await prepareRecording(req);
    const out = await job.output(preview.target, { overwrite: req.overwrite ?? false });
    const plan = planRecording(req, { ...env, writeTo: out.tempPath });
    for (const n of [...plan.streams.map(describeStream), ...plan.notes]) job.log(`# ${n}\n`);
    const startedAt = Date.now();
    let ending: RecordEnding;
    let reason: string | null = null;
    let details: string[] = [];
    try {
      const pass = await job.ffmpeg(plan.args, {
        durationSeconds: req.durationSeconds ?? null,
        label: 'recording',
        command: plan.command,
      });
      if (pass.stopped) ending = 'stopped';
      else {
        ending = 'source-ended';
        const last = pass.problems.filter((p) => !/^Last message repeated/.test(p)).slice(-1)[0];
        reason = last ?? null;
        details = pass.problems.slice(-20);
      }
    } catch (err) {
      if (err instanceof JobCancelledError) throw err;
      ending = 'recorder-failed';
      reason = err instanceof Error ? err.message : String(err);
      details = err instanceof JobFailure ? err.details : [];
    }
    job.progress({ stage: 'checking' });
    const trimmed = await trimToLastFragment(out.tempPath);
    if (trimmed.trimmedBytes) job.log(`# removed ${trimmed.trimmedBytes} bytes of a fragment cut short at the end\n`);
    if (!trimmed.fragments) {
      const why = ending === 'stopped' ? 'it was stopped before the first fragment was complete' : (reason ?? trimmed.problem ?? 'nothing arrived');
      throw new JobFailure('ENORECORDING', `Nothing playable was recorded from ${plan.label}: ${why}.`, details);
    }
    const described = await describeRecording(out.tempPath, trimmed.fragments);
    const recorded = described.durationSeconds;
    if (ending === 'source-ended' && req.durationSeconds !== undefined && recorded !== null && recorded >= req.durationSeconds - 1) {
      ending = 'duration';
    }
    const lint = await analyzeMse([out.tempPath]);
    const lintErrors = lint.findings.filter((f) => f.severity === 'error');
    for (const f of lintErrors) job.log(`# MSE lint: ${f.rule} at ${f.path || '(file)'}: ${f.message}\n`);
    const size = described.size;
    const wall = (Date.now() - startedAt) / 1000;
    const copied = plan.streams.map((s) => `${s.type} ${s.action === 'copy' ? 'copied' : `re-encoded from ${s.codec}`}`).join(', ');
    const summary = `${described.summary} · ${copied}`;
    let warning = describeEnding(ending, recorded, plan.label, reason);
    if (lintErrors.length) {
      const lintNote = `The MSE lint finds ${lintErrors.length} error(s) (first: ${lintErrors[0]!.rule}); see the log.`;
      warning = warning ? `${warning} ${lintNote}` : lintNote;
    }
    job.log(`# recorded ${recorded?.toFixed(2) ?? '?'} s (${formatBytes(size)}) in ${wall.toFixed(1)} s; ending: ${ending}\n`);
    return out.commit({ summary, durationSeconds: recorded, warning });
  },
  /** The app was killed mid-recording: keep the file up to its last fragment, beside where it was asked for. */
  async recover(req, tempPath): Promise<JobResult | null> {
    const trimmed = await trimToLastFragment(tempPath);
    if (!trimmed.fragments) return null;
    const target = await freeName(path.join(path.dirname(tempPath), path.basename(recordTarget(req.output))), req.overwrite ?? false);
    await renameWithRetry(tempPath, target);
    const described = await describeRecording(target, trimmed.fragments);
    return {
      path: target,
      kind: 'file',
      primary: target,
      files: [{ name: path.basename(target), size: described.size }],
      summary: described.summary,
      durationSeconds: described.durationSeconds,
      warning: `The app closed while recording; the file keeps the ${described.durationSeconds?.toFixed(1) ?? '?'} s recorded up to the last complete fragment.`,
    };
  },
};
