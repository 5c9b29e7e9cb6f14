import { z } from 'zod';
import type { CompareResult, FieldComparison } from '../core/compare/types';
import { fileId, method } from './method';

export const compareSession = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a comparison id');

/** What the Compare view gets: the result (without the raw per-box list) and its session id. */
export interface CompareView extends Omit<CompareResult, 'differences'> {
  /** Id for `compareFields` / `compareClose`. */
  session: string;
  /** The number of per-box differences (reported ones, or all with `includeVolatile`). */
  differenceCount: number;
}

export const compareContract = {
  compareFiles: method(
    z
      .object({
        a: fileId,
        b: fileId,
        /** Init segments giving media segments their context. */
        initA: fileId.optional(),
        initB: fileId.optional(),
        includeVolatile: z.boolean().optional(),
      })
      .strict(),
    'Compare two opened files (or media segments with their init segments): playback summary, differences, aligned tree rows.',
  ).returns<CompareView>(),
  compareFields: method(
    z.object({ session: compareSession, row: z.number().int().min(0) }).strict(),
    'The two boxes of one aligned row of a comparison, field by field, with differences marked.',
  ).returns<FieldComparison>(),
  compareClose: method(z.object({ session: compareSession }).strict(), 'Forget a comparison (its trees are freed).').returns<{ closed: boolean }>(),
} as const;
