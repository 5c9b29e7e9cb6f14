/** `mwb inspect --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  json: {
    type: 'boolean',
    help: 'Print { file, size, format, majorBrand, fragmented, boxes, tracks, errors } as JSON, with mp4box.js field names. Default: an indented tree (mp4dump-like) and a track table.',
  },
  samples: { type: 'string', value: 'TRACK_ID', help: "List one track's samples instead of the boxes (number, offset, size in bytes, decode and presentation time in the track's timescale, sync flag). TRACK_ID is a track_ID from the track table." },
  depth: { type: 'string', value: 'N', help: 'Show boxes only down to nesting level N (1 = top-level boxes), a whole number ≥ 1. Default: every level.' },
} satisfies Options;

export const inspectHelp: VerbHelp = {
  ...verbInfo('inspect'),
  args: [['<file>', 'an MP4, MOV, fMP4, CMAF file or a media segment (.m4s); only metadata is read, so any size works']],
  options: OPTIONS,
  examples: [
    ['mwb inspect clip.mp4 --depth 2', 'the top two levels of boxes and the tracks'],
    ['mwb inspect clip.mp4 --samples 1 --json', 'every sample of track 1 as JSON'],
  ],
  exits: { 1: 'structural errors were found (a truncated box, an invalid size); what could be read is printed' },
};
