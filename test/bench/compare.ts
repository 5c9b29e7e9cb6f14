/**
 * Compare benchmark: `compareFiles` on two ~2 GB fMP4s with ~1000 fragments each (the inspector
 * benchmark's file, and the same media re-muxed without `default_base_moof`, so every fragment's
 * tfhd differs and every offset moved), against a baseline measured in this process: parsing the
 * two box trees alone. Prints the time (target < 2 s), the ratio to the baseline, and the peak RSS
 * growth (target: bounded, well under the files' size).
 */
import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseBoxTree } from '../../electron/core/boxes';
import { openFileSource } from '../../electron/core/boxes/file-source';
import { compareFiles } from '../../electron/core/compare/files';
import { ffmpeg, run as runProcess } from '../fixtures/generate';
import { BENCH_CACHE, bigFragmentedMp4 } from './inputs';
import { best, measure, type Measure } from './measure';


/** The big fMP4 stream-copied with `frag_keyframe+empty_moov` (absolute base data offsets): seconds, not minutes. */
async function remuxedWithoutDefaultBase(source: string, log: (l: string) => void): Promise<string> {
  const out = path.join(BENCH_CACHE, 'big-fragmented-2GB-no-default-base.mp4');
  if (existsSync(out)) return out;
  const tmp = path.join(BENCH_CACHE, `${process.pid}.${Date.now()}.tmp.no-default-base.mp4`);
  log(`generating ${out} (once; cached afterwards)…`);
  try {
    await runProcess(ffmpeg(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', source, '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4', tmp]);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  return out;
}


async function parseBoth(a: string, b: string): Promise<void> {
  for (const file of [a, b]) {
    const source = await openFileSource(file);
    try {
      await parseBoxTree(source);
    } finally {
      await source.close();
    }
  }
}


export async function run(): Promise<void> {
  const log = (l: string) => process.stderr.write(`[compare] ${l}\n`);
  const a = await bigFragmentedMp4({ log });
  const b = await remuxedWithoutDefaultBase(a, log);
  const size = ((await stat(a)).size + (await stat(b)).size) / 1e9;

  // The very first comparison in a fresh process (cold JIT), as `mwb diff` experiences it.
  const cold = await measure(() => compareFiles({ file: a }, { file: b }));
  const baseline: Measure<unknown>[] = [];
  const full: Measure<unknown>[] = [];
  // Alternate baseline and comparison, best of 5 each: other processes share the CPU.
  for (let i = 0; i < 5; i++) {
    baseline.push(await measure(() => parseBoth(a, b)));
    full.push(await measure(() => compareFiles({ file: a }, { file: b })));
  }
  const result = (await compareFiles({ file: a }, { file: b })).result;
  const p = best(baseline);
  const c = best(full);
  const differing = result.summary.filter((s) => !s.same).map((s) => s.id);
  process.stdout.write(
    [
      `## compare: two fMP4s, ${size.toFixed(2)} GB together, ${result.a.boxes} + ${result.b.boxes} boxes`,
      `  a: ${a}`,
      `  b: ${b}`,
      `  parse both trees (baseline)  ${p.ms.toFixed(1).padStart(8)} ms  (runs: ${baseline.map((m) => m.ms.toFixed(0)).join(', ')} ms)`,
      `  compareFiles                 ${c.ms.toFixed(1).padStart(8)} ms  (runs: ${full.map((m) => m.ms.toFixed(0)).join(', ')} ms; first in process ${cold.ms.toFixed(0)} ms)  target < 2000 ms`,
      `  ratio to baseline            ${(c.ms / p.ms).toFixed(2)}×  (alignment, field diff, layout and summary cost ${(c.ms - p.ms).toFixed(0)} ms)`,
      `  peak RSS growth              ${Math.max(cold.rssGrowthMb, ...full.map((m) => m.rssGrowthMb)).toFixed(1)} MB (baseline ${Math.max(...baseline.map((m) => m.rssGrowthMb)).toFixed(1)} MB)`,
      `  found: summary ${differing.join(', ')}; ${result.reported.length} reported differences from ${result.differences.length}; ${result.ignored.position} offsets ignored as moved`,
      '',
    ].join('\n'),
  );
}
