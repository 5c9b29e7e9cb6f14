/** Timing and peak-RSS sampling shared by the benchmarks. */

const MB = 1024 * 1024;

export interface Measure<T> {
  ms: number;
  /** Peak RSS above the RSS at the start, sampled every 5 ms, in MB. */
  rssGrowthMb: number;
  value: T;
}

export async function measure<T>(fn: () => Promise<T>): Promise<Measure<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const t0 = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { ms, rssGrowthMb: (peak - base) / MB, value };
  } finally {
    clearInterval(timer);
  }
}

/** The fastest of several runs. */
export function best<T>(runs: Measure<T>[]): Measure<T> {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

/** The middle value (the upper one of an even count). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
