/** `mwb probe --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  json: { type: 'boolean', help: "Print { file, format, streams: [{ index, trackId, ffprobe, ours }], mime } as JSON. Default: one line per stream." },
} satisfies Options;

export const probeHelp: VerbHelp = {
  ...verbInfo('probe'),
  args: [['<file>', 'a media file ffprobe can read (MP4, MOV, fMP4, WebM, …)']],
  options: OPTIONS,
  examples: [
    ['mwb probe clip.mp4', "each stream as ffprobe sees it, beside the workbench's codec string and MIME type"],
    ['mwb probe clip.mp4 --json', "ffprobe's format and streams plus ours, as JSON"],
  ],
  exits: {},
};
