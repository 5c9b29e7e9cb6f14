/**
 * Files named on a command line that starts the desktop app: a first launch's `process.argv`, or
 * the argv a second launch hands to the running app (single-instance lock). Used by main.ts; kept
 * free of Electron so it can be tested directly.
 *
 * argv shapes: packaged `[exe, ...args]`; from source `[electron, appDir, ...args]`. Chromium and the
 * OS add switches (`--allow-file-access-from-files`, `--original-process-start-time=…`, macOS's
 * `-psn_…`), so anything starting with `-` is ignored, except after a literal `--`. Linux desktop
 * files may pass `file://` URLs (`%U`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LaunchArgsOptions {
  /** Folder the launch happened in (relative paths are resolved against it). */
  cwd: string;
  /** `app.isPackaged`: when false, argv[1] is the app folder, not a file. */
  isPackaged: boolean;
}

export function filesFromArgv(argv: readonly string[], options: LaunchArgsOptions): string[] {
  const files: string[] = [];
  let skipAppPath = !options.isPackaged;
  let literal = false;
  for (const arg of argv.slice(1)) {
    if (typeof arg !== 'string' || arg.length === 0 || arg.includes('\0')) continue;
    if (!literal && arg === '--') {
      literal = true;
      continue;
    }
    if (!literal && arg.startsWith('-')) continue;
    if (skipAppPath) {
      skipAppPath = false;
      continue;
    }
    let file: string;
    if (/^file:\/\//i.test(arg)) {
      try {
        file = fileURLToPath(arg);
      } catch {
        continue;
      }
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
      continue; // Some other URL (a protocol launch): not a file to open.
    } else {
      file = path.resolve(options.cwd, arg);
    }
    if (!files.includes(file)) files.push(file);
  }
  return files;
}
