/**
 * Recently opened files. The Node side records them in the data folder's settings.json when a
 * file opens (and drops one that is gone), so the list survives restarts in web mode too, where
 * localStorage is per port and the port is random.
 */
import type { RecentEntry } from '../../electron/core/settings-types';
import { appSettings } from './settings.svelte';

export type RecentFile = RecentEntry;

export function recentFiles(): RecentFile[] {
  return appSettings.value.recent;
}

/** The server records an opened file; this keeps the page's copy current without a round trip. */
export function rememberFile(file: { path: string; name: string; size: number }): RecentFile[] {
  const list = [{ path: file.path, name: file.name, size: file.size, at: Date.now() }, ...recentFiles().filter((r) => r.path !== file.path)].slice(0, 12);
  appSettings.value = { ...appSettings.value, recent: list };
  return list;
}

export function forgetFile(path: string): RecentFile[] {
  const list = recentFiles().filter((r) => r.path !== path);
  appSettings.value = { ...appSettings.value, recent: list };
  return list;
}
