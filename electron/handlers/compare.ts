import { compareContract } from '../contract/compare';
import { openSource } from '../core/net/open-source';
import { compareMethods, CompareSessions } from './compare-methods';
import { perContext } from './methods';

/** One set of comparisons for the process (a session id works from any connected UI). */
const sessions = new CompareSessions();

export const compareHandlers = perContext(
  compareContract,
  // A file's path, or an opened URL (its `path`): `openSource` reads either.
  (ctx) => compareMethods(sessions, (id) => ctx.files.get(id).path, (file) => openSource(file)),
);
