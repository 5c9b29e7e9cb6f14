/** Where a one-click GIF goes. (Writing it safely is the jobs' `safe-output.ts`, as for every job.) */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A name beside the input that does not exist yet: `clip.gif`, then `clip-2.gif`, `clip-3.gif`, …
 * (one-click export never overwrites anything).
 */
export function defaultGifPath(input: string, exists: (p: string) => boolean = existsSync): string {
  const dir = path.dirname(path.resolve(input));
  const stem = path.basename(input, path.extname(input)) || 'clip';
  for (let n = 1; n < 10_000; n++) {
    const candidate = path.join(dir, n === 1 ? `${stem}.gif` : `${stem}-${n}.gif`);
    if (!exists(candidate)) return candidate;
  }
  return path.join(dir, `${stem}-${randomBytes(4).toString('hex')}.gif`);
}
