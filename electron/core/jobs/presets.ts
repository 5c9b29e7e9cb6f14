/**
 * Transcode presets: each is a small typed function of options → ffmpeg output arguments, plus
 * what it needs from the resolved ffmpeg (encoders, muxers) and what its output must look like
 * (checked with ffprobe after ffmpeg exits). `transcode.ts` assembles the full argv around them.
 */
import type { Capabilities } from '../media/caps-types';
import type { ProbeResult } from '../media/ffprobe';

import { parseOptions } from '../options';
import { cliTranscodeOptionsSchema, PRORES_PROFILES, SPEEDS, TIMECODE, type OptionName, type PresetGroup, type PresetInfo, type ProresProfile, type Speed, type TranscodeOptions } from './transcode-types';
import { codecSupport } from '../mse/browser-support';

export { PRORES_PROFILES, SPEEDS };
export type { OptionName, ProresProfile, Speed, TranscodeOptions };

/** `ifInput`: present exactly when the input has it; `any`: the arguments decide (custom). */
export type StreamRule = 'required' | 'ifInput' | 'none' | 'any';

/** What a finished output must look like. */
export interface Expectation {
  video: StreamRule;
  audio: StreamRule;
  /** ffprobe codec names accepted for the video/audio stream. */
  videoCodecs?: string[];
  audioCodecs?: string[];
  videoTag?: string;
  /** Substring of ffprobe's format_name. */
  format?: string;
  fragmented?: boolean;
  faststart?: boolean;
  width?: number;
  height?: number;
  timecode?: string;
  /** Stream copy: same codecs as the input's mapped streams. */
  sameCodecsAsInput?: boolean;
  /** Compare the output duration with the expected one (off for custom arguments). */
  checkDuration: boolean;
}

export interface CapsIndex {
  encoders: Set<string>;
  muxers: Set<string>;
  filters: Set<string>;
}

export function indexCaps(caps: Pick<Capabilities, 'encoders' | 'muxers' | 'filters'>): CapsIndex {
  return {
    encoders: new Set(caps.encoders.map((e) => e.name)),
    muxers: new Set(caps.muxers.filter((m) => m.mux).flatMap((m) => m.name.split(','))),
    filters: new Set(caps.filters.map((f) => f.name)),
  };
}

export interface BuildEnv {
  caps: CapsIndex;
  probe: ProbeResult | null;
  /** Lower-case extension of the output path, with the dot (`.mp4`), or '' for folders. */
  outputExt: string;
  /** Frame rate of the output, when known (options.fps or the input's). */
  fps: number | null;
}

export interface PresetBuild {
  /** Output arguments: maps, filters, codecs, muxer options and `-f`. */
  args: string[];
  expect: Expectation;
  /** Input options this preset needs (hardware device for VAAPI). */
  inputOptions?: string[];
  /** Folder outputs: the file ffmpeg is given as output (playlist/manifest), relative to the folder. */
  mainFile?: string;
  /** Folder outputs: what to open in the Inspector (e.g. the init segment). */
  primary?: string;
  notes: string[];
}

export interface PresetDef<I extends string = PresetId> {
  id: I;
  label: string;
  /** Where the Transcode view lists it (`PRESET_GROUPS`). */
  group: PresetGroup;
  /** What a suggested output name carries: `clip.<tag>.mp4`. */
  tag: string;
  description: string;
  outputKind: 'file' | 'folder';
  /** Default extension for a suggested output name ('' for folders). */
  extension: string;
  /** Extensions the preset accepts for its output (empty: any / folder). */
  extensions: string[];
  /** Accepts an http(s)/rtsp URL as input. */
  urlInput: boolean;
  /** Which options it takes (the UI shows only these; the CLI refuses the others). */
  options: OptionName[];
  /** Hardware encoder family usable instead of the software encoder. */
  hwFamily: 'h264' | 'hevc' | 'av1' | null;
  /** Why it cannot run with this ffmpeg, or null. */
  unavailable(caps: CapsIndex): string | null;
  build(o: TranscodeOptions, env: BuildEnv): PresetBuild;
}

export class PresetError extends Error {
  readonly code = 'EBADOPTIONS';
}

// ---------------------------------------------------------------- shared pieces

const TRIM_SCALE_FPS: OptionName[] = ['trim', 'scale', 'fps'];
const VIDEO_QUALITY: OptionName[] = ['crf', 'videoBitrate', 'audioBitrate', 'speed'];

function missing(caps: CapsIndex, encoders: string[][], muxers: string[] = []): string | null {
  for (const alternatives of encoders) {
    if (!alternatives.some((e) => caps.encoders.has(e))) {
      return `This ffmpeg has no ${alternatives.join(' or ')} encoder.`;
    }
  }
  for (const m of muxers) if (!caps.muxers.has(m)) return `This ffmpeg has no ${m} muxer.`;
  return null;
}

const map = (spec: string) => ['-map', spec];
const AV_MAPS = [...map('0:v:0?'), ...map('0:a:0?')];

/** `-vf` from the common options plus a preset's own filters. */
function videoFilter(o: TranscodeOptions, extra: string[] = []): string[] {
  const chain: string[] = [];
  if (o.width !== undefined || o.height !== undefined) {
    const w = o.width ?? -2;
    const h = o.height ?? -2;
    chain.push(`scale=${w}:${h}`);
  }
  chain.push(...extra);
  if (o.fps !== undefined) chain.push(`fps=${o.fps}`);
  return chain.length ? ['-vf', chain.join(',')] : [];
}

function audioBitrate(o: TranscodeOptions, fallbackKbps: number): string[] {
  return ['-b:a', `${o.audioBitrateKbps ?? fallbackKbps}k`];
}

const HW_FAMILIES = {
  h264: /^h264_(nvenc|qsv|vaapi|videotoolbox|amf|mf)$/,
  hevc: /^hevc_(nvenc|qsv|vaapi|videotoolbox|amf|mf)$/,
  av1: /^av1_(nvenc|qsv|vaapi|amf)$/,
} as const;

export function hwEncodersFor(family: 'h264' | 'hevc' | 'av1', caps: CapsIndex): string[] {
  return [...caps.encoders].filter((e) => HW_FAMILIES[family].test(e)).sort();
}

/** A bitrate a hardware encoder can use when the user gave none: ~0.08 bits per pixel per frame. */
function defaultHwBitrateKbps(env: BuildEnv, o: TranscodeOptions): number {
  const v = env.probe?.streams.find((s) => s.type === 'video');
  const w = o.width ?? v?.width ?? 1280;
  const h = o.height ?? (v?.width && v.height ? Math.round((w * v.height) / v.width) : 720);
  const fps = env.fps ?? 30;
  return Math.max(300, Math.round((w * h * fps * 0.08) / 1000));
}

interface VideoEncoding {
  args: string[];
  /** Filters to append (VAAPI uploads frames to the GPU). */
  filters: string[];
  inputOptions: string[];
}

function hwVideo(encoder: string, family: 'h264' | 'hevc' | 'av1', o: TranscodeOptions, env: BuildEnv): VideoEncoding {
  if (!HW_FAMILIES[family].test(encoder)) {
    throw new PresetError(`${encoder} is not a ${family.toUpperCase()} hardware encoder; pick one of: ${hwEncodersFor(family, env.caps).join(', ') || 'none in this ffmpeg'}.`);
  }
  if (!env.caps.encoders.has(encoder)) throw new PresetError(`This ffmpeg has no ${encoder} encoder (see Capabilities).`);
  const kbps = o.videoBitrateKbps ?? defaultHwBitrateKbps(env, o);
  const args = ['-c:v', encoder, '-b:v', `${kbps}k`, '-maxrate', `${Math.round(kbps * 1.5)}k`, '-bufsize', `${kbps * 2}k`];
  if (encoder.endsWith('_vaapi')) {
    return { args, filters: ['format=nv12', 'hwupload'], inputOptions: ['-vaapi_device', '/dev/dri/renderD128'] };
  }
  // 8-bit 4:2:0 in NV12, the layout every hardware encoder takes (and browsers need for H.264).
  return { args, filters: ['format=nv12'], inputOptions: [] };
}

function rateControl(o: TranscodeOptions, defaultCrf: number): string[] {
  if (o.videoBitrateKbps !== undefined) {
    return ['-b:v', `${o.videoBitrateKbps}k`, '-maxrate', `${Math.round(o.videoBitrateKbps * 1.5)}k`, '-bufsize', `${o.videoBitrateKbps * 2}k`];
  }
  return ['-crf', String(o.crf ?? defaultCrf)];
}

function h264(o: TranscodeOptions, env: BuildEnv, defaultCrf = 23): VideoEncoding {
  if (o.hwEncoder) return hwVideo(o.hwEncoder, 'h264', o, env);
  return {
    args: ['-c:v', 'libx264', '-preset', o.speed ?? 'medium', ...rateControl(o, defaultCrf), '-pix_fmt', 'yuv420p', '-profile:v', 'high'],
    filters: [],
    inputOptions: [],
  };
}

function hevc(o: TranscodeOptions, env: BuildEnv): VideoEncoding {
  if (o.hwEncoder) {
    const hw = hwVideo(o.hwEncoder, 'hevc', o, env);
    return { ...hw, args: [...hw.args, '-tag:v', 'hvc1'] };
  }
  return {
    args: ['-c:v', 'libx265', '-preset', o.speed ?? 'medium', ...rateControl(o, 28), '-pix_fmt', 'yuv420p', '-tag:v', 'hvc1', '-x265-params', 'log-level=error'],
    filters: [],
    inputOptions: [],
  };
}

const VP9_CPU: Record<Speed, string> = { ultrafast: '8', veryfast: '6', fast: '5', medium: '4', slow: '2' };
const SVT_PRESET: Record<Speed, string> = { ultrafast: '12', veryfast: '10', fast: '8', medium: '6', slow: '4' };
const AOM_CPU: Record<Speed, string> = { ultrafast: '8', veryfast: '7', fast: '6', medium: '5', slow: '4' };
const RAV1E_SPEED: Record<Speed, string> = { ultrafast: '10', veryfast: '9', fast: '8', medium: '6', slow: '4' };

/** The AV1 encoder this ffmpeg offers, best first: SVT-AV1 (fast), libaom (reference), rav1e. */
export function av1Encoder(caps: CapsIndex): string | null {
  return ['libsvtav1', 'libaom-av1', 'librav1e'].find((e) => caps.encoders.has(e)) ?? null;
}

function av1(o: TranscodeOptions, env: BuildEnv): VideoEncoding {
  if (o.hwEncoder) return hwVideo(o.hwEncoder, 'av1', o, env);
  const speed = o.speed ?? 'medium';
  const enc = av1Encoder(env.caps);
  const common = ['-pix_fmt', 'yuv420p'];
  if (enc === 'libsvtav1') {
    const rc = o.videoBitrateKbps !== undefined ? ['-b:v', `${o.videoBitrateKbps}k`] : ['-crf', String(o.crf ?? 35)];
    return { args: ['-c:v', 'libsvtav1', '-preset', SVT_PRESET[speed], ...rc, ...common], filters: [], inputOptions: [] };
  }
  if (enc === 'libaom-av1') {
    const rc = o.videoBitrateKbps !== undefined ? ['-b:v', `${o.videoBitrateKbps}k`] : ['-crf', String(o.crf ?? 32), '-b:v', '0'];
    return { args: ['-c:v', 'libaom-av1', '-cpu-used', AOM_CPU[speed], '-row-mt', '1', ...rc, ...common], filters: [], inputOptions: [] };
  }
  if (enc === 'librav1e') {
    const rc = o.videoBitrateKbps !== undefined ? ['-b:v', `${o.videoBitrateKbps}k`] : ['-qp', String(Math.round(((o.crf ?? 32) * 255) / 63))];
    return { args: ['-c:v', 'librav1e', '-speed', RAV1E_SPEED[speed], ...rc, ...common], filters: [], inputOptions: [] };
  }
  throw new PresetError('This ffmpeg has no AV1 encoder (libsvtav1, libaom-av1 or librav1e).');
}

/**
 * Fixed GOP: a keyframe exactly every `seconds` (forced by time, so it holds for any frame rate)
 * and none in between (no scene-cut keyframes), so every fragment/segment starts with one and all
 * have the same length, which is what MSE players and HLS/DASH packagers expect.
 */
function fixedGop(seconds: number, env: BuildEnv, o: TranscodeOptions): string[] {
  const args = ['-force_key_frames', `expr:gte(t,n_forced*${seconds})`];
  if (env.fps) args.push('-g', String(Math.max(1, Math.round(env.fps * seconds))));
  if (!o.hwEncoder) args.push('-sc_threshold', '0');
  return args;
}

function assemble(enc: VideoEncoding, o: TranscodeOptions, preFilters: string[] = []): { vf: string[]; codec: string[] } {
  return { vf: videoFilter(o, preFilters.concat(enc.filters)), codec: enc.args };
}

const aac = (o: TranscodeOptions, kbps = 128) => ['-c:a', 'aac', ...audioBitrate(o, kbps)];

function baseExpect(partial: Partial<Expectation>): Expectation {
  return { video: 'ifInput', audio: 'ifInput', checkDuration: true, ...partial };
}

const H264_NEEDS = [['libx264'], ['aac']];

function segmentSeconds(o: TranscodeOptions, fallback: number): number {
  return o.segmentSeconds ?? fallback;
}

// ---------------------------------------------------------------- the presets

const webMp4 = definePreset({
  id: 'web-mp4',
  label: 'Web MP4 (H.264/AAC)',
  group: 'Web and streaming',
  tag: 'web',
  description: 'Plays everywhere: H.264 High + AAC in MP4 with the index at the front (+faststart) for progressive download.',
  outputKind: 'file',
  extension: '.mp4',
  extensions: ['.mp4', '.m4v'],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, ...VIDEO_QUALITY, 'hwEncoder'],
  hwFamily: 'h264',
  unavailable: (caps) => missing(caps, H264_NEEDS, ['mp4']),
  build(o, env) {
    const enc = h264(o, env);
    const { vf, codec } = assemble(enc, o);
    return {
      args: [...AV_MAPS, ...vf, ...codec, ...aac(o), '-movflags', '+faststart', '-f', 'mp4'],
      inputOptions: enc.inputOptions,
      expect: baseExpect({ format: 'mp4', videoCodecs: ['h264'], audioCodecs: ['aac'], faststart: true }),
      notes: [],
    };
  },
});

const fmp4Mse = definePreset({
  id: 'fmp4-mse',
  label: 'Fragmented MP4 for MSE',
  group: 'Web and streaming',
  tag: 'fmp4',
  description: 'H.264/AAC with a fixed GOP, one fragment per keyframe, empty moov and default-base-is-moof: what Media Source Extensions players append.',
  outputKind: 'file',
  extension: '.mp4',
  extensions: ['.mp4', '.m4v', '.m4s'],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, ...VIDEO_QUALITY, 'hwEncoder', 'segmentSeconds'],
  hwFamily: 'h264',
  unavailable: (caps) => missing(caps, H264_NEEDS, ['mp4']),
  build(o, env) {
    const enc = h264(o, env);
    const { vf, codec } = assemble(enc, o);
    return {
      args: [
        ...AV_MAPS,
        ...vf,
        ...codec,
        ...fixedGop(segmentSeconds(o, 2), env, o),
        ...aac(o),
        '-movflags',
        'frag_keyframe+empty_moov+default_base_moof',
        '-f',
        'mp4',
      ],
      inputOptions: enc.inputOptions,
      expect: baseExpect({ format: 'mp4', videoCodecs: ['h264'], audioCodecs: ['aac'], fragmented: true }),
      notes: [`A keyframe, and so a fragment, every ${segmentSeconds(o, 2)} s.`],
    };
  },
});

/**
 * Live recordings (`core/jobs/record.ts`) copy what MP4 can carry and re-encode the rest with the
 * fmp4-mse preset's encoders: H.264 at a fast speed (it has to keep up with real time) with a fixed
 * 2 s GOP, so a fragment is flushed at least every 2 s, and AAC.
 */
export const LIVE_REENCODE = { preset: 'fmp4-mse' as const, video: 'H.264 (libx264)', audio: 'AAC', segmentSeconds: 2 };

export function liveReencodeArgs(kind: 'video' | 'audio', env: BuildEnv): string[] {
  const o: TranscodeOptions = { speed: 'veryfast', segmentSeconds: LIVE_REENCODE.segmentSeconds };
  if (kind === 'audio') return aac(o);
  return [...h264(o, env).args, ...fixedGop(LIVE_REENCODE.segmentSeconds, env, o)];
}

const cmaf = definePreset({
  id: 'cmaf',
  label: 'CMAF fragmented MP4',
  group: 'Web and streaming',
  tag: 'cmaf',
  description: 'H.264/AAC with a fixed GOP written with ffmpeg\'s CMAF mode (-movflags cmaf): cmfc brand, fragments at keyframes.',
  outputKind: 'file',
  extension: '.mp4',
  extensions: ['.mp4', '.cmfv', '.m4s'],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, ...VIDEO_QUALITY, 'hwEncoder', 'segmentSeconds'],
  hwFamily: 'h264',
  unavailable: (caps) => missing(caps, H264_NEEDS, ['mp4']),
  build(o, env) {
    const enc = h264(o, env);
    const { vf, codec } = assemble(enc, o);
    return {
      args: [...AV_MAPS, ...vf, ...codec, ...fixedGop(segmentSeconds(o, 2), env, o), ...aac(o), '-movflags', 'cmaf', '-f', 'mp4'],
      inputOptions: enc.inputOptions,
      expect: baseExpect({ format: 'mp4', videoCodecs: ['h264'], audioCodecs: ['aac'], fragmented: true }),
      notes: [`A keyframe, and so a fragment, every ${segmentSeconds(o, 2)} s.`],
    };
  },
});

/**
 * H.264/AAC cut into segments by a segmenting muxer (HLS, DASH): a keyframe at every segment
 * boundary, then the muxer's own arguments; the playlist/manifest and the init segment are named
 * by the caller.
 */
function segmentedH264(o: TranscodeOptions, env: BuildEnv, format: 'hls' | 'dash', files: { mainFile: string; primary: string }, muxer: (seg: number) => string[]): PresetBuild {
  const enc = h264(o, env);
  const { vf, codec } = assemble(enc, o);
  const seg = segmentSeconds(o, 4);
  return {
    args: [...AV_MAPS, ...vf, ...codec, ...fixedGop(seg, env, o), ...aac(o), '-f', format, ...muxer(seg)],
    inputOptions: enc.inputOptions,
    ...files,
    expect: baseExpect({ format, videoCodecs: ['h264'], audioCodecs: ['aac'], fragmented: true }),
    notes: [`Segments of ${seg} s (one keyframe each).`],
  };
}

const hlsFmp4 = definePreset({
  id: 'hls-fmp4',
  label: 'HLS (fMP4 segments)',
  group: 'Web and streaming',
  tag: 'hls',
  description: 'A folder with a VOD playlist (index.m3u8), an init segment (init.mp4) and .m4s media segments of H.264/AAC.',
  outputKind: 'folder',
  extension: '',
  extensions: [],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, ...VIDEO_QUALITY, 'hwEncoder', 'segmentSeconds'],
  hwFamily: 'h264',
  unavailable: (caps) => missing(caps, H264_NEEDS, ['hls']),
  build: (o, env) =>
    segmentedH264(o, env, 'hls', { mainFile: 'index.m3u8', primary: 'init.mp4' }, (seg) => [
      '-hls_time',
      String(seg),
      '-hls_playlist_type',
      'vod',
      '-hls_segment_type',
      'fmp4',
      '-hls_flags',
      'independent_segments',
      '-hls_fmp4_init_filename',
      'init.mp4',
      '-hls_segment_filename',
      'seg_%05d.m4s',
    ]),
});

const dash = definePreset({
  id: 'dash',
  label: 'DASH (MPD + segments)',
  group: 'Web and streaming',
  tag: 'dash',
  description: 'A folder with manifest.mpd, one init segment per stream and numbered .m4s media segments of H.264/AAC.',
  outputKind: 'folder',
  extension: '',
  extensions: [],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, ...VIDEO_QUALITY, 'hwEncoder', 'segmentSeconds'],
  hwFamily: 'h264',
  unavailable: (caps) => missing(caps, H264_NEEDS, ['dash']),
  build: (o, env) =>
    segmentedH264(o, env, 'dash', { mainFile: 'manifest.mpd', primary: 'init-0.m4s' }, (seg) => [
      '-seg_duration',
      String(seg),
      '-use_template',
      '1',
      '-use_timeline',
      '1',
      '-init_seg_name',
      'init-$RepresentationID$.m4s',
      '-media_seg_name',
      'chunk-$RepresentationID$-$Number%05d$.m4s',
    ]),
});

const webmVp9 = definePreset({
  id: 'webm-vp9-opus',
  label: 'WebM (VP9/Opus)',
  group: 'Other codecs',
  tag: 'vp9',
  description: 'VP9 in constant-quality mode with Opus audio, in WebM: Chrome, Firefox, Edge and recent Safari play it.',
  outputKind: 'file',
  extension: '.webm',
  extensions: ['.webm', '.mkv'],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, ...VIDEO_QUALITY],
  hwFamily: null,
  unavailable: (caps) => missing(caps, [['libvpx-vp9'], ['libopus']], ['webm']),
  build(o) {
    const speed = o.speed ?? 'medium';
    const rc = o.videoBitrateKbps !== undefined ? ['-b:v', `${o.videoBitrateKbps}k`] : ['-crf', String(o.crf ?? 32), '-b:v', '0'];
    const deadline = speed === 'ultrafast' ? ['-deadline', 'realtime'] : ['-deadline', 'good'];
    return {
      args: [
        ...AV_MAPS,
        ...videoFilter(o),
        '-c:v',
        'libvpx-vp9',
        ...rc,
        ...deadline,
        '-cpu-used',
        VP9_CPU[speed],
        '-row-mt',
        '1',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'libopus',
        ...audioBitrate(o, 96),
        '-f',
        'webm',
      ],
      expect: baseExpect({ format: 'webm', videoCodecs: ['vp9'], audioCodecs: ['opus'] }),
      notes: [],
    };
  },
});

const av1Mp4 = definePreset({
  id: 'av1-mp4',
  label: 'AV1 MP4',
  group: 'Other codecs',
  tag: 'av1',
  description: 'AV1 (SVT-AV1, libaom or rav1e, whichever this ffmpeg has) with AAC in MP4, +faststart.',
  outputKind: 'file',
  extension: '.mp4',
  extensions: ['.mp4'],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, ...VIDEO_QUALITY, 'hwEncoder'],
  hwFamily: 'av1',
  unavailable: (caps) => missing(caps, [['libsvtav1', 'libaom-av1', 'librav1e'], ['aac']], ['mp4']),
  build(o, env) {
    const enc = av1(o, env);
    const { vf, codec } = assemble(enc, o);
    return {
      args: [...AV_MAPS, ...vf, ...codec, ...aac(o), '-movflags', '+faststart', '-f', 'mp4'],
      inputOptions: enc.inputOptions,
      expect: baseExpect({ format: 'mp4', videoCodecs: ['av1'], audioCodecs: ['aac'], faststart: true }),
      notes: o.hwEncoder ? [] : [`Encoder: ${av1Encoder(env.caps)}.`],
    };
  },
});

const hevcMp4 = definePreset({
  id: 'hevc-mp4',
  label: 'HEVC MP4 (hvc1)',
  group: 'Other codecs',
  tag: 'hevc',
  description: `H.265 tagged hvc1 (what Safari and Apple devices require) with AAC in MP4, +faststart. Plays in ${codecSupport('hvc1')!.browsers}; elsewhere only the sound plays.`,
  outputKind: 'file',
  extension: '.mp4',
  extensions: ['.mp4', '.m4v', '.mov'],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, ...VIDEO_QUALITY, 'hwEncoder'],
  hwFamily: 'hevc',
  unavailable: (caps) => missing(caps, [['libx265'], ['aac']], ['mp4']),
  build(o, env) {
    const enc = hevc(o, env);
    const { vf, codec } = assemble(enc, o);
    const fmt = env.outputExt === '.mov' ? 'mov' : 'mp4';
    return {
      args: [...AV_MAPS, ...vf, ...codec, ...aac(o), '-movflags', '+faststart', '-f', fmt],
      inputOptions: enc.inputOptions,
      expect: baseExpect({ format: fmt === 'mov' ? 'mov' : 'mp4', videoCodecs: ['hevc'], audioCodecs: ['aac'], videoTag: 'hvc1', faststart: true }),
      notes: [],
    };
  },
});

const audioMp3 = definePreset({
  id: 'audio-mp3',
  label: 'Audio: MP3',
  group: 'Audio',
  tag: 'audio',
  description: 'The first audio stream as MP3 (LAME), constant bitrate.',
  outputKind: 'file',
  extension: '.mp3',
  extensions: ['.mp3'],
  urlInput: false,
  options: ['trim', 'audioBitrate'],
  hwFamily: null,
  unavailable: (caps) => missing(caps, [['libmp3lame']], ['mp3']),
  build(o) {
    return {
      args: [...map('0:a:0'), '-vn', '-c:a', 'libmp3lame', ...audioBitrate(o, 192), '-f', 'mp3'],
      expect: baseExpect({ video: 'none', audio: 'required', audioCodecs: ['mp3'], format: 'mp3' }),
      notes: [],
    };
  },
});

const audioAac = definePreset({
  id: 'audio-aac',
  label: 'Audio: AAC (.m4a)',
  group: 'Audio',
  tag: 'audio',
  description: 'The first audio stream as AAC-LC, in an .m4a (MP4 audio) file, or raw ADTS when the output ends in .aac.',
  outputKind: 'file',
  extension: '.m4a',
  extensions: ['.m4a', '.aac', '.mp4'],
  urlInput: false,
  options: ['trim', 'audioBitrate'],
  hwFamily: null,
  unavailable: (caps) => missing(caps, [['aac']], ['ipod', 'adts']),
  build(o, env) {
    const adts = env.outputExt === '.aac';
    return {
      args: [
        ...map('0:a:0'),
        '-vn',
        '-c:a',
        'aac',
        ...audioBitrate(o, 160),
        ...(adts ? ['-f', 'adts'] : ['-movflags', '+faststart', '-f', 'ipod']),
      ],
      expect: baseExpect({ video: 'none', audio: 'required', audioCodecs: ['aac'], format: adts ? 'aac' : 'mp4' }),
      notes: [],
    };
  },
});

const REMUX_FORMATS: Record<string, { muxer: string; format: string; subtitles: boolean; extra: string[] }> = {
  '.mp4': { muxer: 'mp4', format: 'mp4', subtitles: false, extra: ['-movflags', '+faststart'] },
  '.m4v': { muxer: 'mp4', format: 'mp4', subtitles: false, extra: ['-movflags', '+faststart'] },
  '.m4a': { muxer: 'ipod', format: 'mp4', subtitles: false, extra: ['-movflags', '+faststart'] },
  '.mov': { muxer: 'mov', format: 'mov', subtitles: false, extra: ['-movflags', '+faststart'] },
  '.mkv': { muxer: 'matroska', format: 'matroska', subtitles: true, extra: [] },
  '.webm': { muxer: 'webm', format: 'webm', subtitles: false, extra: [] },
  '.ts': { muxer: 'mpegts', format: 'mpegts', subtitles: false, extra: [] },
};

const remux = definePreset({
  id: 'remux',
  label: 'Remux (stream copy)',
  group: 'Tools',
  tag: 'remux',
  description: 'Copy the video and audio streams into another container without re-encoding (-c copy); also from an http(s) or rtsp URL. The container follows the output extension.',
  outputKind: 'file',
  extension: '.mp4',
  extensions: Object.keys(REMUX_FORMATS),
  urlInput: true,
  options: ['trim'],
  hwFamily: null,
  unavailable: (caps) => missing(caps, [], ['mp4']),
  build(o, env) {
    const fmt = REMUX_FORMATS[env.outputExt];
    if (!fmt) throw new PresetError(`Remux writes ${Object.keys(REMUX_FORMATS).join(', ')}; the output ends in "${env.outputExt || '(nothing)'}".`);
    if (!env.caps.muxers.has(fmt.muxer)) throw new PresetError(`This ffmpeg has no ${fmt.muxer} muxer.`);
    const notes = o.start ? ['A copy can only start at a keyframe: the output may begin a little before the requested start.'] : [];
    return {
      args: [...map('0:v?'), ...map('0:a?'), ...(fmt.subtitles ? map('0:s?') : []), '-c', 'copy', ...fmt.extra, '-f', fmt.muxer],
      expect: baseExpect({ format: fmt.format, sameCodecsAsInput: true }),
      notes,
    };
  },
});

const PRORES_PROFILE_NUMBER: Record<ProresProfile, string> = { proxy: '0', lt: '1', standard: '2', hq: '3', '4444': '4' };

const proresTimecode = definePreset({
  id: 'prores-timecode',
  label: 'ProRes MOV with timecode',
  group: 'Tools',
  tag: 'prores',
  description: `Apple ProRes (prores_ks) with PCM audio in a QuickTime MOV that carries a tmcd timecode track starting at the given timecode. For editing, not the web: plays in ${codecSupport('apch')!.browsers}.`,
  outputKind: 'file',
  extension: '.mov',
  extensions: ['.mov'],
  urlInput: false,
  options: [...TRIM_SCALE_FPS, 'timecode', 'proresProfile'],
  hwFamily: null,
  unavailable: (caps) => missing(caps, [['prores_ks'], ['pcm_s16le']], ['mov']),
  build(o) {
    const profile = o.proresProfile ?? 'hq';
    const timecode = o.timecode ?? '00:00:00:00';
    return {
      args: [
        ...map('0:v:0'),
        ...map('0:a:0?'),
        ...videoFilter(o),
        '-c:v',
        'prores_ks',
        '-profile:v',
        PRORES_PROFILE_NUMBER[profile],
        '-vendor',
        'apl0',
        '-pix_fmt',
        profile === '4444' ? 'yuva444p10le' : 'yuv422p10le',
        '-c:a',
        'pcm_s16le',
        '-timecode',
        timecode,
        '-f',
        'mov',
      ],
      expect: baseExpect({ video: 'required', format: 'mov', videoCodecs: ['prores'], audioCodecs: ['pcm_s16le'], timecode }),
      notes: [`Timecode track starts at ${timecode}.`],
    };
  },
});

const letterbox = definePreset({
  id: 'letterbox-1080p',
  label: 'Letterbox to 1080p',
  group: 'Tools',
  tag: '1080p',
  description: 'Fit inside 1920×1080 keeping the aspect ratio (force_original_aspect_ratio=decrease), pad with black bars, H.264/AAC MP4.',
  outputKind: 'file',
  extension: '.mp4',
  extensions: ['.mp4', '.m4v'],
  urlInput: false,
  options: ['trim', 'fps', ...VIDEO_QUALITY, 'hwEncoder'],
  hwFamily: 'h264',
  unavailable: (caps) => missing(caps, H264_NEEDS, ['mp4']),
  build(o, env) {
    const enc = h264(o, env, 20);
    const fit = [
      'scale=1920:1080:force_original_aspect_ratio=decrease:force_divisible_by=2',
      'pad=1920:1080:(ow-iw)/2:(oh-ih)/2:color=black',
      'setsar=1',
    ];
    const { vf, codec } = assemble(enc, { ...o, width: undefined, height: undefined }, fit);
    return {
      args: [...AV_MAPS, ...vf, ...codec, ...aac(o, 160), '-movflags', '+faststart', '-f', 'mp4'],
      inputOptions: enc.inputOptions,
      expect: baseExpect({ video: 'required', format: 'mp4', videoCodecs: ['h264'], audioCodecs: ['aac'], width: 1920, height: 1080, faststart: true }),
      notes: [],
    };
  },
});

/** ffmpeg options that take no value (so the token after them is not theirs). */
const FLAG_OPTIONS = new Set([
  '-an', '-vn', '-sn', '-dn', '-y', '-n', '-shortest', '-re', '-copyts', '-start_at_zero', '-accurate_seek',
  '-noaccurate_seek', '-stdin', '-nostdin', '-hide_banner', '-benchmark', '-benchmark_all', '-stats', '-nostats',
  '-xerror', '-ignore_unknown', '-copy_unknown', '-dump', '-hex', '-debug_ts', '-autorotate', '-noautorotate',
  '-autoscale', '-noautoscale', '-bitexact', '-vstats', '-intra', '-deinterlace', '-psnr',
]);

const URL_LIKE = /^([a-z][a-z0-9+.-]*:\/\/|(rtmps?|rtp|srtp|srt|udp|tcp|tls|http|https|ftp|sftp|pipe|unix|zmq|icecast|gopher|tee|amqp|rist):)/i;

/**
 * Check the custom preset's raw arguments: they are output options for the one output the job
 * writes. Refuses `-i` (the input is chosen separately), stray positional tokens (which ffmpeg
 * would take as a second output, outside the safe temp-and-rename), `-progress` (the runner owns
 * it), and anything that would send output to a URL unless the user confirmed that.
 */
export function validateCustomArgs(args: string[], allowUrlOutput: boolean): void {
  if (!args.length) throw new PresetError('The custom preset needs ffmpeg arguments, e.g. -c:v libx264 -crf 20 -c:a aac.');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.includes('\0')) throw new PresetError('An argument contains a NUL byte.');
    if (a === '-i') throw new PresetError('Custom arguments cannot add inputs (-i): choose the input in the input field.');
    if (a === '-progress' || a === '-stats_period') throw new PresetError(`${a} is set by the job runner; remove it.`);
    const isUrl = URL_LIKE.test(a) || (a === '-f' && args[i + 1] === 'tee');
    if (isUrl && !allowUrlOutput) {
      throw new PresetError(`"${a}${a === '-f' ? ' tee' : ''}" can send output over the network; confirm output to a URL to use it.`);
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      if (!FLAG_OPTIONS.has(a)) i++; // its value
      continue;
    }
    throw new PresetError(`"${a}" is not an option or an option's value; ffmpeg would treat it as a second output. The custom preset writes only the output you chose.`);
  }
}

const custom = definePreset({
  id: 'custom',
  label: 'Custom ffmpeg arguments',
  group: 'Tools',
  tag: 'out',
  description: 'Your own output arguments between the input and the output (e.g. -c:v libx264 -crf 18 -c:a copy). Written safely like every preset: temporary name, verified, renamed.',
  outputKind: 'file',
  extension: '.mp4',
  extensions: [],
  urlInput: false,
  options: ['trim', 'customArgs'],
  hwFamily: null,
  unavailable: () => null,
  build(o) {
    const args = o.customArgs ?? [];
    validateCustomArgs(args, o.allowUrlOutput ?? false);
    return {
      args: [...args],
      expect: baseExpect({ video: 'any', audio: 'any', checkDuration: false }),
      notes: ['The container follows the output extension unless you pass -f.'],
    };
  },
});

/** A preset entry, its id kept as a literal (so `PresetId` is derived from `PRESETS`, not listed twice). */
function definePreset<const I extends string>(def: PresetDef<I>): PresetDef<I> {
  return def;
}

/**
 * Every preset, in the order the UI and `mwb presets` list them. Adding a preset is one entry here
 * (its definition carries its UI group and output tag); `PresetId`, the contract's enum, the CLI's
 * list and the Transcode view's groups all follow from it.
 */
export const PRESETS = [
  webMp4,
  fmp4Mse,
  cmaf,
  hlsFmp4,
  dash,
  webmVp9,
  av1Mp4,
  hevcMp4,
  audioMp3,
  audioAac,
  remux,
  proresTimecode,
  letterbox,
  custom,
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];
export const PRESET_IDS = PRESETS.map((p) => p.id) as [PresetId, ...PresetId[]];

export function isPresetId(id: string): id is PresetId {
  return (PRESET_IDS as readonly string[]).includes(id);
}

export function getPreset(id: string): PresetDef {
  const p: PresetDef | undefined = PRESETS.find((x) => x.id === id);
  if (!p) throw new PresetError(`Unknown preset "${id}". Presets: ${PRESET_IDS.join(', ')}.`);
  return p;
}


/**
 * Check options: their ranges through the one schema (`cliTranscodeOptionsSchema`), then which
 * apply to this preset and how they combine; throws PresetError.
 */
export function validateOptions(preset: PresetDef, options: TranscodeOptions): void {
  const o = parseOptions(cliTranscodeOptionsSchema, options, (issue) => new PresetError(issue.message));
  const uses = new Set(preset.options);
  const given = (k: keyof TranscodeOptions) => o[k] !== undefined;
  const refuse = (what: string, option: OptionName) => {
    if (!uses.has(option)) throw new PresetError(`The ${preset.id} preset does not take ${what}.`);
  };
  if (given('start') || given('end') || given('duration')) refuse('a trim (start/end/duration)', 'trim');
  if (given('width') || given('height')) refuse('a size (width/height)', 'scale');
  if (given('fps')) refuse('a frame rate', 'fps');
  if (given('crf')) refuse('a CRF', 'crf');
  if (given('videoBitrateKbps')) refuse('a video bitrate', 'videoBitrate');
  if (given('audioBitrateKbps')) refuse('an audio bitrate', 'audioBitrate');
  if (given('speed')) refuse('an encoder speed', 'speed');
  if (given('hwEncoder')) refuse('a hardware encoder', 'hwEncoder');
  if (given('segmentSeconds')) refuse('a segment length', 'segmentSeconds');
  if (given('timecode')) refuse('a timecode', 'timecode');
  if (given('proresProfile')) refuse('a ProRes profile', 'proresProfile');
  if (given('customArgs')) refuse('custom arguments', 'customArgs');

  if (o.end !== undefined && o.duration !== undefined) throw new PresetError('Give either end or duration, not both.');
  if (o.end !== undefined && o.end <= (o.start ?? 0)) throw new PresetError(`end (${o.end} s) must be after start (${o.start ?? 0} s).`);
  if (o.width !== undefined && o.width % 2) throw new PresetError(`width must be even for 4:2:0 video, not ${o.width}.`);
  if (o.height !== undefined && o.height % 2) throw new PresetError(`height must be even for 4:2:0 video, not ${o.height}.`);
  if (o.crf !== undefined && o.videoBitrateKbps !== undefined) throw new PresetError('Give either a CRF or a video bitrate, not both.');
}

/** Timecode frames must fit the frame rate; drop-frame only exists for 29.97/59.94. */
export function checkTimecodeForRate(timecode: string, fps: number | null): void {
  const m = TIMECODE.exec(timecode);
  if (!m || fps === null) return;
  const frames = Number(m[5]);
  const nominal = Math.round(fps);
  if (frames >= nominal) throw new PresetError(`The timecode frame field ${m[5]} does not exist at ${nominal} fps (frames go 00–${String(nominal - 1).padStart(2, '0')}).`);
  if (m[4] === ';' && ![30, 60].includes(nominal)) throw new PresetError('Drop-frame timecode (;) exists only at 29.97 and 59.94 fps.');
}

/** What the UI and `mwb presets` show of a preset; `reason` overrides its availability check. */
export function presetInfo(p: PresetDef, caps: CapsIndex, reason: string | null = p.unavailable(caps)): PresetInfo {
  return {
    id: p.id,
    label: p.label,
    group: p.group,
    description: p.description,
    outputKind: p.outputKind,
    extension: p.extension,
    extensions: p.extensions,
    urlInput: p.urlInput,
    options: p.options,
    available: reason === null,
    reason,
    hwEncoders: p.hwFamily ? hwEncodersFor(p.hwFamily, caps) : [],
  };
}
