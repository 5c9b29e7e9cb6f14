/** `mwb caps --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  json: { type: 'boolean', help: 'Print everything as JSON: ffmpeg and ffprobe (path, version, source) and the complete encoder, decoder, muxer, demuxer, filter and hwaccel lists. Default: a text summary.' },
} satisfies Options;

export const capsHelp: VerbHelp = {
  ...verbInfo('caps'),
  options: OPTIONS,
  examples: [
    ['mwb caps', 'the ffmpeg in use, its version and where it came from (FFMPEG_PATH, bundled, or PATH), and the web-relevant encoders'],
    ['mwb caps --json | jq ".encoders | length"', 'the complete lists as JSON'],
  ],
  exits: { 1: 'ffmpeg could not be found or run' },
};
