import type { appContract } from '../contract/app';
import { defaultDataDir } from '../core/data-dir';
import { errorCode, WorkbenchError } from '../core/errors';
import { settingsStore } from '../core/settings';
import { getCapabilities } from '../core/media/caps';
import { normalizeTypedPath } from '../core/typed-path';
import pkg from '../../package.json' with { type: 'json' };
import type { HandlerMap } from './context';


export const appHandlers: HandlerMap<keyof typeof appContract> = {
  async appInfo(_args, ctx) {
    return {
      name: pkg.productName,
      version: pkg.version,
      mode: ctx.mode,
      platform: process.platform,
      arch: process.arch,
      node: process.versions.node,
      electron: ctx.electronVersion,
    };
  },
  caps: (args) => getCapabilities({ refresh: args.refresh ?? false }),
  // What the user typed or pasted: quotes, file:// URLs and ~ are understood; relative paths are refused.
  async openPath(args, ctx) {
    const target = normalizeTypedPath(args.path);
    const store = settingsStore(ctx.dataDir ?? defaultDataDir());
    try {
      const file = await ctx.files.open(target);
      await store.addRecent(file);
      return file;
    } catch (err) {
      // A recent file that is gone leaves the list.
      if (errorCode(err) === 'ENOENT') await store.forgetRecent(target);
      throw err;
    }
  },
  openUrl: (args, ctx) => ctx.files.openUrl(args.url),
  async pickFiles(args, ctx) {
    if (!ctx.pickFiles) {
      throw new WorkbenchError(
        'ENODIALOG',
        'There is no native file dialog in web mode: type or paste the file path instead, or pass files to "mwb serve".',
      );
    }
    const paths = await ctx.pickFiles({ multiple: args.multiple ?? false, title: args.title });
    const opened = [];
    for (const p of paths) opened.push(await ctx.files.open(p));
    for (const f of opened) await settingsStore(ctx.dataDir ?? defaultDataDir()).addRecent(f);
    return opened;
  },
  listFiles: async (_args, ctx) => ctx.files.list(),
  closeFile: async (args, ctx) => ({ closed: ctx.files.close(args.id) }),
  getSettings: (_args, ctx) => settingsStore(ctx.dataDir ?? defaultDataDir()).get(),
  updateSettings: (args, ctx) => settingsStore(ctx.dataDir ?? defaultDataDir()).update(args),
};
