/**
 * Box-tree diff of two MP4/fMP4 files (or init segments, or media segments in the context of their
 * init segments) that explains the differences that matter.
 *
 * ```ts
 * const cmp = await compareFiles({ file: 'ffmpeg.mp4' }, { file: 'packager.mp4' });   // ./files (Node)
 * const cmp = await compareSources({ file: idA }, { file: idB }, open);             // any OpenSource
 * cmp.result.summary.filter((s) => !s.same);   // codec, tfhd flags, GOP… with lint rule ids
 * cmp.result.reported;                         // differences, repeated ones folded (moof[*]/…)
 * cmp.fields(row);                             // one aligned row, field by field
 * ```
 *
 * How: both trees are parsed by the box engine (mdat payloads never read), aligned structurally
 * (align.ts), compared value by value (values.ts, diff.ts) with volatile fields and offsets that
 * only moved left out (ignore.ts, layout.ts), and summarized for playback (summary.ts). Memory is
 * the two trees plus one sample table per track; time is dominated by parsing.
 */
import type { BoxNode, OpenSource } from '../boxes';
import { alignSides, type Pair } from './align';
import { compareRows, fieldComparison, flatten, type DiffContext, type Flattened } from './diff';
import { foldDifferences } from './group';
import { sampleLayout } from './layout';
import { loadSide, sideInfo, type SideInput } from './load';
import { playbackSummary } from './summary';
import type { LoadedSide } from './load';
import type { CompareOptions, CompareResult, Difference, FieldComparison } from './types';

export type * from './types';
export type { SideInput } from './load';
export { foldDifferences, patternOf } from './group';

export interface Comparison {
  result: CompareResult;
  /** The two boxes of aligned row `row`, field by field. */
  fields(row: number): FieldComparison;
}

const DEFAULT_MAX_DIFFERENCES = 100_000;
const DEFAULT_MAX_ROWS = 100_000;

function firstSequenceOffset(pairs: Pair[]): number | undefined {
  for (const p of pairs) {
    if (p.a?.type !== 'moof' || p.b?.type !== 'moof') continue;
    const sa = p.a.children?.find((c) => c.type === 'mfhd')?.fields.sequence_number;
    const sb = p.b.children?.find((c) => c.type === 'mfhd')?.fields.sequence_number;
    if (typeof sa === 'number' && typeof sb === 'number') return sb - sa;
  }
  return undefined;
}

function increasing(moofs: BoxNode[]): boolean {
  let last = -Infinity;
  for (const m of moofs) {
    const s = m.children?.find((c) => c.type === 'mfhd')?.fields.sequence_number;
    if (typeof s !== 'number' || s <= last) return false;
    last = s;
  }
  return true;
}

/**
 * Box order is not compared (boxes are matched wherever they sit), except for the one order that
 * changes how a file plays: `moov` before or after the media data (progressive download starts
 * early only with `moov` first).
 */
function moovPosition(A: LoadedSide, B: LoadedSide, flat: Flattened, differences: Difference[], ctx: DiffContext): void {
  const where = (side: LoadedSide) => {
    const moov = side.main.findIndex((b) => b.type === 'moov');
    const mdat = side.main.findIndex((b) => b.type === 'mdat');
    return moov < 0 || mdat < 0 ? undefined : moov < mdat ? 'before mdat' : 'after mdat';
  };
  const a = where(A);
  const b = where(B);
  if (!a || !b || a === b) return;
  const moov = A.main.find((n) => n.type === 'moov')!;
  const row = flat.entries.findIndex((e) => e.pair.a === moov);
  const d: Difference = { path: moov.path, kind: 'changed', field: 'position', a, b };
  if (row >= 0) {
    d.row = row;
    flat.rows[row]!.changes++;
    flat.rows[row]!.status = 'changed';
    ctx.extra = new Map([[row, [d]]]);
  }
  differences.unshift(d);
}

/**
 * Compare two files, each opened through `open` (local files: `compareFiles` in `./files`; browser
 * files: the worker's opener). Throws (naming the file) when one cannot be read or is not an MP4 file.
 */
export async function compareSources(a: SideInput, b: SideInput, open: OpenSource, options: CompareOptions = {}): Promise<Comparison> {
  const includeVolatile = options.includeVolatile ?? false;
  const t0 = performance.now();
  const A = await loadSide(a, open);
  let B;
  try {
    B = await loadSide(b, open);
  } catch (err) {
    await A.close();
    throw err;
  }
  try {
    const t1 = performance.now();
    const layoutA = sampleLayout(A);
    const layoutB = sampleLayout(B);
    const pairs = alignSides(A, B);
    const flat: Flattened = flatten(pairs, Number.MAX_SAFE_INTEGER);
    const rowOf = new Map<BoxNode, number>();
    flat.entries.forEach((e, i) => {
      if (e.pair.a) rowOf.set(e.pair.a, i);
      if (e.pair.b) rowOf.set(e.pair.b, i);
    });
    const ctx: DiffContext = { A, B, layoutA, layoutB, rowOf };
    const seqOffset = firstSequenceOffset(pairs);
    if (seqOffset !== undefined) ctx.seqOffset = seqOffset;
    ctx.sequencesIncrease = increasing(A.moofs) && increasing(B.moofs);
    const outcome = compareRows(ctx, flat, includeVolatile, options.maxDifferences ?? DEFAULT_MAX_DIFFERENCES);
    moovPosition(A, B, flat, outcome.differences, ctx);
    const summary = await playbackSummary(A, layoutA, B, layoutB);
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const result: CompareResult = {
      a: sideInfo(A),
      b: sideInfo(B),
      summary,
      differences: outcome.differences,
      differencesTruncated: outcome.truncated,
      reported: foldDifferences(outcome.differences),
      ignored: outcome.ignored,
      identical: outcome.differences.length === 0 && summary.every((s) => s.same),
      rows: flat.rows.length > maxRows ? flat.rows.slice(0, maxRows) : flat.rows,
      rowsTruncated: flat.rows.length > maxRows,
      timing: { parse: t1 - t0, compare: performance.now() - t1 },
    };
    return {
      result,
      fields(row: number): FieldComparison {
        if (!Number.isInteger(row) || row < 0 || row >= flat.rows.length) throw new RangeError(`There is no row ${row} (the comparison has ${flat.rows.length}).`);
        return fieldComparison(ctx, flat, row);
      },
    };
  } finally {
    await A.close();
    await B.close();
  }
}
