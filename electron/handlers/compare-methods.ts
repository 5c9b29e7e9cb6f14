/**
 * The Compare methods, wherever the two files live (see methods.ts): the binding says how an id
 * becomes what its opener opens (a path, or the id itself in the browser).
 */
import type { compareContract } from '../contract/compare';
import type { OpenSource } from '../core/boxes';
import { compareSources, type Comparison } from '../core/compare';
import { WorkbenchError } from '../core/errors';
import { randomId, type Methods } from './methods';

/**
 * Comparisons the UI is looking at, newest last. Each holds two parsed trees (small: metadata only)
 * so that the field panel can ask for any row; the oldest are dropped beyond `keep`.
 */
export class CompareSessions {
  private readonly sessions = new Map<string, Comparison>();
  constructor(private readonly keep = 4) {}

  remember(cmp: Comparison): string {
    const id = randomId();
    this.sessions.set(id, cmp);
    while (this.sessions.size > this.keep) this.sessions.delete(this.sessions.keys().next().value!);
    return id;
  }

  get(id: string): Comparison {
    const cmp = this.sessions.get(id);
    if (!cmp) throw new WorkbenchError('ENOCOMPARISON', 'This comparison is no longer open (only the last few are kept): compare the files again.');
    return cmp;
  }

  close(id: string): boolean {
    return this.sessions.delete(id);
  }
}

export function compareMethods(sessions: CompareSessions, keyOf: (id: string) => string, open: OpenSource): Methods<keyof typeof compareContract> {
  return {
    async compareFiles(args) {
      const key = (id: string | undefined) => (id ? keyOf(id) : undefined);
      const a = { file: key(args.a)!, ...(args.initA ? { init: key(args.initA)! } : {}) };
      const b = { file: key(args.b)!, ...(args.initB ? { init: key(args.initB)! } : {}) };
      const cmp = await compareSources(a, b, open, { includeVolatile: args.includeVolatile ?? false });
      const { differences, ...rest } = cmp.result;
      return { ...rest, session: sessions.remember(cmp), differenceCount: differences.length };
    },
    async compareFields(args) {
      return sessions.get(args.session).fields(args.row);
    },
    async compareClose(args) {
      return { closed: sessions.close(args.session) };
    },
  };
}
