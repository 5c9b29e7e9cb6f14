import type { mseContract } from '../contract/mse';
import { analyzeMse, reloadLive } from '../core/mse/analyze';
import type { ParsedArgsOf } from '../api';
import type { HandlerContext, HandlerMap } from './context';

function analyze(args: ParsedArgsOf<'mseAnalyze'>, ctx: HandlerContext, lint: boolean) {
  const paths = [args.id, ...(args.segments ?? [])].map((id) => ctx.files.get(id).path);
  // Files a manifest refers to become readable by id (the Player fetches them) without
  // cluttering the workspace list; files the user opened keep their ids.
  return analyzeMse(paths, { lint, fileId: async (p, size) => (await ctx.files.open(p, { listed: false, size })).id });
}

export const mseHandlers: HandlerMap<keyof typeof mseContract> = {
  mseAnalyze: (args, ctx) => analyze(args, ctx, true),
  msePlan: (args, ctx) => analyze(args, ctx, false),
  // Only an opened id: a playlist the user opened, or one a plan derived from it (never a URL from the page).
  mseLiveReload: (args, ctx) => reloadLive(ctx.files.get(args.id).path, args.after, { fileId: async (p, size) => (await ctx.files.open(p, { listed: false, size })).id }),
};
