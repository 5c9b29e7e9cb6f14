/** Building blocks for contract entries; see `electron/api.ts`. */
import { z } from 'zod';

export interface MethodSpec<A extends z.ZodType, R> {
  readonly args: A;
  readonly description: string;
  /** Phantom: carries the result type only. */
  readonly result?: R;
}

/** `method(schema, 'what it does').returns<Result>()` keeps argument and result types together. */
export function method<A extends z.ZodType>(args: A, description: string) {
  return { returns: <R>(): MethodSpec<A, R> => ({ args, description }) };
}

export const none = z.object({}).strict();
export const fileId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a file id');
/** A local path chosen by the user; the handler resolves and checks it. */
export const localPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');
