/**
 * `mwb`: the workbench's engine for terminals and build pipelines. Each verb lives in `cli/` and
 * calls `core/`; this file only routes, prints help and reports errors with the conventions of
 * `cli/common.ts` (exit codes, JSON errors, the log path on internal errors). It reads only the
 * verb table (`cli/verbs.ts`: names, summaries, usage and the help formatting) and `cli/exit.ts`;
 * a verb's help module loads for its --help, and the verb's module (with `common.ts` and zod) when it runs,
 * so `mwb --version` and `mwb --help` stay as quick as Node itself (issue #18).
 */
import pkg from '../package.json' with { type: 'json' };
import { errorMessage } from './core/errors';
import { EXIT, EXIT_MEANINGS } from './cli/exit';
import { columns, didYouMean, VERBS as verbs, verbHelp } from './cli/verbs';

function version(): string {
  return pkg.version;
}

function help(): string {
  const verbRows = verbs.map((v): [string, string] => [v.name, v.summary]);
  return [
    'mwb — Media Workbench on the command line',
    '',
    'Usage:',
    ...columns([
      ['mwb <verb> [options]', 'run a verb'],
      ['mwb <verb> --help', 'every option of a verb, with examples and exit codes (also: mwb help <verb>)'],
      ['mwb --version', 'print the version'],
    ]),
    '',
    'Verbs:',
    ...columns(verbRows, 2, 10),
    '',
    'Most verbs take --json: the result as JSON on stdout, and errors as { "error": { "code", "message" } }.',
    '',
    'Exit codes (every verb):',
    ...columns([
      ['0', EXIT_MEANINGS[0]],
      ['1', EXIT_MEANINGS[1]],
      ['2', EXIT_MEANINGS[2]],
      ['130', 'cancelled with Ctrl+C (transcode, gif)'],
    ]),
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(help());
    return EXIT.ok;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      process.stdout.write(help());
      return EXIT.ok;
    }
    const verb = verbs.find((v) => v.name === rest[0]);
    if (!verb) return unknownVerb(rest[0]);
    process.stdout.write(verbHelp(await verb.help()));
    return EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(version() + '\n');
    return EXIT.ok;
  }
  const verb = verbs.find((v) => v.name === first);
  if (!verb) return unknownVerb(first);
  const end = rest.indexOf('--');
  const own = end < 0 ? rest : rest.slice(0, end);
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(verbHelp(await verb.help()));
    return EXIT.ok;
  }
  try {
    return await (await verb.load()).run(rest);
  } catch (err) {
    const { reportError, wantsJson } = await import('./cli/common');
    return await reportError(verb.name, err, wantsJson(rest), verb.usage);
  }
}

function unknownVerb(name: string): number {
  const guess = didYouMean(name, verbs.map((v) => v.name));
  process.stderr.write(`mwb: unknown verb "${name}"${guess ? `; did you mean "${guess}"?` : ''} Run "mwb --help" for the list.\n`);
  return EXIT.usage;
}

// `mwb caps | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    const note = await import('./cli/common').then((c) => c.logInternal('mwb: internal error', err), () => '');
    process.stderr.write(`mwb: ${errorMessage(err)}${note}\n`);
    process.exitCode = EXIT.failure;
  },
);
