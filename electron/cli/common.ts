import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { errorMessage } from '../core/errors';
import { parseOptions } from '../core/options';

/** Exit codes shared by every verb. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export class UsageError extends Error {}

export interface Verb {
  name: string;
  summary: string;
  usage: string;
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

/** A flag's text as a number when it is one; otherwise the text, for the option schema to refuse by name. */
export function numeric(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

/**
 * Parse flags through an option set's schema (`core/`): its message, with the option's name turned
 * into the flag's (`fps must be …` → `--fps must be …`), as a usage error. `flags` maps option keys
 * to flag names where they differ (`bayerScale` → `bayer-scale`).
 */
export function parseFlags<S extends z.ZodType>(verb: string, schema: S, raw: Record<string, unknown>, flags: Record<string, string> = {}): z.output<S> {
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  return parseOptions(schema, raw, ({ key, message }) => {
    const flag = `--${flags[key] ?? key}`;
    const text = key && message.startsWith(`${key} `) ? `${flag}${message.slice(key.length)}` : key ? `${flag}: ${message}` : message;
    return new UsageError(`mwb ${verb}: ${text}`);
  });
}
