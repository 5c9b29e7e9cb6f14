import { compareContract } from '../contract/compare';
import { openSource } from '../core/net/open-source';
import { compareMethods, CompareSessions } from './compare-methods';
import { bindingSlot, bindingState } from './context';
import { perContext } from './methods';

/** Comparisons the UI is looking at, per binding (see compare-methods.ts). */
const sessionsSlot = bindingSlot('compare.sessions', () => new CompareSessions());

export const compareHandlers = perContext(
  compareContract,
  // A file's path, or an opened URL (its `path`): `openSource` reads either.
  (ctx) => compareMethods(bindingState(ctx, sessionsSlot), (id) => ctx.files.get(id).path, (file) => openSource(file)),
);
