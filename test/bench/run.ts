/**
 * `npm run bench`: every area's benchmark, one after the other. Each prints ratios against a baseline
 * measured in the same run. Add an area by adding a line below.
 */
import { run as gif } from './gif';

const areas: [string, () => Promise<void>][] = [['gif', gif]];

const only = process.argv.slice(2);
for (const [name, run] of areas) {
  if (only.length && !only.includes(name)) continue;
  process.stdout.write(`\n=== ${name} ===\n`);
  await run();
}
