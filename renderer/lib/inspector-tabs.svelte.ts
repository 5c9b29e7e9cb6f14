/**
 * The Inspector's tabs, kept outside the view so they survive switching sections. Files opened
 * after the UI started (top bar, drop, menu) get a tab of their own.
 */
import type { OpenedFile } from '../../electron/core/files-types';
import { rememberFile } from './recent';

export const inspectorTabs = $state({
  ids: [] as string[],
  active: null as string | null,
});

const started = Date.now();
const known = new Set<string>();
let primed = false;

export function openTab(file: OpenedFile): void {
  if (!inspectorTabs.ids.includes(file.id)) inspectorTabs.ids.push(file.id);
  inspectorTabs.active = file.id;
  // A browser file has no path to reopen it by.
  if (!file.browser) rememberFile(file);
}

export function closeTab(id: string): void {
  const i = inspectorTabs.ids.indexOf(id);
  if (i < 0) return;
  inspectorTabs.ids.splice(i, 1);
  if (inspectorTabs.active === id) inspectorTabs.active = inspectorTabs.ids[Math.min(i, inspectorTabs.ids.length - 1)] ?? null;
}

/** Follow the workspace's file list: new files open a tab, closed files lose theirs. */
export function syncTabs(files: OpenedFile[]): void {
  // Oldest first, so that the newest file's tab ends up in front.
  for (const f of [...files].sort((a, b) => a.openedAt - b.openedAt)) {
    if (known.has(f.id)) continue;
    known.add(f.id);
    if (f.openedAt >= started - 1000) openTab(f);
  }
  // Files opened before the UI (e.g. "mwb serve a.mp4"): show the newest one.
  if (!primed && files.length) {
    primed = true;
    if (!inspectorTabs.ids.length) openTab(files[0]!);
  }
  for (const id of [...inspectorTabs.ids]) if (!files.some((f) => f.id === id)) closeTab(id);
}
