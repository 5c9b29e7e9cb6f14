/** `mwb record --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { RECORD_MODES, RTSP_TRANSPORTS } from '../../core/jobs/record-types';
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  duration: { type: 'string', value: 'SECONDS', help: 'Stop after this many seconds of recording (a number > 0). Default: until Ctrl+C or the stream ends.' },
  mode: { type: 'string', value: RECORD_MODES.join('|'), help: 'copy keeps the stream as it is, reencode encodes to H.264/AAC, auto copies when the codecs fit an MP4 and re-encodes otherwise. Default: auto.' },
  'rtsp-transport': { type: 'string', value: RTSP_TRANSPORTS.join('|'), help: "For rtsp(s) URLs: the RTP transport. auto leaves it to ffmpeg (UDP, then TCP). Default: auto." },
  overwrite: { type: 'boolean', help: 'Replace an existing output. Default: refuse.' },
  progress: { type: 'string', value: 'json', help: 'Print progress as JSON lines on stdout. Default: a progress line on a terminal.' },
  'dry-run': { type: 'boolean', help: 'Print the ffmpeg command after the checks, without recording.' },
  json: { type: 'boolean', help: 'Print the finished job as JSON.' },
} satisfies Options;

export const recordHelp: VerbHelp = {
  ...verbInfo('record'),
  args: [
    ['<url>', 'a live rtsp(s), http(s) or HLS URL'],
    ['<out.mp4>', 'the fragmented MP4 to write'],
  ],
  options: OPTIONS,
  examples: [
    ['mwb record rtsp://camera.local/stream cam.mp4 --duration 60', 'one minute of a camera, playable even if cut short'],
    ['mwb record https://example.com/live/index.m3u8 live.mp4 --mode reencode', 'a live HLS stream re-encoded to H.264/AAC'],
  ],
  exits: { 1: 'the recording failed (the stream could not be read, ffmpeg failed)', extra: [[130, 'cancelled (Ctrl+C twice); a single Ctrl+C stops and keeps the file']] },
};
