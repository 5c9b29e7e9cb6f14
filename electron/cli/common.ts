/**
 * The conventions every `mwb` verb follows, in one place: exit codes, the help schema (each option
 * with a sentence, units, accepted values and defaults), option parsing with "did you mean",
 * and errors (one line on stderr, and `{ "error": { "code", "message" } }` on stdout with --json).
 */
import { parseArgs } from 'node:util';
import { errorCode, errorMessage } from '../core/errors';
import { EXIT, UsageError } from './exit';
import { didYouMean, type Options } from './verbs';
import type { VerbHelp } from './verbs';

// The exit codes, the usage error and the help text live in modules free of zod and the engine,
// so that `mwb --version` and `mwb --help` load neither (issue #18); verbs import them from here.
export { EXIT, EXIT_MEANINGS, UsageError } from './exit';
export { columns, didYouMean, verbHelp, wrap, type OptionSpec, type Options, type VerbHelp } from './verbs';

/** A verb's module: its help (name, summary and usage from `verbs.ts`; options, examples, exit codes) and `run`. */
export interface Verb extends VerbHelp {
  run(argv: string[]): Promise<number>;
}

/** Error codes of inputs that cannot be read: exit 2, like usage errors. */
const UNREADABLE = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ENOTFILE', 'EEMPTY', 'ENOTMEDIA', 'ENOTMP4', 'EMANIFEST', 'EBADURL', 'ESAMEFILE', 'EBADOUTPUT', 'EBADOPTION', 'EBADOPTIONS', 'EUSAGE', 'EEXIST']);

/** An error the verb already explained, with the exit code it means. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exit: number,
  ) {
    super(message);
  }
}

/** The exit code for an error thrown by `core/`: 2 when the input cannot be read, 1 otherwise. */
export function exitFor(err: unknown): number {
  if (err instanceof CliError) return err.exit;
  if (err instanceof UsageError) return EXIT.usage;
  return UNREADABLE.has(errorCode(err)) ? EXIT.usage : EXIT.failure;
}

/** Whether an error is one the workbench did not foresee (a bug): those get the log path. */
export function isInternal(err: unknown): boolean {
  if (err instanceof CliError || err instanceof UsageError) return false;
  const code = errorCode(err);
  return code === 'EINTERNAL' || !(err instanceof Error) || err.name === 'TypeError' || err.name === 'RangeError' || err.name === 'ReferenceError';
}

/**
 * Prepare argv for node's parser: `--opt value` where value starts with `-` (the documented
 * `--args "-c:v libx264 -crf 18"`) becomes `--opt=value`, and a unit written after a space is
 * joined (`--max-size 10 MB` → `--max-size=10MB`).
 */
export function normalizeArgv(argv: string[], options: Options): string[] {
  const out: string[] = [];
  const isOption = (t: string | undefined) => t !== undefined && /^--?[^-]/.test(t) && (options[t.replace(/^--?/, '').split('=')[0]!] !== undefined || t === '--help' || t === '-h');
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(token);
    const spec = long ? options[long[1]!] : undefined;
    if (!long || !spec || spec.type !== 'string') {
      out.push(token);
      continue;
    }
    let value = long[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next === '--' || isOption(next)) {
        out.push(token);
        continue;
      }
      value = next;
      i++;
    }
    const after = argv[i + 1];
    if (spec.unit && /^\s*\d+(\.\d+)?\s*$/.test(value) && after !== undefined && /^[a-z]+$/i.test(after)) {
      if (!spec.unit.test(after)) {
        throw new UsageError(`--${long[1]} ${value} ${after}: "${after}" is not a unit; write the size as ${value}MB, ${value}KB or ${value}GB (or in bytes)`);
      }
      value += after;
      i++;
    }
    out.push(`--${long[1]}=${value}`);
  }
  return out;
}

function optionList(options: Options): string {
  return Object.entries(options)
    .filter(([, o]) => !o.hidden)
    .map(([n]) => `--${n}`)
    .join(', ');
}

/** node:util parseArgs with one-line usage errors that name the verb and suggest the closest option. */
export function parseVerbArgs<O extends Options>(verb: string, argv: string[], options: O) {
  const plain: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(options)) plain[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  try {
    return parseArgs({ args: normalizeArgv(argv, options), options: plain as O, allowPositionals: true, strict: true });
  } catch (err) {
    const code = errorCode(err);
    const text = errorMessage(err);
    const named = /'(-{1,2}[^']*)'/.exec(text)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && named) {
      const bare = named.replace(/^-+/, '').split('=')[0]!;
      const guess = didYouMean(bare, Object.keys(options).filter((n) => !options[n]!.hidden));
      const hint = guess ? `did you mean --${guess}?` : Object.keys(options).length ? `options: ${optionList(options)}` : 'it takes no options';
      throw new UsageError(`mwb ${verb}: unknown option ${named.split('=')[0]}; ${hint} ("mwb ${verb} --help" explains them)`, { showUsage: false });
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && named) {
      const bare = named.replace(/^-+/, '').split(/[ =]/)[0]!;
      const spec = options[bare];
      if (spec?.type === 'boolean') throw new UsageError(`mwb ${verb}: --${bare} is a switch and takes no value`);
      throw new UsageError(`mwb ${verb}: --${bare} needs a value${spec?.value ? ` (${spec.value})` : ''}: --${bare} VALUE or --${bare}=VALUE`);
    }
    throw new UsageError(`mwb ${verb}: ${text.split('\n')[0]}`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function intOption(verb: string, name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`mwb ${verb}: --${name} takes a whole number ≥ ${min}, not "${value}"`);
  return n;
}

/** `{ "error": { "code", "message" } }`, what `--json` callers get on stdout instead of a result. */
export function jsonError(err: unknown): { error: { code: string; message: string } } {
  return { error: { code: errorCode(err), message: errorMessage(err) } };
}

/** Whether argv (before `--`) asks for JSON output. */
export function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  const own = end < 0 ? argv : argv.slice(0, end);
  return own.some((a, i) => a === '--json' || a === '--progress=json' || (a === '--progress' && own[i + 1] === 'json'));
}

/** Write an unexpected error to the log file (loaded only then: it costs startup time) and say where. */
export async function logInternal(context: string, err: unknown): Promise<string> {
  try {
    const { logError } = await import('../core/log');
    return `\nThis looks like a bug in the workbench; details are in ${logError(context, err)}`;
  } catch {
    return '';
  }
}

/**
 * Print an error the way every verb does: one line on stderr (plus the usage line for usage
 * errors, and the log file's path for internal errors), and with --json the same error as
 * `{ "error": { "code", "message" } }` on one line of stdout. Returns the exit code.
 */
export async function reportError(verb: string, err: unknown, json: boolean, usage?: string): Promise<number> {
  const exit = exitFor(err);
  const message = errorMessage(err);
  const prefix = `mwb ${verb}: `;
  const line = message.startsWith(prefix) || message.startsWith('mwb ') ? message : prefix + message;
  const logNote = isInternal(err) ? await logInternal(`mwb ${verb}: internal error`, err) : '';
  const usageNote = err instanceof UsageError && err.showUsage && usage ? `\nUsage: ${usage}` : '';
  process.stderr.write(line + logNote + usageNote + '\n');
  // One line, so that it also ends a stream of JSON lines (--progress json).
  if (json) process.stdout.write(JSON.stringify({ error: { code: errorCode(err), message: line.startsWith(prefix) ? line.slice(prefix.length) : line } }) + '\n');
  return exit;
}

/** A flag's text as a number when it is one; otherwise the text, for the option schema to refuse by name. */
export function numeric(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}
