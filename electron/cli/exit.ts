/**
 * Exit codes, what they mean, and the usage error, shared by every verb. Their own module, free of
 * imports, so the router (`cli.ts`) can use them without loading what `common.ts` needs for flags
 * (zod): `mwb --version` stays as quick as Node itself (issue #18).
 *
 * The exit-code table (the README's, issue #17):
 * 0 done and clean; 1 findings, differences or structural errors (or the work itself failed);
 * 2 usage errors and inputs that cannot be read (missing, folder, empty, not media).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** What the three codes mean, for every verb's help and the main help. */
export const EXIT_MEANINGS: Record<0 | 1 | 2, string> = {
  0: 'done, and nothing to report',
  1: 'findings, differences or structural errors (lint errors, diff differences, broken boxes), or the work failed',
  2: 'usage error, or an input that cannot be read (missing, a folder, empty, not media)',
};

export class UsageError extends Error {
  readonly code = 'EUSAGE';
  /** Follow the message with the verb's usage line (not for option typos: those stay one line). */
  readonly showUsage: boolean;
  constructor(message: string, options: { showUsage?: boolean } = {}) {
    super(message);
    this.showUsage = options.showUsage ?? true;
  }
}
