/**
 * Box inspector benchmark: time to the full box tree (fields decoded) of a ~2 GB fMP4 with ~1000
 * fragments and of a ~2 GB progressive MP4, for the engine versus mp4box.js fed sequentially
 * (appendBuffer of 4 MiB chunks read from the file), in this process; and the RSS growth of each.
 * Targets: ≥ 20× faster than mp4box.js on the fMP4, not slower on the progressive file, RSS growth
 * under 100 MB.
 */
import { open } from 'node:fs/promises';
import { createFile, Log, type MP4BoxBuffer } from 'mp4box';
import { openFileSource, parseBoxTree, visit } from '../../electron/core/boxes';
import { bigFragmentedMp4, bigProgressiveMp4 } from './inputs';
import { best, measure, type Measure } from './measure';

const CHUNK = 4 * 1024 * 1024;


async function engine(file: string): Promise<number> {
  const source = await openFileSource(file);
  try {
    const boxes = await parseBoxTree(source);
    let n = 0;
    visit(boxes, () => {
      n++;
    });
    return n;
  } finally {
    await source.close();
  }
}

async function mp4box(file: string): Promise<number> {
  Log.setLogLevel(Log.error);
  const iso = createFile();
  const handle = await open(file, 'r');
  try {
    let offset = 0;
    for (;;) {
      const chunk = new ArrayBuffer(CHUNK) as MP4BoxBuffer;
      const { bytesRead } = await handle.read(new Uint8Array(chunk), 0, CHUNK, offset);
      if (bytesRead === 0) break;
      const buf = (bytesRead === CHUNK ? chunk : chunk.slice(0, bytesRead)) as MP4BoxBuffer;
      buf.fileStart = offset;
      iso.appendBuffer(buf, offset + bytesRead >= (await handle.stat()).size);
      offset += bytesRead;
    }
    iso.flush();
  } finally {
    await handle.close();
  }
  return countMp4boxBoxes(iso.boxes);
}

/** Boxes mp4box.js parsed, counted like the engine: children of containers, sample entries and references too. */
export function countMp4boxBoxes(boxes: unknown[]): number {
  let n = 0;
  const count = (list: unknown[]) => {
    for (const b of list as Record<string, unknown>[]) {
      n++;
      for (const key of ['boxes', 'entries', 'references', 'item_infos']) {
        const arr = b[key];
        if (Array.isArray(arr) && arr.every((x) => typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string')) count(arr);
      }
    }
  };
  count(boxes);
  return n;
}


async function compare(label: string, file: string, target: string): Promise<void> {
  // Engine first (its RSS growth must not include mp4box.js's buffers). One unmeasured warm-up
  // run each (JIT, page cache), then the best of 5 (engine) and of 2 (mp4box.js, slower).
  await engine(file);
  const ours: Measure<number>[] = [];
  for (let i = 0; i < 5; i++) ours.push(await measure(() => engine(file)));
  await mp4box(file);
  const theirs: Measure<number>[] = [];
  for (let i = 0; i < 2; i++) theirs.push(await measure(() => mp4box(file)));
  const o = best(ours);
  const t = best(theirs);
  const ratio = t.ms / o.ms;
  const maxRss = Math.max(...ours.map((m) => m.rssGrowthMb));
  process.stdout.write(
    [
      `${label}: ${file}`,
      `  engine     ${o.ms.toFixed(1).padStart(8)} ms  (${o.value} boxes, runs: ${ours.map((m) => m.ms.toFixed(1)).join(', ')} ms)  peak RSS growth ${maxRss.toFixed(1)} MB`,
      `  mp4box.js  ${t.ms.toFixed(1).padStart(8)} ms  (${t.value} boxes, runs: ${theirs.map((m) => m.ms.toFixed(0)).join(', ')} ms)  peak RSS growth ${Math.max(...theirs.map((m) => m.rssGrowthMb)).toFixed(1)} MB`,
      `  ratio      ${ratio.toFixed(1)}× faster  (target ${target})`,
      '',
    ].join('\n'),
  );
}

export async function run(): Promise<void> {
  const log = (l: string) => process.stderr.write(`[inspect] ${l}\n`);
  const fragmented = await bigFragmentedMp4({ log });
  const progressive = await bigProgressiveMp4({ log });
  process.stdout.write('## inspect: full box tree, engine vs mp4box.js (sequential appendBuffer, 4 MiB chunks)\n');
  await compare('fragmented ~2 GB, ~1000 fragments', fragmented, '≥ 20×, RSS growth < 100 MB');
  await compare('progressive ~2 GB', progressive, '≥ 1×, RSS growth < 100 MB');
}
