import { describe, expect, it } from 'vitest';
import { clampView, isZoomed, panBy, zoomAt, zoomKey } from '../../renderer/lib/zoom';

const full = { start: 0, end: 10 };

describe('time-axis zoom and pan', () => {
  it('zooms around the cursor, keeping the time under it in place', () => {
    const v = zoomAt(full, full, 2, 0.5, 0.01);
    expect(v).toEqual({ start: 1, end: 6 });
    expect((2 - v.start) / (v.end - v.start)).toBeCloseTo(0.2);
    expect(isZoomed(v, full)).toBe(true);
  });

  it('pans without leaving the data, and never zooms past the limits', () => {
    expect(panBy({ start: 1, end: 6 }, full, 10, 0.01)).toEqual({ start: 5, end: 10 });
    expect(panBy({ start: 1, end: 6 }, full, -10, 0.01)).toEqual({ start: 0, end: 5 });
    expect(zoomAt(full, full, 5, 4, 0.01)).toEqual(full);
    const tight = zoomAt({ start: 4.99, end: 5.01 }, full, 5, 0.001, 0.01);
    expect(tight.end - tight.start).toBeCloseTo(0.01);
    expect(clampView({ start: -3, end: 2 }, full, 0.01)).toEqual({ start: 0, end: 5 });
  });

  it('has keyboard equivalents', () => {
    expect(zoomKey('+', full, full, 0.01)).toEqual({ start: 2.5, end: 7.5 });
    expect(zoomKey('ArrowRight', { start: 2.5, end: 7.5 }, full, 0.01)).toEqual({ start: 3, end: 8 });
    expect(zoomKey('0', { start: 2.5, end: 7.5 }, full, 0.01)).toEqual(full);
    expect(zoomKey('x', full, full, 0.01)).toBeNull();
  });
});
