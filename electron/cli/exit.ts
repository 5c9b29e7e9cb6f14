/**
 * Exit codes and the usage error, shared by every verb. Their own module, free of imports, so the
 * router (`cli.ts`) can use them without loading what `common.ts` needs for flags (zod): `mwb
 * --version` stays as quick as Node itself (issue #18).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export class UsageError extends Error {}
