/**
 * How numbers and durations read in the UI and the CLI, written once. No Node imports: the renderer imports it.
 *
 * Bytes: 1024-based (as `--max-size 10MB` is parsed, and as file managers on Windows count), named
 * B/KB/MB/GB/TB, one decimal below 100 of a unit and none above: "812 B", "9.8 KB", "184 KB",
 * "1.5 MB", "2.1 GB".
 */
const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (Math.abs(n) < 1024) return `${n} B`;
  let v = n / 1024;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  // 99.97 would print as "100.0": round first, then choose the decimals.
  const decimals = Math.abs(Math.round(v * 10) / 10) < 100 ? 1 : 0;
  return `${v.toFixed(decimals)} ${UNITS[u]}`;
}

/** `plural(1, 'frame')` → "1 frame", `plural(3, 'entry', 'entries')` → "3 entries". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** 75 → "1:15", 3725 → "1:02:05" (ETAs and elapsed times); "—" when unknown. */
export function formatClock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
