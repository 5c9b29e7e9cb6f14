// Fetch Electron's binary when this machine can reach its release downloads, and go on without it
// when it cannot: the workbench then runs in web mode (see README). Never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
if (process.env.MWB_SKIP_ELECTRON_DOWNLOAD || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0);
let dir;
try {
  dir = path.dirname(require.resolve('electron/package.json'));
} catch {
  process.exit(0);
}
if (existsSync(path.join(dir, 'path.txt'))) process.exit(0);
const res = spawnSync(process.execPath, [path.join(dir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
if (res.status === 0 && existsSync(path.join(dir, 'path.txt'))) {
  console.log('media-workbench: Electron binary installed.');
} else {
  console.log('media-workbench: Electron binary not available (download failed); "npm start" will use web mode.');
}
