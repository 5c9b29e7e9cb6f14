/**
 * The user's settings as the page sees them: loaded once from the Node side (the data folder's
 * settings.json, shared by the desktop app and web mode) and saved through `updateSettings`.
 */
import type { Settings, Theme } from '../../electron/core/settings-types';
import type { ArgsOf } from '../../electron/api';
import { client } from './client';

export const appSettings = $state<{ loaded: boolean; value: Settings }>({ loaded: false, value: { theme: 'system', recent: [] } });

let loading: Promise<void> | null = null;

export function loadSettings(): Promise<void> {
  loading ??= client
    .call('getSettings', {})
    .then((s) => {
      appSettings.value = s;
      appSettings.loaded = true;
      applyTheme(s.theme);
    })
    .catch(() => {
      // Settings are a convenience: the defaults stand if they cannot be read.
      appSettings.loaded = true;
    });
  return loading;
}

export async function saveSettings(patch: ArgsOf<'updateSettings'>): Promise<void> {
  try {
    appSettings.value = await client.call('updateSettings', patch);
  } catch {
    // As above: never an error toast for a preference.
  }
}

/** `data-theme` on the root element: CSS follows the system unless the user chose light or dark. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export async function setTheme(theme: Theme): Promise<void> {
  applyTheme(theme);
  appSettings.value = { ...appSettings.value, theme };
  await saveSettings({ theme });
}
