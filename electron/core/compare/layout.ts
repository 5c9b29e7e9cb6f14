/**
 * Sample layout: where each track's data sits, independent of absolute offsets.
 *
 * Offsets (`stco`/`co64`, `trun.data_offset`, `tfhd.base_data_offset`) change whenever a box before
 * the data changes size: a bigger `moov`, a `trun` that lists durations, one more SPS in a sample.
 * Reported as differences they would drown the change that caused them. So each side's samples
 * are reduced to runs (contiguous samples of one track), and each fragment (and the `stbl` part of
 * a file) to a signature: the runs in file order with their track and the gap before them (from
 * the start of the enclosing `mdat` payload or from the previous run). When two matched fragments
 * have the same signature, their offsets differ only because things moved, and are not reported.
 */
import { sampleTable, type BoxNode } from '../boxes';
import type { LoadedSide } from './load';

export interface Layout {
  /** Signature per `moof` node. */
  byMoof: Map<BoxNode, string>;
  /** Signature of the samples described by `stbl` (progressive files), if any. */
  progressive?: string;
  /** The sample tables, by track id (reused by the summary). */
  tables: Map<number, NonNullable<ReturnType<typeof sampleTable>>>;
  /** Samples whose bytes do not lie inside one `mdat` (of the file holding them), and all samples. */
  outside: number;
  samples: number;
}

interface Run {
  track: string;
  start: number;
  end: number;
  /** Number of samples in the run. */
  count: number;
}

/** Index of the box in `sorted` (by offset) that contains `offset`, or -1. */
export function containing(sorted: BoxNode[], offset: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = sorted[mid]!;
    if (offset < b.offset) hi = mid - 1;
    else if (offset >= b.offset + b.size) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Index of the first box of `sorted` (by offset) that starts after `offset` (length when none). */
function firstAfter(sorted: BoxNode[], offset: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.offset > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function signature(runs: Run[], mdats: BoxNode[], firstMdat: number): string {
  runs.sort((x, y) => x.start - y.start || x.end - y.end);
  const parts: string[] = [];
  let prevMdat = -2;
  let prevEnd = 0;
  for (const r of runs) {
    const m = containing(mdats, r.start);
    if (m < 0) {
      parts.push(`${r.track}:outside`);
      prevMdat = -2;
      continue;
    }
    const payload = mdats[m]!.offset + mdats[m]!.headerSize;
    const gap = m === prevMdat ? r.start - prevEnd : r.start - payload;
    parts.push(`${r.track}:${m === prevMdat ? '' : `m${m - firstMdat}`}+${gap}`);
    prevMdat = m;
    prevEnd = r.end;
  }
  return parts.join(',');
}

export function sampleLayout(side: LoadedSide): Layout {
  const tables: Layout['tables'] = new Map();
  const fragments = new Map<number, Run[]>();
  const stblRuns: Run[] = [];
  for (const track of side.tracks) {
    const table = sampleTable(side.boxes, track.id, { fileSize: Math.max(side.mainSize, side.initSize) });
    if (!table) continue;
    tables.set(track.id, table);
    let run: Run | null = null;
    let runFragment = -2;
    for (let i = 0; i < table.count; i++) {
      const off = table.offset[i]!;
      const size = table.size[i]!;
      const frag = table.fragment[i]!;
      if (run && frag === runFragment && off === run.end) {
        run.end += size;
        run.count++;
        continue;
      }
      run = { track: track.key, start: off, end: off + size, count: 1 };
      runFragment = frag;
      if (frag < 0) stblRuns.push(run);
      else {
        const list = fragments.get(frag) ?? [];
        list.push(run);
        fragments.set(frag, list);
      }
    }
  }
  const byMoof = new Map<BoxNode, string>();
  let outside = 0;
  let samples = 0;
  const count = (runs: Run[], mdats: BoxNode[]) => {
    for (const r of runs) {
      samples += r.count;
      const m = containing(mdats, r.start);
      if (m < 0 || r.end > mdats[m]!.offset + mdats[m]!.size) outside += r.count;
    }
  };
  for (const [frag, runs] of fragments) {
    count(runs, side.mdats);
    const moof = side.moofs[frag];
    if (!moof) continue;
    // The mdat that should follow this moof: the first one after it.
    const first = firstAfter(side.mdats, moof.offset);
    byMoof.set(moof, signature(runs, side.mdats, first));
  }
  const layout: Layout = { byMoof, tables, outside: 0, samples: 0 };
  if (stblRuns.length) {
    // stbl samples live in the file that holds the moov (the init, when one is given).
    const moovInInit = side.init.some((b) => b.type === 'moov');
    const mdats = (moovInInit ? side.init : side.main).filter((b) => b.type === 'mdat');
    count(stblRuns, mdats);
    layout.progressive = signature(stblRuns, mdats, 0);
  }
  layout.outside = outside;
  layout.samples = samples;
  return layout;
}
