/**
 * "Fit under N bytes": one dial (`level`, the share of the largest GIF's size we aim for) turns
 * width, frame rate, colours and quality down together in a sensible order, and a secant search on
 * measured sizes finds the level whose GIF lands between 85% and 100% of the budget, usually in two
 * or three encodes. Pure logic with the encode injected, so it is tested without ffmpeg.
 */
import { WorkbenchError } from '../errors';

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
 */
export async function fitBudget<T>(
  maxBytes: number,
  bounds: BudgetBounds,
  encode: (knobs: BudgetKnobs, attempt: number) => Promise<{ bytes: number; value: T }>,
  options: { estimateAtMax?: number; maxAttempts?: number } = {},
): Promise<BudgetOutcome<T>> {
  const maxAttempts = options.maxAttempts ?? 5;
  const low = BUDGET_LOW * maxBytes;
  const attempts: BudgetAttempt[] = [];
  const results: { bytes: number; value: T; knobs: BudgetKnobs }[] = [];
  let level = options.estimateAtMax ? clamp((AIM * maxBytes) / options.estimateAtMax, 1e-6, 1) : 1;
  const floor = knobsAt(1e-6, bounds);

  const tryLevel = async (l: number) => {
    const knobs = knobsAt(l, bounds);
    const { bytes, value } = await encode(knobs, attempts.length + 1);
    attempts.push({ ...knobs, level: l, bytes });
    results.push({ bytes, value, knobs });
    return bytes;
  };

  const done = (i: number, outcome: 'fits' | 'under'): BudgetOutcome<T> => ({
    knobs: results[i]!.knobs,
    bytes: results[i]!.bytes,
    value: results[i]!.value,
    outcome,
    attempts,
  });

  while (attempts.length < maxAttempts) {
    const bytes = await tryLevel(level);
    const last = attempts.length - 1;
    if (bytes <= maxBytes && bytes >= low) return done(last, 'fits');
    if (bytes <= maxBytes && level >= 1) return done(last, 'under'); // even the maxima are small enough
    if (bytes > maxBytes && same(attempts[last]!, { ...floor })) break; // nothing left to give up
    // Secant step in log-log space on the last two attempts (slope 1 until there are two).
    let slope = 1;
    if (attempts.length >= 2) {
      const a = attempts[attempts.length - 2]!;
      const b = attempts[attempts.length - 1]!;
      if (a.level !== b.level && a.bytes > 0 && b.bytes > 0) {
        slope = clamp(Math.log(b.bytes / a.bytes) / Math.log(b.level / a.level), 0.3, 3);
      }
    }
    let next = clamp(level * ((AIM * maxBytes) / bytes) ** (1 / slope), 1e-6, 1);
    // Integer knobs can make two levels the same settings; nudge until they differ, or stop.
    let guard = 0;
    while (attempts.some((a) => same(a, knobsAt(next, bounds))) && guard++ < 20) {
      next = clamp(bytes > maxBytes ? next * 0.97 : next * 1.03, 1e-6, 1);
    }
    if (attempts.some((a) => same(a, knobsAt(next, bounds)))) break;
    level = next;
  }

  // Out of attempts or settings: the largest GIF under the budget wins.
  let best = -1;
  results.forEach((r, i) => {
    if (r.bytes <= maxBytes && (best < 0 || r.bytes > results[best]!.bytes)) best = i;
  });
  if (best < 0 && !attempts.some((a) => same(a, floor))) {
    const bytes = await tryLevel(1e-6);
    if (bytes <= maxBytes) best = results.length - 1;
  }
  if (best < 0) {
    const smallest = Math.min(...attempts.map((a) => a.bytes));
    throw new WorkbenchError(
      'EBUDGET',
      `The GIF cannot be made under ${formatBytes(maxBytes)}: even at ${floor.width} px, ${floor.fps} fps and ${floor.colours} colours it is ${formatBytes(smallest)}. Use a shorter selection or a larger budget.`,
    );
  }
  return done(best, results[best]!.bytes >= low ? 'fits' : 'under');
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(2)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
