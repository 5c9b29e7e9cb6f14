/** `mwb presets --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  json: { type: 'boolean', help: 'Print the presets as JSON (id, label, description, output kind and extensions, availability and the reason when unavailable). Default: a text list.' },
} satisfies Options;

export const presetsHelp: VerbHelp = {
  ...verbInfo('presets'),
  options: OPTIONS,
  examples: [
    ['mwb presets', 'each preset, what it writes, which browsers play the result, and whether this ffmpeg can run it'],
    ['mwb presets --json', 'the same as JSON, with the encoders each preset needs and the hardware encoders found'],
  ],
  exits: { 1: 'ffmpeg could not be found or run' },
};
