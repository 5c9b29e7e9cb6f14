/**
 * Option sets (GIF, transcode) are zod schemas in `core/`: the contract, the handlers and the CLI
 * all parse through them, and their TypeScript types come from `z.infer`. These helpers keep the
 * messages in the project's style ("fps must be between 1 and 50, not 60.") and turn a failed
 * parse into an error a user can act on. No Node imports: the renderer imports the schemas.
 */
import { z } from 'zod';

const shown = (v: unknown): string => (typeof v === 'string' ? `"${v.slice(0, 80)}"` : String(v));

/** A number option: `rule` completes "<name> must be …"; every failure (not a number, too small…) says it. */
export function numberOption(name: string, rule: string, bounds: { min: number; max: number; whole?: boolean; aboveMin?: boolean }) {
  const error = (issue: { input?: unknown }) => `${name} must be ${rule}, not ${shown(issue.input)}.`;
  let n = z.number({ error });
  if (bounds.whole) n = n.int({ error });
  n = bounds.aboveMin ? n.gt(bounds.min, { error }) : n.min(bounds.min, { error });
  return n.max(bounds.max, { error });
}

/** One of a list of names. */
export function choiceOption<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, { error: (issue) => `${name} must be one of ${values.join(', ')}, not ${shown(issue.input)}.` });
}

export interface OptionIssue {
  /** The option's key (`fps`, `bayerScale`), or '' for the whole object. */
  key: string;
  message: string;
}

/** The first problem of a failed parse, as one sentence naming the option. */
export function firstIssue(error: z.ZodError): OptionIssue {
  const issue = error.issues[0];
  if (!issue) return { key: '', message: 'The options were refused.' };
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    return { key: keys[0] ?? '', message: `Unknown option${keys.length === 1 ? '' : 's'}: ${keys.join(', ')}.` };
  }
  const key = issue.path.map(String).join('.');
  return { key, message: issue.message };
}

/** Parse `value` with `schema`, or throw what `fail` makes of the first problem. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, fail: (issue: OptionIssue) => Error): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw fail(firstIssue(parsed.error));
  return parsed.data;
}
