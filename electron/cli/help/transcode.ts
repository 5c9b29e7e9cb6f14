/** `mwb transcode --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { PRESET_IDS } from '../../core/jobs/presets';
import { PRORES_PROFILES, SPEEDS } from '../../core/jobs/transcode-types';
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
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

export const transcodeHelp: VerbHelp = {
  ...verbInfo('transcode'),
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
};
