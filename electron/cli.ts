/**
 * `mwb`: the workbench's engine for terminals and build pipelines. Each verb lives in `cli/` and
 * calls `core/`; this file only routes, prints help and reports errors with the conventions of
 * `cli/common.ts` (exit codes, JSON errors, the log path on internal errors).
 */
import pkg from '../package.json' with { type: 'json' };
import { errorCode, errorMessage } from './core/errors';
import { capsVerb } from './cli/caps';
import { columns, didYouMean, EXIT, EXIT_MEANINGS, exitFor, isInternal, UsageError, verbHelp, wantsJson, type Verb } from './cli/common';
import { logError } from './core/log';
import { gifVerb } from './cli/gif';
import { diffVerb } from './cli/diff';
import { inspectVerb } from './cli/inspect';
import { lintVerb } from './cli/lint';
import { probeVerb } from './cli/probe';
import { presetsVerb } from './cli/presets';
import { serveVerb } from './cli/serve';
import { transcodeVerb } from './cli/transcode';

const verbs: Verb[] = [capsVerb, inspectVerb, diffVerb, lintVerb, probeVerb, gifVerb, serveVerb, transcodeVerb, presetsVerb];

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

/** Print an error the way every verb does: one line on stderr, and JSON on stdout with --json. */
function report(verb: string, err: unknown, json: boolean, usage?: string): number {
  const exit = exitFor(err);
  const message = errorMessage(err);
  const prefix = `mwb ${verb}: `;
  const line = message.startsWith(prefix) || message.startsWith('mwb ') ? message : prefix + message;
  let logNote = '';
  if (isInternal(err)) {
    const logFile = logError(`mwb ${verb}: internal error`, err);
    logNote = logFile ? `\nThis looks like a bug in the workbench; details are in ${logFile}` : '';
  }
  const usageNote = err instanceof UsageError && err.showUsage && usage ? `\nUsage: ${usage}` : '';
  process.stderr.write(line + logNote + usageNote + '\n');
  // One line, so that it also ends a stream of JSON lines (--progress json).
  if (json) process.stdout.write(JSON.stringify({ error: { code: err instanceof UsageError ? 'EUSAGE' : errorCode(err), message: line.slice(line.startsWith(prefix) ? prefix.length : 0) } }) + '\n');
  return exit;
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
    process.stdout.write(verbHelp(verb));
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
    process.stdout.write(verbHelp(verb));
    return EXIT.ok;
  }
  try {
    return await verb.run(rest);
  } catch (err) {
    return report(verb.name, err, wantsJson(rest), verb.usage);
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
  (err: unknown) => {
    const logFile = logError('mwb: internal error', err);
    process.stderr.write(`mwb: ${errorMessage(err)}${logFile ? `\nThis looks like a bug in the workbench; details are in ${logFile}` : ''}\n`);
    process.exitCode = EXIT.failure;
  },
);
