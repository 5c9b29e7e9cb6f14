import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { STATIC_CSP } from './electron/core/csp';

/**
 * `vite build --mode static` (npm run build:static): the same UI with only the browser binding,
 * for any static file host. Its index.html carries the app's CSP in a meta tag (no server sends
 * headers) and says which binding the page has (renderer/lib/client.ts reads it).
 */
function staticBuild(): Plugin {
  return {
    name: 'mwb-static-build',
    transformIndexHtml: (html) =>
      html.replace(
        '<meta charset="utf-8" />',
        `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${STATIC_CSP}" />\n    <meta name="mwb-binding" content="static" />`,
      ),
  };
}

// The renderer is a plain static bundle: the same files are served by Electron's app:// protocol,
// by web mode's HTTP server and by any static host, so asset URLs stay relative.
export default defineConfig(({ mode }) => ({
  root: 'renderer',
  base: './',
  plugins: [svelte(), ...(mode === 'static' ? [staticBuild()] : [])],
  build: {
    outDir: mode === 'static' ? '../dist/static' : '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
  },
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    strictPort: false,
  },
}));
