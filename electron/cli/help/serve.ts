/** `mwb serve --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { verbInfo, type Options, type VerbHelp } from '../verbs';

export const OPTIONS = {
  port: { type: 'string', value: 'N', help: 'TCP port to listen on, 1–65535, on 127.0.0.1 only. Default: a random free port.' },
} satisfies Options;

export const serveHelp: VerbHelp = {
  ...verbInfo('serve'),
  args: [['[files...]', 'media files to open in the workbench when it starts (optional)']],
  options: OPTIONS,
  examples: [
    ['mwb serve', 'web mode on a random port; open the printed URL (it carries the access token)'],
    ['mwb serve clip.mp4 --port 8080', 'open clip.mp4 and listen on http://127.0.0.1:8080'],
  ],
  exits: { 1: 'the renderer is not built (run "npm run build") or the server could not start' },
};
