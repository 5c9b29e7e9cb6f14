import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError } from './errors';

/**
 * A path as people paste it into the Open box: Windows "Copy as path" wraps it in double quotes,
 * file managers copy `file://` URLs, and shells write `~` for the home folder. Relative paths are
 * refused with a message: the page has no current folder, so "clip.mp4" could mean anything.
 */
export function normalizeTypedPath(typed: string, home: string = os.homedir(), platform: NodeJS.Platform = process.platform): string {
  let p = typed.trim();
  const quoted = /^(["'])(.*)\1$/s.exec(p);
  if (quoted) p = quoted[2]!.trim();
  const api = platform === 'win32' ? path.win32 : path.posix;
  if (/^file:/i.test(p)) {
    try {
      p = fileURLToPath(p, { windows: platform === 'win32' });
    } catch (err) {
      throw new WorkbenchError('EBADPATH', `${typed} is not a usable file:// URL (${err instanceof Error ? err.message : String(err)}).`);
    }
  } else if (p === '~' || p.startsWith('~/') || (platform === 'win32' && p.startsWith('~\\'))) {
    p = api.join(home, p.slice(1));
  }
  if (!api.isAbsolute(p)) {
    const example = platform === 'win32' ? 'C:\\Users\\me\\video.mp4' : '/home/me/video.mp4 or ~/video.mp4';
    throw new WorkbenchError('ERELATIVE', `"${typed.trim()}" is a relative path; type the full path (e.g. ${example}): the workbench has no current folder to resolve it against.`);
  }
  return p;
}
