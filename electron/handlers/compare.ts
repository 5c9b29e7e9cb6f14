import { compareContract } from '../contract/compare';
import { openFileSource } from '../core/boxes/file-source';
import { compareMethods, CompareSessions } from './compare-methods';
import { perContext } from './methods';

/** One set of comparisons for the process (a session id works from any connected UI). */
const sessions = new CompareSessions();

export const compareHandlers = perContext(
  compareContract,
  (ctx) => compareMethods(sessions, (id) => ctx.files.get(id).path, (file) => openFileSource(file)),
);
