import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../core/errors';
import { logError } from '../core/log';
import { startWebServer } from '../web';
import { EXIT, intOption, parseVerbArgs, UsageError, type Verb } from './common';
import { OPTIONS, serveHelp } from './help/serve';

/** The built renderer: beside this file when bundled (dist/electron → dist/renderer), or from the repo root. */
export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../renderer'), path.resolve(here, '../../dist/renderer'), path.resolve(here, '../dist/renderer')];
  return candidates.find((c) => existsSync(path.join(c, 'index.html'))) ?? candidates[1]!;
}


export const serveVerb: Verb = {
  ...serveHelp,
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
