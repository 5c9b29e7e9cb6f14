/** Time ranges as plain pairs: what `buffered` says, what the segments promise, and the difference. */

export type Span = readonly [start: number, end: number];

export function toSpans(ranges: TimeRanges | null | undefined): Span[] {
  const out: Span[] = [];
  if (!ranges) return out;
  for (let i = 0; i < ranges.length; i++) out.push([ranges.start(i), ranges.end(i)]);
  return out;
}

/** `0.000-6.006` (several ranges joined by `, `; `empty` when nothing is buffered). */
export function formatSpans(spans: readonly Span[]): string {
  if (!spans.length) return 'empty';
  return spans.map(([a, b]) => `${a.toFixed(3)}-${b.toFixed(3)}`).join(', ');
}

/** Sorted union; spans closer than `join` seconds are merged. */
export function union(spans: readonly Span[], join = 0): Span[] {
  const sorted = [...spans].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + join) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * Parts of `expected` not covered by `covered`, ignoring slivers shorter than `tolerance` seconds
 * (a frame of rounding at segment edges is not a hole).
 */
export function holes(expected: readonly Span[], covered: readonly Span[], tolerance: number): Span[] {
  const have = union(covered);
  const out: Span[] = [];
  for (const [a, b] of union(expected)) {
    let cursor = a;
    for (const [c, d] of have) {
      if (d <= cursor) continue;
      if (c >= b) break;
      if (c > cursor) out.push([cursor, Math.min(c, b)]);
      cursor = Math.max(cursor, d);
      if (cursor >= b) break;
    }
    if (cursor < b) out.push([cursor, b]);
  }
  return out.filter(([a, b]) => b - a > tolerance);
}

/** Where consecutive spans (in order) overlap each other by more than `tolerance`. */
export function overlaps(spans: readonly Span[], tolerance: number): Span[] {
  const out: Span[] = [];
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1]!;
    const cur = spans[i]!;
    const a = Math.max(prev[0], cur[0]);
    const b = Math.min(prev[1], cur[1]);
    if (b - a > tolerance) out.push([a, b]);
  }
  return out;
}

/** Gaps between consecutive spans (in order) longer than `tolerance`. */
export function gapsBetween(spans: readonly Span[], tolerance: number): Span[] {
  const out: Span[] = [];
  // From the furthest end so far: a short span inside a longer one (two Periods' segments that
  // start together) does not open a gap.
  let end = spans[0]?.[1] ?? 0;
  for (let i = 1; i < spans.length; i++) {
    const gap: Span = [end, spans[i]![0]];
    if (gap[1] - gap[0] > tolerance) out.push(gap);
    end = Math.max(end, spans[i]![1]);
  }
  return out;
}

export function intersects(a: Span, b: Span): boolean {
  return a[0] < b[1] && b[0] < a[1];
}
