/**
 * The Inspector's methods over parsed sessions, wherever the file lives (see methods.ts). The
 * binding says how to get a file's session and how to read its bytes for a box's details.
 */
import type { boxesContract } from '../contract/boxes';
import type { ByteSource, InspectSession } from '../core/boxes';
import { WorkbenchError } from '../core/errors';
import type { Methods } from './methods';

export interface InspectFiles {
  /** The parsed session of an opened file (parsed again when `refresh`, or when the file changed). */
  session(id: string, refresh?: boolean): Promise<InspectSession>;
  /** Run `fn` with a byte source of the session's file. */
  withSource<T>(id: string, session: InspectSession, fn: (source: ByteSource) => Promise<T>): Promise<T>;
}

function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new WorkbenchError('ENOTFOUND', err.message);
    throw err;
  }
}

export function inspectMethods(files: InspectFiles): Methods<keyof typeof boxesContract> {
  const session = (id: string, refresh = false) => files.session(id, refresh);
  // Track summaries read the file only the first time (a remote file's come with its tree).
  const tracksOf = (id: string, s: InspectSession) => s.knownTracks() ?? files.withSource(id, s, (source) => s.tracks(source));
  return {
    inspectOpen: async (args) => (await session(args.id, args.refresh ?? false)).summary(args.rows ?? 0),
    async inspectTracks(args) {
      const s = await session(args.id);
      return tracksOf(args.id, s);
    },
    inspectRows: async (args) => (await session(args.id)).rows(args),
    async inspectLocate(args) {
      const s = await session(args.id);
      const ancestors = checked(() => s.ancestors(args.node));
      const expanded = [...new Set([...(args.expanded ?? []), ...ancestors])];
      return { position: s.positionOf(args.node, { expanded, filter: args.filter }), ancestors };
    },
    async inspectBox(args) {
      const s = await session(args.id);
      checked(() => s.row(args.node));
      return files.withSource(args.id, s, (source) => s.detail(args.node, source));
    },
    inspectBoxJson: async (args) => {
      const s = await session(args.id);
      return checked(() => s.boxJson(args.node, args.children ?? true));
    },
    async inspectTreeJson(args) {
      const s = await session(args.id);
      return s.treeJson(await tracksOf(args.id, s));
    },
    inspectSamples: async (args) => {
      const s = await session(args.id);
      return checked(() => s.samples(args.trackId, args.start, args.count));
    },
    inspectSampleChart: async (args) => {
      const s = await session(args.id);
      return checked(() => s.chart(args.trackId, args.buckets));
    },
  };
}
