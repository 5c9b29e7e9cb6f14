/**
 * Colour distance used everywhere (palette building, mapping, "unchanged" tests): squared RGB
 * difference with per-channel weights close to the "redmean" approximation of perceived difference,
 * so green errors count most and blue least, without the cost of a colour-space conversion per pixel.
 */
export const WR = 3;
export const WG = 4;
export const WB = 2;

export function distance(r1: number, g1: number, b1: number, r2: number, g2: number, b2: number): number {
  const dr = r1 - r2;
  const dg = g1 - g2;
  const db = b1 - b2;
  return WR * dr * dr + WG * dg * dg + WB * db * db;
}
