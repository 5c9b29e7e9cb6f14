import os from 'node:os';
import path from 'node:path';

/**
 * Where the workbench keeps its own data (job history and logs) when no binding says otherwise:
 * the same folder Electron's `app.getPath('userData')` gives for this app, so web mode and the
 * desktop app share one history. `MWB_DATA_DIR` overrides it (tests, portable setups).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.MWB_DATA_DIR) return path.resolve(env.MWB_DATA_DIR);
  const home = os.homedir();
  const name = 'Media Workbench';
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', name);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), name);
}
