/**
 * Flags parsed through an option set's zod schema (`core/`), for the verbs that take one (gif,
 * transcode). Kept out of `common.ts` so that verbs without a schema (inspect, lint, diff…) do not
 * load zod at start-up: importing it costs more than the rest of `mwb inspect` (issue #18).
 */
import type { z } from 'zod';
import { parseOptions } from '../core/options';
import { UsageError } from './exit';

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
