/** `mwb lint --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  json: {
    type: 'boolean',
    help: 'Print { mime, sourceBuffers, findings, tracks } as JSON: mime is the type for one SourceBuffer carrying every track, sourceBuffers what to create and which tracks each carries. Default: text with only warnings and errors.',
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
  ],
  exits: { 1: 'at least one error finding (warnings and info alone exit 0)' },
};
