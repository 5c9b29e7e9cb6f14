/**
 * "Fit under N bytes": one dial (`level`, the share of the largest GIF's size we aim for) turns
 * width, frame rate, colours and quality down together in a sensible order, and a secant search on
 * measured sizes finds the level whose GIF lands between 85% and 100% of the budget, usually in two
 * or three encodes. Pure logic with the encode injected, so it is tested without ffmpeg.
 */
import { WorkbenchError } from '../errors';
import { formatBytes } from '../format';

export interface BudgetKnobs {
  width: number;
  fps: number;
  colours: number;
  quality: number;
}

export interface BudgetBounds {
  maxWidth: number;
  maxFps: number;
  maxColours: number;
  maxQuality: number;
  minWidth: number;
  minFps: number;
  minColours: number;
  minQuality: number;
}

export function budgetBounds(max: BudgetKnobs): BudgetBounds {
  return {
    maxWidth: max.width,
    maxFps: max.fps,
    maxColours: max.colours,
    maxQuality: max.quality,
    // Below these a GIF stops being worth sending; the budget error says so instead.
    minWidth: Math.min(max.width, Math.max(64, Math.round(max.width / 6))),
    minFps: Math.min(max.fps, 6),
    minColours: Math.min(max.colours, 32),
    minQuality: Math.min(max.quality, 40),
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Settings for a level in (0, 1]: 1 is the maxima; lower levels shrink the expected size roughly in
 * proportion. Frame rate gives up about a third of each step and width the rest (GIF size grows with
 * area and a little less than linearly with rate); once both are at their floors, colours and quality go.
 */
export function knobsAt(level: number, b: BudgetBounds): BudgetKnobs {
  const L = clamp(level, 1e-6, 1);
  let fps = clamp(b.maxFps * L ** 0.3, b.minFps, b.maxFps);
  const fpsShare = (f: number) => (f / b.maxFps) ** 0.75;
  const width = clamp(b.maxWidth * Math.sqrt(L / fpsShare(fps)), b.minWidth, b.maxWidth);
  let rest = L / ((width / b.maxWidth) ** 2 * fpsShare(fps));
  if (rest < 1) {
    const lower = clamp(fps * rest ** (1 / 0.75), b.minFps, fps);
    rest /= (lower / fps) ** 0.75;
    fps = lower;
  }
  let colours = b.maxColours;
  let quality = b.maxQuality;
  if (rest < 1) {
    // Fewer colours and a looser "unchanged" tolerance: spread over a further 4× reduction.
    const t = clamp(Math.log(rest) / Math.log(0.25), 0, 1);
    colours = 2 ** (Math.log2(b.maxColours) - t * (Math.log2(b.maxColours) - Math.log2(b.minColours)));
    quality = b.maxQuality - t * (b.maxQuality - b.minQuality);
  }
  return {
    width: Math.round(width),
    fps: Math.max(b.minFps, Math.round(fps)),
    colours: Math.round(colours),
    quality: Math.round(quality),
  };
}

const same = (a: BudgetKnobs, b: BudgetKnobs) => a.width === b.width && a.fps === b.fps && a.colours === b.colours && a.quality === b.quality;

export interface BudgetAttempt extends BudgetKnobs {
  level: number;
  bytes: number;
}

export interface BudgetOutcome<T> {
  knobs: BudgetKnobs;
  bytes: number;
  /** What `encode` returned for the chosen attempt. */
  value: T;
  outcome: 'fits' | 'under';
  attempts: BudgetAttempt[];
}

export const BUDGET_LOW = 0.85;
const AIM = 0.93;

/**
 * Search for settings whose GIF is at most `maxBytes` and at least 85% of it. `encode` makes the
 * GIF for some settings and returns its size (and anything the caller wants back for the winner).
 * `estimateAtMax` (a sampled estimate at the maxima) saves the first blind encode.
 *
 * Phase 1 moves the level (all knobs) by secant steps until the target is bracketed. Integer frame
 * rates make sizes jump between neighbouring levels, so phase 2 then keeps the rate, colours and
 * quality of the best fitting attempt and moves only the width, which changes size smoothly
 * (about with its square).
 */
export async function fitBudget<T>(
  maxBytes: number,
  bounds: BudgetBounds,
  encode: (knobs: BudgetKnobs, attempt: number) => Promise<{ bytes: number; value: T }>,
  options: { estimateAtMax?: number; maxAttempts?: number } = {},
): Promise<BudgetOutcome<T>> {
  const maxAttempts = options.maxAttempts ?? 6;
  const low = BUDGET_LOW * maxBytes;
  const aim = AIM * maxBytes;
  const attempts: BudgetAttempt[] = [];
  const values: T[] = [];
  const floor = knobsAt(1e-6, bounds);
  const fits = (a: BudgetAttempt) => a.bytes <= maxBytes && a.bytes >= low;

  const tryKnobs = async (knobs: BudgetKnobs, level: number): Promise<BudgetAttempt> => {
    const { bytes, value } = await encode(knobs, attempts.length + 1);
    const a = { ...knobs, level, bytes };
    attempts.push(a);
    values.push(value);
    return a;
  };
  const tried = (k: BudgetKnobs) => attempts.some((a) => same(a, k));
  const finish = (a: BudgetAttempt, outcome: 'fits' | 'under'): BudgetOutcome<T> => ({
    knobs: { width: a.width, fps: a.fps, colours: a.colours, quality: a.quality },
    bytes: a.bytes,
    value: values[attempts.indexOf(a)]!,
    outcome,
    attempts,
  });
  const bestUnder = () => attempts.filter((a) => a.bytes <= maxBytes).sort((x, y) => y.bytes - x.bytes)[0];

  // ---- phase 1: all knobs together
  let level = options.estimateAtMax ? clamp(aim / options.estimateAtMax, 1e-6, 1) : 1;
  while (attempts.length < maxAttempts) {
    const a = await tryKnobs(knobsAt(level, bounds), level);
    if (fits(a)) return finish(a, 'fits');
    if (a.bytes <= maxBytes && level >= 1) return finish(a, 'under'); // even the maxima are small enough
    if (a.bytes > maxBytes && same(a, floor)) break; // nothing left to give up
    if (bestUnder() && attempts.some((x) => x.bytes > maxBytes)) break; // bracketed: refine the width
    let slope = 1;
    const prev = attempts[attempts.length - 2];
    if (prev && prev.level !== a.level && prev.bytes > 0) slope = clamp(Math.log(a.bytes / prev.bytes) / Math.log(a.level / prev.level), 0.3, 3);
    let next = clamp(level * (aim / a.bytes) ** (1 / slope), 1e-6, 1);
    for (let guard = 0; tried(knobsAt(next, bounds)) && guard < 20; guard++) next = clamp(a.bytes > maxBytes ? next * 0.97 : next * 1.03, 1e-6, 1);
    if (tried(knobsAt(next, bounds))) break;
    level = next;
  }

  // ---- phase 2: width only, from the largest attempt under the budget
  let base = bestUnder();
  while (base && attempts.length < maxAttempts) {
    const b = base;
    const sameRest = (x: BudgetAttempt) => x.fps === b.fps && x.colours === b.colours && x.quality === b.quality;
    const over = attempts.filter((x) => sameRest(x) && x.bytes > maxBytes && x.width > b.width).sort((x, y) => x.width - y.width)[0];
    let slope = 2;
    if (over) slope = clamp(Math.log(over.bytes / b.bytes) / Math.log(over.width / b.width), 1, 3);
    let width = Math.round(b.width * (aim / b.bytes) ** (1 / slope));
    width = Math.min(width, bounds.maxWidth, over ? over.width - 1 : Infinity);
    if (width <= b.width) break;
    const knobs = { width, fps: b.fps, colours: b.colours, quality: b.quality };
    if (tried(knobs)) break;
    const a = await tryKnobs(knobs, b.level);
    if (fits(a)) return finish(a, 'fits');
    if (a.bytes <= maxBytes) base = a;
  }

  base = bestUnder();
  if (!base && !tried(floor) && attempts.length < maxAttempts + 1) {
    const a = await tryKnobs(floor, 1e-6);
    if (a.bytes <= maxBytes) base = a;
  }
  if (!base) {
    const smallest = Math.min(...attempts.map((a) => a.bytes));
    throw new WorkbenchError(
      'EBUDGET',
      `The GIF cannot be made under ${formatBytes(maxBytes)}: even at ${floor.width} px, ${floor.fps} fps and ${floor.colours} colours it is ${formatBytes(smallest)}. Use a shorter selection or a larger budget.`,
    );
  }
  return finish(base, fits(base) ? 'fits' : 'under');
}
