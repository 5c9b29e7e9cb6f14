// `npm run dist [-- electron-builder args]`: build, then package installers with electron-builder.
// Without Electron's binary (offline machines) packaging cannot work: say so plainly instead of a stack trace.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { electronBinary } from './lib/electron-binary.mjs';
import { projectRoot } from './lib/root.mjs';

const root = projectRoot(import.meta.url);
// electron-builder packages the project in its working folder.
process.chdir(root);
const require = createRequire(import.meta.url);
if (!electronBinary(root)) {
  console.error(
    'npm run dist: Electron\'s binary is not installed on this machine (its download from GitHub releases failed or was skipped),\n' +
      'so installers cannot be packaged here. On a machine with internet access run "npm ci" (it downloads Electron and ffmpeg-static), then "npm run dist".',
  );
  process.exit(1);
}
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const res = spawnSync(process.execPath, [require.resolve('electron-builder/cli.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 1);
