/**
 * Zoom and pan of a time axis, shared by the sample-size chart and the Player's timeline: the wheel
 * zooms around the cursor, a drag pans, +/−/arrows do the same from the keyboard, and the view
 * never leaves the data or gets narrower than `minSpan`.
 */
export interface Span {
  start: number;
  end: number;
}

export function clampView(view: Span, full: Span, minSpan: number): Span {
  const fullSpan = full.end - full.start;
  let span = Math.min(fullSpan, Math.max(minSpan, view.end - view.start));
  if (!(span > 0)) span = fullSpan;
  let start = Math.max(full.start, Math.min(view.start, full.end - span));
  if (!Number.isFinite(start)) start = full.start;
  return { start, end: start + span };
}

/** Zoom by `factor` (< 1 zooms in) keeping the time `at` under the cursor where it is. */
export function zoomAt(view: Span, full: Span, at: number, factor: number, minSpan: number): Span {
  const span = view.end - view.start;
  const next = Math.max(minSpan, span * factor);
  const ratio = span > 0 ? (at - view.start) / span : 0.5;
  return clampView({ start: at - ratio * next, end: at - ratio * next + next }, full, minSpan);
}

export function panBy(view: Span, full: Span, dt: number, minSpan: number): Span {
  return clampView({ start: view.start + dt, end: view.end + dt }, full, minSpan);
}

export function isZoomed(view: Span, full: Span): boolean {
  return view.start > full.start + 1e-9 || view.end < full.end - 1e-9;
}

/** Keyboard: + and − zoom around the middle, arrows pan by a tenth, 0 resets. Null when not a zoom key. */
export function zoomKey(key: string, view: Span, full: Span, minSpan: number): Span | null {
  const mid = (view.start + view.end) / 2;
  const span = view.end - view.start;
  if (key === '+' || key === '=') return zoomAt(view, full, mid, 0.5, minSpan);
  if (key === '-' || key === '_') return zoomAt(view, full, mid, 2, minSpan);
  if (key === 'ArrowLeft') return panBy(view, full, -span / 10, minSpan);
  if (key === 'ArrowRight') return panBy(view, full, span / 10, minSpan);
  if (key === '0' || key === 'Home') return { ...full };
  return null;
}
