import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The renderer is a plain static bundle: the same files are served by Electron's app:// protocol
// and by web mode's HTTP server, so asset URLs stay relative.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    strictPort: false,
  },
});
