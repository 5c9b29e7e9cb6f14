/**
 * After ffmpeg exits 0, the output must prove itself before it is moved into place: ffprobe opens
 * it, it has the streams and codecs the preset promises, its duration is not zero and not far
 * short of what was asked (a truncated source makes ffmpeg "succeed" with half a file), and
 * fragmented outputs really are fragmented. Anything else fails the job with the reason.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { WorkbenchError } from '../errors';
import { formatBytes } from '../format';
import { probeMedia, type ProbeResult, type ProbeStream } from '../media/ffprobe';
import { analyzeMse } from '../mse/analyze';
import { describeFragmentation, scanBoxes } from './box-scan';
import type { Expectation } from './presets';

export class VerifyError extends WorkbenchError {
  readonly details: string[];
  constructor(message: string, details: string[] = []) {
    super('EVERIFY', message);
    this.details = details;
  }
}

const CODEC_NAMES: Record<string, string> = {
  h264: 'H.264',
  hevc: 'HEVC',
  av1: 'AV1',
  vp9: 'VP9',
  vp8: 'VP8',
  prores: 'ProRes',
  aac: 'AAC',
  opus: 'Opus',
  mp3: 'MP3',
  pcm_s16le: 'PCM',
  flac: 'FLAC',
};

function codecLabel(s: ProbeStream): string {
  return CODEC_NAMES[s.codec ?? ''] ?? s.codec ?? '?';
}

export function summarize(probe: ProbeResult, bytes: number): string {
  const parts: string[] = [];
  const v = probe.streams.find((s) => s.type === 'video');
  const a = probe.streams.find((s) => s.type === 'audio');
  if (v) parts.push(`${codecLabel(v)}${v.width && v.height ? ` ${v.width}×${v.height}` : ''}${v.fps ? ` ${Math.round(v.fps * 100) / 100} fps` : ''}`);
  if (a) parts.push(`${codecLabel(a)}${a.sampleRate ? ` ${a.sampleRate / 1000} kHz` : ''}`);
  const streams = parts.join(' + ') || `${probe.streams.length} stream(s)`;
  const d = mediaDuration(probe);
  return `${streams} · ${d !== null ? `${d.toFixed(2)} s` : 'no duration'} · ${formatBytes(bytes)}`;
}

export function mediaDuration(probe: ProbeResult): number | null {
  if (probe.durationSeconds !== null && probe.durationSeconds > 0) return probe.durationSeconds;
  const ds = probe.streams.map((s) => s.durationSeconds ?? 0).filter((d) => d > 0);
  return ds.length ? Math.max(...ds) : null;
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isFile()) total += (await stat(path.join(dir, e.name))).size;
  }
  return total;
}

export interface VerifyInput {
  /** The temporary output just written: a file, or a folder holding `mainFile`. */
  written: string;
  kind: 'file' | 'folder';
  mainFile: string | null;
  expect: Expectation;
  /** Seconds the output should last; null when unknown. */
  expectedDuration: number | null;
  inputProbe: ProbeResult | null;
  /** The input as the user named it, for messages. */
  inputLabel?: string;
  /** ffmpeg's warnings/errors, attached to a verification failure as evidence. */
  problems: string[];
}

export interface Verified {
  probe: ProbeResult;
  summary: string;
  durationSeconds: number | null;
}

export async function verifyOutput(v: VerifyInput): Promise<Verified> {
  const { expect } = v;
  const evidence = v.problems.slice(-20);
  const fail = (message: string): never => {
    throw new VerifyError(message, evidence);
  };
  let bytes: number;
  let probeTarget: string;
  if (v.kind === 'file') {
    bytes = (await stat(v.written)).size;
    if (bytes === 0) fail('ffmpeg reported success but wrote an empty file.');
    probeTarget = v.written;
  } else {
    probeTarget = path.join(v.written, v.mainFile ?? '');
    try {
      await stat(probeTarget);
    } catch {
      fail(`ffmpeg reported success but wrote no ${v.mainFile}.`);
    }
    bytes = await folderSize(v.written);
  }

  let probe: ProbeResult;
  try {
    probe = await probeMedia({ kind: 'file', path: probeTarget });
  } catch (err) {
    return fail(`The output cannot be read back: ${(err as Error).message}`);
  }

  const video = probe.streams.filter((s) => s.type === 'video' && s.codec !== 'mjpeg' && s.codec !== 'png');
  const audio = probe.streams.filter((s) => s.type === 'audio');
  const inVideo = v.inputProbe?.streams.some((s) => s.type === 'video' && s.codec !== 'mjpeg' && s.codec !== 'png') ?? false;
  const inAudio = v.inputProbe?.streams.some((s) => s.type === 'audio') ?? false;

  const rule = (kind: 'video' | 'audio', have: ProbeStream[], inHas: boolean, r: Expectation['video']) => {
    if (r === 'required' && !have.length) fail(`The output has no ${kind} stream.`);
    if (r === 'ifInput' && inHas && !have.length) fail(`The input has ${kind} but the output has none.`);
    if (r === 'none' && have.length) fail(`The output should have no ${kind} but has ${have.length} ${kind} stream(s).`);
  };
  rule('video', video, inVideo, expect.video);
  rule('audio', audio, inAudio, expect.audio);
  if (!probe.streams.length) fail('The output has no streams.');

  if (expect.format && !probe.formatName.split(',').some((f) => f === expect.format)) {
    fail(`The output is ${probe.formatName}, expected ${expect.format}.`);
  }
  if (expect.videoCodecs && video.length && !video.every((s) => expect.videoCodecs!.includes(s.codec ?? ''))) {
    fail(`The output's video is ${video.map((s) => s.codec).join(', ')}, expected ${expect.videoCodecs.join(' or ')}.`);
  }
  if (expect.audioCodecs && audio.length && !audio.every((s) => expect.audioCodecs!.includes(s.codec ?? ''))) {
    fail(`The output's audio is ${audio.map((s) => s.codec).join(', ')}, expected ${expect.audioCodecs.join(' or ')}.`);
  }
  if (expect.videoTag && video[0] && video[0].codecTag !== expect.videoTag) {
    fail(`The output's video is tagged ${video[0].codecTag ?? '(none)'}, expected ${expect.videoTag}.`);
  }
  if (expect.width && video[0] && (video[0].width !== expect.width || video[0].height !== expect.height)) {
    fail(`The output is ${video[0].width}×${video[0].height}, expected ${expect.width}×${expect.height}.`);
  }
  if (expect.timecode) {
    const tmcd = probe.streams.find((s) => s.codecTag === 'tmcd');
    if (!tmcd) fail('The output has no tmcd (timecode) track.');
    if (tmcd!.tags.timecode !== expect.timecode) fail(`The timecode track starts at ${tmcd!.tags.timecode ?? '(none)'}, expected ${expect.timecode}.`);
  }
  if (expect.sameCodecsAsInput && v.inputProbe) {
    const codecs = (streams: ProbeStream[]) =>
      streams
        .filter((s) => s.type === 'video' || s.type === 'audio')
        .map((s) => `${s.type}:${s.codec}`)
        .sort()
        .join(' ');
    const want = codecs(v.inputProbe.streams.filter((s) => !(s.type === 'video' && (s.codec === 'mjpeg' || s.codec === 'png'))));
    const got = codecs(probe.streams);
    if (want !== got) fail(`The copy has streams ${got || '(none)'} but the input has ${want || '(none)'}.`);
  }

  const duration = mediaDuration(probe);
  if (video.length || audio.length) {
    if (duration === null || duration <= 0) fail('The output has no duration (no frames or samples were written).');
  }
  if (expect.checkDuration && v.expectedDuration !== null && duration !== null) {
    const minimum = v.expectedDuration * 0.9 - 0.25;
    if (duration < minimum) {
      fail(
        `The output lasts ${duration.toFixed(2)} s but ${v.expectedDuration.toFixed(2)} s were expected: ` +
          `the input${v.inputLabel ? ` ${v.inputLabel}` : ''} ends early or is damaged (see the details).`,
      );
    }
  }

  // Fragmented outputs are for MSE players: box layout first (cheap, precise message), then the
  // project's MSE lint (core/mse, MSE_RULES.md), whose errors would stop playback in a browser.
  if (expect.fragmented) {
    if (v.kind === 'file') {
      const layout = await scanBoxes(v.written);
      const frag = describeFragmentation(layout);
      if (!frag.fragmented) fail(`The output is not a usable fragmented MP4: ${frag.problem}.`);
    } else {
      await verifySegmentFolder(v.written, fail);
    }
    const lint = await analyzeMse([probeTarget]);
    const errors = lint.findings.filter((f) => f.severity === 'error');
    if (errors.length) {
      throw new VerifyError(
        `The output breaks ${errors.length} MSE rule${errors.length === 1 ? '' : 's'} (first: ${errors[0]!.rule}: ${errors[0]!.message}).`,
        errors.slice(0, 20).map((f) => `${f.rule} at ${f.file ? `${f.file}:` : ''}${f.path || '(file)'}: ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`),
      );
    }
  }
  if (expect.faststart && v.kind === 'file') {
    const layout = await scanBoxes(v.written);
    const moov = layout.top.indexOf('moov');
    const mdat = layout.top.indexOf('mdat');
    if (moov < 0 || (mdat >= 0 && moov > mdat)) fail('The output has its moov after the media data (+faststart did not apply).');
  }
  return { probe, summary: summarize(probe, bytes), durationSeconds: duration };
}

/** HLS/DASH: the init segment(s) declare fragments and each media segment holds a moof. */
async function verifySegmentFolder(dir: string, fail: (m: string) => never): Promise<void> {
  const names = (await readdir(dir)).sort();
  const inits = names.filter((n) => /^init.*\.(mp4|m4s)$/.test(n));
  const media = names.filter((n) => n.endsWith('.m4s') && !inits.includes(n));
  if (!inits.length) fail('The segment folder has no init segment.');
  if (!media.length) fail('The segment folder has no media segments.');
  for (const init of inits) {
    const layout = await scanBoxes(path.join(dir, init));
    if (!layout.moovChildren.includes('mvex')) fail(`${init} does not declare fragments (no mvex in its moov).`);
  }
  for (const seg of media) {
    const layout = await scanBoxes(path.join(dir, seg));
    if (!layout.top.includes('moof') || !layout.top.includes('mdat')) fail(`${seg} holds no moof/mdat fragment.`);
    if (!layout.complete) fail(`${seg} is cut short.`);
  }
}
