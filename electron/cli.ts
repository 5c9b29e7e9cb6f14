/**
 * `mwb`: the workbench's engine for terminals and build pipelines. Each verb lives in `cli/` and
 * calls `core/`; this file only routes, prints usage and maps errors to exit codes
 * (0 ok, 1 failure, 2 bad usage; errors on stderr).
 */
import pkg from '../package.json' with { type: 'json' };
import { errorMessage } from './core/errors';
import { capsVerb } from './cli/caps';
import { EXIT, UsageError, type Verb } from './cli/common';
import { gifVerb } from './cli/gif';
import { diffVerb } from './cli/diff';
import { inspectVerb } from './cli/inspect';
import { lintVerb } from './cli/lint';
import { probeVerb } from './cli/probe';
import { recordVerb } from './cli/record';
import { presetsVerb } from './cli/presets';
import { serveVerb } from './cli/serve';
import { transcodeVerb } from './cli/transcode';

const verbs: Verb[] = [capsVerb, inspectVerb, diffVerb, lintVerb, probeVerb, gifVerb, serveVerb, transcodeVerb, recordVerb, presetsVerb];

function version(): string {
  return pkg.version;
}

function help(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return [
    'mwb — Media Workbench on the command line',
    '',
    'Usage: mwb <verb> [options]',
    '',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}\n  ${' '.repeat(width)}  ${v.usage}`),
    '',
    'Options: --help, --version. Most verbs take --json for machine-readable output.',
    'Exit codes: 0 success, 1 failure (or findings), 2 bad usage.',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(help());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(version() + '\n');
    return EXIT.ok;
  }
  const verb = verbs.find((v) => v.name === first);
  if (!verb) {
    process.stderr.write(`mwb: unknown verb "${first}". Run "mwb --help" for the list.\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${verb.usage}\n\n${verb.summary}\n`);
    return EXIT.ok;
  }
  try {
    return await verb.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\nUsage: ${verb.usage}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`mwb ${verb.name}: ${errorMessage(err)}\n`);
    return EXIT.failure;
  }
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
    process.stderr.write(`mwb: ${errorMessage(err)}\n`);
    process.exitCode = EXIT.failure;
  },
);
