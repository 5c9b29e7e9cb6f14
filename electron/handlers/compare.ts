import { randomBytes } from 'node:crypto';
import type { compareContract } from '../contract/compare';
import { compareFiles, type Comparison } from '../core/compare';
import { WorkbenchError } from '../core/errors';
import { bindingSlot, bindingState, type HandlerContext, type HandlerMap } from './context';

/**
 * Comparisons the UI is looking at, newest last. Each holds two parsed trees (small: metadata only)
 * so that the field panel can ask for any row; the oldest are dropped beyond `KEEP`.
 */
const KEEP = 4;
const sessionsSlot = bindingSlot('compare.sessions', () => new Map<string, Comparison>());

function remember(ctx: HandlerContext, cmp: Comparison): string {
  const sessions = bindingState(ctx, sessionsSlot);
  const id = randomBytes(12).toString('base64url');
  sessions.set(id, cmp);
  while (sessions.size > KEEP) sessions.delete(sessions.keys().next().value!);
  return id;
}

function session(ctx: HandlerContext, id: string): Comparison {
  const cmp = bindingState(ctx, sessionsSlot).get(id);
  if (!cmp) throw new WorkbenchError('ENOCOMPARISON', 'This comparison is no longer open (only the last few are kept): compare the files again.');
  return cmp;
}

export const compareHandlers: HandlerMap<keyof typeof compareContract> = {
  async compareFiles(args, ctx) {
    const path = (id: string | undefined) => (id ? ctx.files.get(id).path : undefined);
    const a = { file: path(args.a)!, ...(args.initA ? { init: path(args.initA)! } : {}) };
    const b = { file: path(args.b)!, ...(args.initB ? { init: path(args.initB)! } : {}) };
    const cmp = await compareFiles(a, b, { includeVolatile: args.includeVolatile ?? false });
    const { differences, ...rest } = cmp.result;
    return { ...rest, session: remember(ctx, cmp), differenceCount: differences.length };
  },
  async compareFields(args, ctx) {
    return session(ctx, args.session).fields(args.row);
  },
  async compareClose(args, ctx) {
    return { closed: bindingState(ctx, sessionsSlot).delete(args.session) };
  },
};
