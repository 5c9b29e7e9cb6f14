import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../core/errors';

/** Exit codes shared by every verb. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export class UsageError extends Error {}

/** A verb's implementation; its name, summary and usage live in `verbs.ts` (read without loading it). */
export interface Verb {
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with usage errors that name the verb. Positionals are always allowed. */
export function parseVerbArgs<O extends Options>(verb: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`mwb ${verb}: ${errorMessage(err)}`);
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
