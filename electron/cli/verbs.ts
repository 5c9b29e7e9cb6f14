/**
 * The verbs of `mwb`: what `--help` lists, and how to load each one. Only this table is read at
 * start; a verb's module (and the engine, zod, mp4box.js… behind it) is imported when that verb
 * runs, so `mwb --version` or `mwb lint` do not pay for `transcode`'s imports.
 */
import type { Verb } from './common';

export interface VerbInfo {
  name: string;
  summary: string;
  usage: string;
  load(): Promise<Verb>;
}

export const VERBS: VerbInfo[] = [
  {
    name: 'caps',
    summary: 'which ffmpeg/ffprobe are used, and what they can encode, decode, mux and demux',
    usage: 'mwb caps [--json]',
    load: async () => (await import('./caps')).capsVerb,
  },
  {
    name: 'inspect',
    summary: 'every box of an MP4/MOV/fMP4/CMAF file with decoded fields, its tracks and sample tables',
    usage: 'mwb inspect <file|http(s)://…> [--json] [--samples <trackId>] [--depth N]',
    load: async () => (await import('./inspect')).inspectVerb,
  },
  {
    name: 'diff',
    summary: 'compare two MP4/fMP4 files or segments: playback summary, then box differences (exit 1 when they differ)',
    usage: 'mwb diff <a> <b> [--json] [--include-volatile] [--init FILE | --init-a FILE --init-b FILE]',
    load: async () => (await import('./diff')).diffVerb,
  },
  {
    name: 'lint',
    summary: 'check an fMP4, init + media segments, or an HLS/DASH manifest against the MSE rules',
    usage: 'mwb lint <file-or-manifest|http(s)://…> [segments...] [--json]',
    load: async () => (await import('./lint')).lintVerb,
  },
  {
    name: 'probe',
    summary: "ffprobe's stream info and the workbench's RFC 6381 codec strings side by side",
    usage: 'mwb probe <file|http(s)://…> [--json]',
    load: async () => (await import('./probe')).probeVerb,
  },
  {
    name: 'gif',
    summary: 'export a looping GIF (trim, size budget, dither and palette options); beats gifski on quality per byte',
    usage: 'mwb gif <input> [output.gif] [--start s] [--end s | --duration s] [--fps N] [--width N] [--max-size BYTES]\n' +
      '          [--loop N] [--dither none|bayer|diffusion] [--bayer-scale 0-5] [--diffusion 0-1]\n' +
      '          [--palette scenes|global|diff|per-frame] [--colours N] [--quality 0-100] [--overwrite] [--json]',
    load: async () => (await import('./gif')).gifVerb,
  },
  {
    name: 'serve',
    summary: 'run the workbench in web mode on 127.0.0.1 (open the printed URL in any browser)',
    usage: 'mwb serve [files...] [--port N]',
    load: async () => (await import('./serve')).serveVerb,
  },
  {
    name: 'transcode',
    summary: 'transcode with a preset through the bundled ffmpeg (safe output, verified, Ctrl+C cancels cleanly)',
    usage: 'mwb transcode <input> <output> --preset <name> [--start s] [--duration s | --end s] [--width N] [--height N] ' +
      '[--fps N] [--crf N | --video-bitrate kbps] [--audio-bitrate kbps] [--speed ultrafast..slow] [--hw encoder] ' +
      '[--segment s] [--timecode HH:MM:SS:FF] [--prores-profile p] [--args "custom ffmpeg args"] [--allow-url-output] ' +
      '[--overwrite] [--progress json] [--dry-run] [--json]   (put -- before paths that begin with -)',
    load: async () => (await import('./transcode')).transcodeVerb,
  },
  {
    name: 'record',
    summary: 'record a live rtsp(s)/http(s)/HLS URL to a fragmented MP4 that plays however it ends (Ctrl+C stops and keeps it)',
    usage:
      'mwb record <url> <out.mp4> [--duration s] [--mode auto|copy|reencode] [--rtsp-transport auto|tcp|udp] ' +
      '[--overwrite] [--progress json] [--dry-run] [--json]   (Ctrl+C stops and keeps the file; twice cancels)',
    load: async () => (await import('./record')).recordVerb,
  },
  {
    name: 'presets',
    summary: 'the transcode presets, and which ones this ffmpeg can run',
    usage: 'mwb presets [--json]',
    load: async () => (await import('./presets')).presetsVerb,
  },
];
