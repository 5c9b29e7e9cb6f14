import type { mseContract } from '../contract/mse';
import { analyzeMse } from '../core/mse/analyze';
import type { HandlerMap } from './context';

export const mseHandlers: HandlerMap<keyof typeof mseContract> = {
  async mseAnalyze(args, ctx) {
    const paths = [args.id, ...(args.segments ?? [])].map((id) => ctx.files.get(id).path);
    // Files a manifest refers to become readable by id (the Player fetches them) without
    // cluttering the workspace list; files the user opened keep their ids.
    return analyzeMse(paths, { fileId: async (p, size) => (await ctx.files.open(p, { listed: false, size })).id });
  },
};
