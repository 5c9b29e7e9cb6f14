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
/**
 * A file the user chose to *write* (a save dialog, an output box, a CLI argument). Never read from:
 * handlers pass it to ffmpeg through `outputArg()` (electron/core/ffmpeg-input.ts), which refuses
 * folders, URLs and the job's own inputs.
 */
export const outputPath = localPath.meta({ mwbRole: 'output-path' });
/**
 * Free text the user typed that is only shown or stored as a label (a title, a preset's display
 * name). Never a path, URL, ffmpeg option or filter: test/unit/security/contract-surface.test.ts.
 */
export const text = (max = 200) => z.string().max(max).meta({ mwbRole: 'text' });
/**
 * A URL the user explicitly chose as an input (typed into a URL box): http(s) or rtsp(s) only.
 * Handlers pass it to ffmpeg with `inputArgs(url, { allowUrl: true })` (electron/core/ffmpeg-input.ts).
 */
export const inputUrl = z
  .string()
  .max(4096)
  .refine((u) => /^(https?|rtsps?):\/\/[^\s/]+/i.test(u) && !/[\s\x00-\x1f\x7f]/.test(u), 'only http(s):// and rtsp(s):// URLs')
  .meta({ mwbRole: 'input-url' });
