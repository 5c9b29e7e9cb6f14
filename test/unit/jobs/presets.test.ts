/** Planning is pure: exact argv for options, hardware encoders, trims and folder outputs. */
import { describe, expect, it } from 'vitest';
import type { CapsIndex } from '../../../electron/core/jobs/presets';
import { expectedDurationOf, planTranscode, resolveTarget, type TranscodeRequest } from '../../../electron/core/jobs/transcode';
import path from 'node:path';
import { getPreset, PRESET_IDS, PRESETS, presetInfo } from '../../../electron/core/jobs/presets';
import { groupPresets, PRESET_GROUPS } from '../../../electron/core/jobs/transcode-types';
import { suggestOutput } from '../../../electron/handlers/jobs';
import type { ProbeResult } from '../../../electron/core/media/ffprobe';

const full: CapsIndex = {
  encoders: new Set(['libx264', 'libx265', 'libvpx-vp9', 'libopus', 'libsvtav1', 'libaom-av1', 'aac', 'libmp3lame', 'prores_ks', 'pcm_s16le', 'h264_nvenc', 'h264_vaapi', 'hevc_videotoolbox']),
  muxers: new Set(['mp4', 'mov', 'ipod', 'adts', 'hls', 'dash', 'webm', 'mp3', 'matroska', 'mpegts']),
  filters: new Set(['scale', 'pad', 'fps']),
};

const probe: ProbeResult = {
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationSeconds: 10,
  sizeBytes: 1_000_000,
  bitRate: 800_000,
  tags: {},
  streams: [
    { index: 0, type: 'video', codec: 'h264', codecTag: 'avc1', profile: 'High', width: 1280, height: 720, fps: 25, pixelFormat: 'yuv420p', sampleRate: null, channels: null, durationSeconds: 10, tags: {} },
    { index: 1, type: 'audio', codec: 'aac', codecTag: 'mp4a', profile: 'LC', width: null, height: null, fps: null, pixelFormat: null, sampleRate: 48000, channels: 2, durationSeconds: 10, tags: {} },
  ],
};

const env = { caps: full, probe, ffmpegPath: '/usr/bin/ffmpeg' };
const req = (r: Partial<TranscodeRequest>): TranscodeRequest => ({
  input: { kind: 'file', path: '/media/in.mp4' },
  output: '/out/o.mp4',
  preset: 'web-mp4',
  options: {},
  overwrite: false,
  ...r,
});
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('planTranscode', () => {
  it('puts the trim before the input and the output last', () => {
    const plan = planTranscode(req({ options: { start: 1.5, end: 4 } }), env);
    const i = plan.args.indexOf('-i');
    expect(plan.args.slice(i - 4, i + 2)).toEqual(['-ss', '1.5', '-t', '2.5', '-i', 'file:/media/in.mp4']);
    expect(plan.args.at(-1)).toBe('file:/out/o.mp4');
    expect(plan.expectedDuration).toBe(2.5);
  });

  it('fixes the GOP by time and, knowing the frame rate, in frames', () => {
    const plan = planTranscode(req({ preset: 'fmp4-mse', options: { segmentSeconds: 2 } }), env);
    expect(after(plan.args, '-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
    expect(after(plan.args, '-g')).toBe('50');
    expect(after(plan.args, '-sc_threshold')).toBe('0');
    expect(after(plan.args, '-movflags')).toBe('frag_keyframe+empty_moov+default_base_moof');
  });

  it('scales keeping the aspect ratio and applies fps after', () => {
    const plan = planTranscode(req({ options: { width: 640, fps: 15 } }), env);
    expect(after(plan.args, '-vf')).toBe('scale=640:-2,fps=15');
  });

  it('letterboxes with force_original_aspect_ratio=decrease and pad', () => {
    const plan = planTranscode(req({ preset: 'letterbox-1080p' }), env);
    expect(after(plan.args, '-vf')).toBe('scale=1920:1080:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=1920:1080:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1');
  });

  it('uses a hardware encoder with a bitrate, VAAPI with its device and upload', () => {
    const nvenc = planTranscode(req({ options: { hwEncoder: 'h264_nvenc', videoBitrateKbps: 4000 } }), env);
    expect(after(nvenc.args, '-c:v')).toBe('h264_nvenc');
    expect(after(nvenc.args, '-b:v')).toBe('4000k');
    expect(nvenc.args).not.toContain('-crf');
    const vaapi = planTranscode(req({ options: { hwEncoder: 'h264_vaapi' } }), env);
    expect(vaapi.args.slice(vaapi.args.indexOf('-vaapi_device'), vaapi.args.indexOf('-vaapi_device') + 2)).toEqual(['-vaapi_device', '/dev/dri/renderD128']);
    expect(vaapi.args.indexOf('-vaapi_device')).toBeLessThan(vaapi.args.indexOf('-i'));
    expect(after(vaapi.args, '-vf')).toBe('format=nv12,hwupload');
    expect(() => planTranscode(req({ options: { hwEncoder: 'hevc_videotoolbox' } }), env)).toThrow(/not a H264 hardware encoder/);
    expect(() => planTranscode(req({ options: { hwEncoder: 'h264_qsv' } }), env)).toThrow(/no h264_qsv encoder/);
    expect(after(planTranscode(req({ preset: 'hevc-mp4', options: { hwEncoder: 'hevc_videotoolbox' } }), env).args, '-tag:v')).toBe('hvc1');
  });

  it('picks the container of a remux from the extension', () => {
    expect(after(planTranscode(req({ preset: 'remux', output: '/out/o.mkv' }), env).args, '-f')).toBe('matroska');
    expect(after(planTranscode(req({ preset: 'remux', output: '/out/o.ts' }), env).args, '-f')).toBe('mpegts');
    expect(() => planTranscode(req({ preset: 'remux', output: '/out/o.avi' }), env)).toThrow(/Remux writes/);
  });

  it('marks a preset unavailable with the missing encoder, and refuses to plan it', () => {
    const bare: CapsIndex = { encoders: new Set(['aac', 'libx264']), muxers: new Set(['mp4', 'ipod']), filters: new Set() };
    expect(getPreset('webm-vp9-opus').unavailable(bare)).toBe('This ffmpeg has no libvpx-vp9 encoder.');
    expect(getPreset('av1-mp4').unavailable(bare)).toBe('This ffmpeg has no libsvtav1 or libaom-av1 or librav1e encoder.');
    expect(getPreset('hls-fmp4').unavailable(bare)).toBe('This ffmpeg has no hls muxer.');
    expect(getPreset('web-mp4').unavailable(bare)).toBeNull();
    expect(() => planTranscode(req({ preset: 'webm-vp9-opus', output: '/out/o.webm' }), { ...env, caps: bare })).toThrow(/cannot run with this ffmpeg: This ffmpeg has no libvpx-vp9/);
    expect(PRESETS.filter((p) => p.unavailable(full) !== null)).toEqual([]);
  });

  it('names folder outputs: a folder, or a playlist path naming folder and playlist', () => {
    expect(resolveTarget(getPreset('hls-fmp4'), '/out/stream.m3u8', 'index.m3u8')).toEqual({ target: '/out/stream', mainFile: 'stream.m3u8' });
    expect(resolveTarget(getPreset('hls-fmp4'), '/out/hls', 'index.m3u8')).toEqual({ target: '/out/hls', mainFile: 'index.m3u8' });
    expect(resolveTarget(getPreset('dash'), '/out/show.mpd', 'manifest.mpd')).toEqual({ target: '/out/show', mainFile: 'show.mpd' });
    const plan = planTranscode(req({ preset: 'dash', output: '/out/show.mpd' }), { ...env, writeTo: '/out/.show.mwb-x.part' });
    expect(plan.cwd).toBe('/out/.show.mwb-x.part');
    expect(plan.args.at(-1)).toBe('show.mpd');
    expect(plan.command).toMatch(/^cd \/out\/\.show\.mwb-x\.part && \/usr\/bin\/ffmpeg /);
  });

  it('expects the trimmed duration, bounded by the input', () => {
    expect(expectedDurationOf({}, probe)).toBe(10);
    expect(expectedDurationOf({ start: 8, duration: 5 }, probe)).toBe(2);
    expect(expectedDurationOf({ duration: 3 }, null)).toBe(3);
    expect(expectedDurationOf({}, null)).toBeNull();
  });
});

describe('the preset registry', () => {
  it('lists every preset in exactly one UI group, in the registry order, with its output tag', () => {
    const infos = PRESETS.map((p) => presetInfo(p, full));
    const grouped = groupPresets(infos);
    // What the Transcode view renders: a preset left out of every group would be missing here.
    expect(grouped.flatMap((g) => g.presets.map((p) => p.id)).sort()).toEqual([...PRESET_IDS].sort());
    expect(grouped.map((g) => g.title)).toEqual([...PRESET_GROUPS]);
    for (const g of grouped) expect(g.presets.every((p) => p.group === g.title)).toBe(true);
    expect(PRESET_IDS).toEqual(PRESETS.map((p) => p.id));
    for (const p of PRESETS) expect(p.tag).toMatch(/^[a-z0-9]+$/);
  });

  it('names suggested outputs with the preset entry\'s tag', () => {
    expect(path.basename(suggestOutput('/media/clip.mp4', 'hls-fmp4'))).toBe('clip.hls');
    expect(path.basename(suggestOutput('/media/clip.mp4', 'letterbox-1080p'))).toBe(`clip.1080p${getPreset('letterbox-1080p').extension}`);
  });
});
