/**
 * CLI cold start, whole processes, each against a baseline run in the same process:
 * - `mwb --version` through the package's bin vs `node -e 0` (target ≤ 2×);
 * - `mwb inspect big.mp4 --json` through the bin vs mp4box.js reading the same ~2 GB fMP4 as a
 *   process of its own (test/bench/mp4box-process.mjs; target ≥ 8× faster), and the same baseline
 *   against a floor: test/bench/floor-inspect.cjs, a single-purpose reader that knows this file's
 *   layout and prints most of the same JSON with no engine at all (what no general reader beats).
 * Wall time of each process (spawn to exit, stdout drained), median of several runs, alternating
 * the two sides so a busy machine slows both alike (on a shared machine the ratio still swings
 * between runs; five pairs for inspect). Uses the built CLI (`npm run build`): the bin runs
 * dist/electron/cli.cjs through its code cache, which the first (untimed) run of each side writes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigFragmentedMp4 } from './inputs';
import { median } from './measure';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/mwb.mjs');

/** Wall time of one process, its stdout read and thrown away. */
function timed(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}


async function pair(runs: number, ours: string[], baseline: string[]): Promise<{ ours: number; base: number }> {
  await timed(ours);
  await timed(baseline);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await timed(ours));
    b.push(await timed(baseline));
  }
  return { ours: median(a), base: median(b) };
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(root, 'dist/electron/cli.mjs'))) {
    console.log('CLI part skipped: dist/electron/cli.mjs is missing (run "npm run build"); the bin would fall back to tsx.');
    return;
  }
  const big = await bigFragmentedMp4({ log: (l) => process.stderr.write(`[cli] ${l}\n`) });

  const v = await pair(11, [bin, '--version'], ['-e', '0']);
  console.log('CLI cold start (whole processes, median of 11)          ms   baseline ms   ratio');
  console.log(`  mwb --version (bin) vs node -e 0              ${v.ours.toFixed(0).padStart(8)}   ${v.base.toFixed(0).padStart(11)}   ${(v.ours / v.base).toFixed(2)}× (target ≤ 2×)`);

  const i = await pair(5, [bin, 'inspect', big, '--json'], [path.join(root, 'test/bench/mp4box-process.mjs'), big]);
  console.log(`\nmwb inspect ~2 GB fMP4 --json (bin) vs mp4box.js process, median of 5      ms   baseline ms   ratio`);
  console.log(`  ${path.basename(big).padEnd(44)} ${i.ours.toFixed(0).padStart(8)}   ${i.base.toFixed(0).padStart(11)}   ${(i.base / i.ours).toFixed(1)}× faster (target ≥ 8×)`);
  const f = await pair(5, [path.join(root, 'test/bench/floor-inspect.cjs'), big], [path.join(root, 'test/bench/mp4box-process.mjs'), big]);
  console.log(`  floor: single-purpose reader, no engine        ${f.ours.toFixed(0).padStart(8)}   ${f.base.toFixed(0).padStart(11)}   ${(f.base / f.ours).toFixed(1)}× faster (node -e 0: ${v.base.toFixed(0)} ms)`);
}
