/**
 * Compare two local files or URLs: `compareSources` with the Node side's opener (`openSource`:
 * a path through node:fs, a URL through Range requests). Node only; the compare engine itself
 * (everything else in this folder) imports nothing from Node and runs in the browser.
 */
import { openSource } from '../net/open-source';
import { compareSources, type Comparison } from './index';
import type { SideInput } from './load';
import type { CompareOptions } from './types';

/** Compare two files. Throws (naming the file) when one cannot be read or is not an MP4 file. */
export function compareFiles(a: SideInput, b: SideInput, options: CompareOptions = {}): Promise<Comparison> {
  return compareSources(a, b, (file) => openSource(file), options);
}
