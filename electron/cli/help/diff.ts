/** `mwb diff --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  json: { type: 'boolean', help: 'Print { a, b, summary, differences } as JSON. Default: text, the playback summary first.' },
  'include-volatile': {
    type: 'boolean',
    help: 'Also report what is ignored by default: creation times, encoder and handler names, padding, fragment renumbering, and offsets that only moved with the data.',
  },
  init: { type: 'string', value: 'FILE', help: 'The init segment both inputs belong to, when they are media segments (.m4s).' },
  'init-a': { type: 'string', value: 'FILE', help: "The first input's init segment (use with --init-b when the two differ)." },
  'init-b': { type: 'string', value: 'FILE', help: "The second input's init segment." },
} satisfies Options;

export const diffHelp: VerbHelp = {
  ...verbInfo('diff'),
  args: [
    ['<a>', 'the first MP4/fMP4 file or media segment'],
    ['<b>', 'the second'],
  ],
  options: OPTIONS,
  examples: [
    ['mwb diff old.mp4 new.mp4', 'what changed between two encodes, playback-relevant differences first'],
    ['mwb diff a/seg_001.m4s b/seg_001.m4s --init-a a/init.mp4 --init-b b/init.mp4 --json', 'two media segments, each with its init segment, as JSON'],
  ],
  exits: { 1: 'the files differ (after the default ignores)' },
};
