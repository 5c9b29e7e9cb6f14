/**
 * Which toasts show: info and success dismiss themselves; errors stay until dismissed, but at
 * most `MAX_ERRORS` show (newest first) with a count of the others, so a burst of failures never
 * buries the view.
 */
export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

export const MAX_ERRORS = 3;
/** How long info and success toasts stay, in milliseconds. */
export const AUTO_DISMISS_MS = 5000;

export function visibleToasts(all: Toast[]): { shown: Toast[]; hiddenErrors: number } {
  const newestFirst = [...all].sort((a, b) => b.id - a.id);
  const errors = newestFirst.filter((t) => t.kind === 'error');
  const keep = new Set(errors.slice(0, MAX_ERRORS).map((t) => t.id));
  return {
    shown: newestFirst.filter((t) => t.kind !== 'error' || keep.has(t.id)),
    hiddenErrors: Math.max(0, errors.length - MAX_ERRORS),
  };
}
