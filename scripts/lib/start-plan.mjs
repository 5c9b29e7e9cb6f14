// What `npm start` runs, decided without side effects so it can be unit-tested
// (test/unit/ship/start-plan.test.ts). scripts/start.mjs carries it out.
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * @param {{ root: string, args: string[], env: Record<string, string | undefined>, cwd: string,
 *           execPath: string, electron: string | null }} o
 * @returns {{ mode: 'electron' | 'web', command: string, args: string[], cwd: string, notice: string | null }}
 *
 * The child runs in the folder the user typed `npm start` in: npm changes to the package root
 * before running the script but keeps that folder in INIT_CWD, so `npm start -- ../x.mp4` means
 * the file next to where the user is, not next to package.json. Both the app and `mwb serve`
 * resolve relative paths against their working folder; their own files are found from their
 * location, never from the working folder.
 */
export function startPlan(o) {
  const cwd = o.env.INIT_CWD && path.isAbsolute(o.env.INIT_CWD) && existsSync(o.env.INIT_CWD) ? o.env.INIT_CWD : o.cwd;
  const electron = o.env.MWB_WEB ? null : o.electron;
  if (electron) return { mode: 'electron', command: electron, args: [o.root, ...o.args], cwd, notice: null };
  return {
    mode: 'web',
    command: o.execPath,
    args: [path.join(o.root, 'dist', 'electron', 'cli.mjs'), 'serve', ...o.args],
    cwd,
    notice: o.env.MWB_WEB ? null : 'Electron is not installed on this machine (its binary could not be downloaded), so the workbench runs in web mode.',
  };
}
