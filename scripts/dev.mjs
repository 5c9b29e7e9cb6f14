// `npm run dev`: hot reload for UI work. Runs web mode's API (restarting on Node-side changes) and
// Vite's dev server in front of it; open the printed URL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { createServer } from 'vite';
import { projectRoot } from './lib/root.mjs';

// vite.config.ts and electron/cli.ts are named relative to the project root.
process.chdir(projectRoot(import.meta.url));

const freePort = () =>
  new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const token = randomBytes(24).toString('base64url');
const apiPort = await freePort();
const vite = await createServer({
  configFile: 'vite.config.ts',
  server: {
    proxy: {
      '/api': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: true, headers: { 'x-workbench-token': token } },
      '/files': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: true, headers: { 'x-workbench-token': token } },
    },
  },
});
await vite.listen();
const devOrigin = `http://127.0.0.1:${vite.config.server.port}`;
const api = spawn(process.execPath, ['--import', 'tsx', '--watch', 'electron/cli.ts', 'serve', '--port', String(apiPort)], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, MWB_TOKEN: token, MWB_DEV_ORIGIN: devOrigin },
});
console.log(`\nMedia Workbench dev server: ${devOrigin}/?token=${token}\n(UI hot-reloads; the API restarts on changes under electron/)\n`);
const stop = () => {
  api.kill();
  void vite.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
