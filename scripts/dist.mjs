// `npm run dist [-- electron-builder args]`: build, then package installers with electron-builder.
// Without Electron's binary (offline machines) packaging cannot work: say so plainly instead of a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
function electronInstalled() {
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const p = path.join(dir, 'path.txt');
    return existsSync(p) && existsSync(path.join(dir, 'dist', readFileSync(p, 'utf8').trim()));
  } catch {
    return false;
  }
}
if (!electronInstalled()) {
  console.error(
    'npm run dist: Electron\'s binary is not installed on this machine (its download from GitHub releases failed or was skipped),\n' +
      'so installers cannot be packaged here. On a machine with internet access run "npm ci" (it downloads Electron and ffmpeg-static), then "npm run dist".',
  );
  process.exit(1);
}
const build = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const res = spawnSync(process.execPath, [require.resolve('electron-builder/cli.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 1);
