/** Small display formatters shared by the views (bytes, clocks and plurals are core's, shared with the CLI). */

export { formatBytes, formatClock, plural } from '../../electron/core/format';

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return '';
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

export function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

/** Query parameters of the hash route, e.g. `#/transcode?file=abc` → { file: 'abc' }. */
export function hashParams(hash: string = location.hash): URLSearchParams {
  const q = hash.indexOf('?');
  return new URLSearchParams(q >= 0 ? hash.slice(q + 1) : '');
}
