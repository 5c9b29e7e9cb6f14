/** `mwb lint --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { DEFAULT_LIVE_WAIT, LIVE_STALL_FACTOR } from '../../core/mse/live';
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  json: {
    type: 'boolean',
    help: 'Print { mime, sourceBuffers, findings, tracks } as JSON: mime is the type for one SourceBuffer carrying every track, sourceBuffers what to create and which tracks each carries. Default: text with only warnings and errors.',
  },
  'live-wait': {
    type: 'string',
    value: 'SECONDS',
    help: `A live HLS playlist (no EXT-X-ENDLIST) is read again ${LIVE_STALL_FACTOR} × its target duration after the first read, while the rest is linted; if it lists the same segments, live-window-stalled. This bounds that wait: a playlist whose ${LIVE_STALL_FACTOR} × target duration is longer is not reloaded (the output says so); 0 never reloads. Default: ${DEFAULT_LIVE_WAIT}.`,
  },
} satisfies Options;

export const lintHelp: VerbHelp = {
  ...verbInfo('lint'),
  args: [
    ['<file-or-manifest>', 'an fMP4/CMAF file, an init segment, or an fMP4 HLS playlist (.m3u8) or DASH manifest (.mpd) whose segments sit beside it'],
    ['[segments...]', 'media segments (.m4s) in playback order, after an init segment'],
  ],
  options: OPTIONS,
  examples: [
    ['mwb lint clip.mp4', 'every MSE rule (MSE_RULES.md) on one file: box path, offset and the ffmpeg flag that fixes it'],
    ['mwb lint init.mp4 seg1.m4s seg2.m4s --json', 'an init segment and its media segments, in order, as JSON'],
    ['mwb lint https://cdn.example/live/index.m3u8 --live-wait 10', 'a live playlist: its window linted, and read again after 1.5 target durations (at most 10 s) to see that it advances'],
  ],
  exits: { 1: 'at least one error finding (warnings and info alone exit 0)' },
};
