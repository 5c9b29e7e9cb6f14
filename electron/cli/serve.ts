import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../core/errors';
import { logError } from '../core/log';
import { startWebServer } from '../web';
import { EXIT, intOption, parseVerbArgs, UsageError, type Options, type Verb } from './common';

/** The built renderer: beside this file when bundled (dist/electron → dist/renderer), or from the repo root. */
export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../renderer'), path.resolve(here, '../../dist/renderer'), path.resolve(here, '../dist/renderer')];
  return candidates.find((c) => existsSync(path.join(c, 'index.html'))) ?? candidates[1]!;
}

const OPTIONS = {
  port: { type: 'string', value: 'N', help: 'TCP port to listen on, 1–65535, on 127.0.0.1 only. Default: a random free port.' },
} satisfies Options;

export const serveVerb: Verb = {
  name: 'serve',
  summary: 'run the workbench in web mode on 127.0.0.1 (open the printed URL in any browser)',
  usage: 'mwb serve [files...] [--port N]',
  args: [['[files...]', 'media files to open in the workbench when it starts (optional)']],
  options: OPTIONS,
  examples: [
    ['mwb serve', 'web mode on a random port; open the printed URL (it carries the access token)'],
    ['mwb serve clip.mp4 --port 8080', 'open clip.mp4 and listen on http://127.0.0.1:8080'],
  ],
  exits: { 1: 'the renderer is not built (run "npm run build") or the server could not start' },
  async run(argv) {
    const { values, positionals } = parseVerbArgs('serve', argv, OPTIONS);
    const port = intOption('serve', 'port', values.port, 0);
    if (port !== undefined && port > 65535) throw new UsageError('mwb serve: --port must be at most 65535');
    const staticDir = rendererDir();
    if (!existsSync(path.join(staticDir, 'index.html'))) {
      process.stderr.write(`mwb serve: the renderer is not built (no ${staticDir}/index.html). Run "npm run build" first.\n`);
      return EXIT.failure;
    }
    // MWB_TOKEN / MWB_DEV_ORIGIN are set by `npm run dev`, which fronts this server with Vite.
    const server = await startWebServer({
      staticDir,
      port,
      token: process.env.MWB_TOKEN || undefined,
      devOrigin: process.env.MWB_DEV_ORIGIN || undefined,
      log: (l) => process.stderr.write(`[web] ${l}\n`),
    });
    for (const file of positionals) {
      try {
        await server.files.open(file);
      } catch (err) {
        process.stderr.write(`mwb serve: ${errorMessage(err)}\n`);
      }
    }
    // A crash of the server is logged (with its stack) before the process goes.
    const crash = (err: unknown) => {
      const file = logError('web mode: uncaught error', err);
      process.stderr.write(`mwb serve: internal error: ${errorMessage(err)}\nThis looks like a bug in the workbench; details are in ${file}\n`);
      process.exit(EXIT.failure);
    };
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
    process.stdout.write(`Media Workbench (web mode) is ready:\n\n  ${server.url}\n\nOpen it in a browser. Only this machine can connect; press Ctrl+C to stop.\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return EXIT.ok;
  },
};
