/**
 * `npm run bench`: every area's benchmark, one after the other. Keep this a plain list so merges
 * stay trivial. Each prints its own ratios against a baseline run in the same process.
 */
import { run as inspect } from './inspect';

const benches: [string, () => Promise<void>][] = [['inspect', inspect]];

const only = process.argv.slice(2);
for (const [name, bench] of benches) {
  if (only.length && !only.includes(name)) continue;
  await bench();
}
