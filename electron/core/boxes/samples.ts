/**
 * Per-track sample tables, from `stbl` (progressive files) and from `moof/traf/trun` with
 * `tfhd`/`trex` defaults (fragmented files). Both can appear in one file: `stbl` samples come
 * first. Times are raw media times in the track's timescale (edit lists are not applied).
 */
import { child, childrenOf, descend, num, numbers } from './parse';
import type { BoxNode, SampleRow, SampleTable } from './types';
import { isSyncFlags, TFHD, TRUN } from './vocabulary';

export interface SampleTableOptions {
  /** Refuse to build tables longer than this (memory bound against corrupt counts). Default 50 million. */
  maxSamples?: number;
  /** File size, to bound sample counts that a corrupt box could inflate. */
  fileSize?: number;
}

/** The `trak` of a track id, or undefined. */
export function findTrak(boxes: BoxNode[], trackId: number): BoxNode | undefined {
  const moov = boxes.find((b) => b.type === 'moov');
  return childrenOf(moov, 'trak').find((t) => num(child(t, 'tkhd'), 'track_id') === trackId);
}

/** The `trex` of a track id, or undefined. */
export function findTrex(boxes: BoxNode[], trackId: number): BoxNode | undefined {
  const mvex = descend(boxes.find((b) => b.type === 'moov'), 'mvex');
  return childrenOf(mvex, 'trex').find((t) => num(t, 'track_id') === trackId);
}

interface Builder {
  table: SampleTable;
  n: number;
}

function allocate(trackId: number, timescale: number, count: number): SampleTable {
  return {
    trackId,
    timescale,
    count,
    dts: new Float64Array(count),
    cts: new Float64Array(count),
    duration: new Uint32Array(count),
    size: new Uint32Array(count),
    offset: new Float64Array(count),
    isSync: new Uint8Array(count),
    fragment: new Int32Array(count),
    descriptionIndex: new Uint32Array(count),
    warnings: [],
  };
}

/** Count the samples `stbl` declares, bounded by what its boxes actually hold. */
function stblCount(stbl: BoxNode | undefined, fileSize: number): { count: number; warnings: string[] } {
  const warnings: string[] = [];
  if (!stbl) return { count: 0, warnings };
  const stsz = child(stbl, 'stsz');
  const stz2 = child(stbl, 'stz2');
  let count = 0;
  if (stsz) {
    const constant = num(stsz, 'sample_size') ?? 0;
    const declared = num(stsz, 'sample_count') ?? 0;
    if (constant > 0) {
      const bound = Math.floor(fileSize / constant) + 1;
      count = Math.min(declared, bound);
      if (count < declared) warnings.push(`stsz declares ${declared} samples of ${constant} bytes, more than the file can hold; using ${count}.`);
    } else {
      count = numbers(stsz, 'sample_sizes').length;
      if (count < declared) warnings.push(`stsz declares ${declared} samples but lists ${count} sizes.`);
    }
  } else if (stz2) {
    count = numbers(stz2, 'sample_sizes').length;
  }
  return { count, warnings };
}

function fillFromStbl(b: Builder, stbl: BoxNode, count: number): void {
  const t = b.table;
  const base = b.n;
  const stsz = child(stbl, 'stsz') ?? child(stbl, 'stz2');
  const constant = stsz?.type === 'stsz' ? (num(stsz, 'sample_size') ?? 0) : 0;
  const sizes = numbers(stsz, 'sample_sizes');
  for (let i = 0; i < count; i++) t.size[base + i] = constant > 0 ? constant : (sizes[i] ?? 0);

  // Decode times (stts), composition offsets (ctts).
  const sttsCounts = numbers(child(stbl, 'stts'), 'sample_counts');
  const sttsDeltas = numbers(child(stbl, 'stts'), 'sample_deltas');
  let i = 0;
  let dts = 0;
  let covered = 0;
  for (let e = 0; e < sttsCounts.length && i < count; e++) {
    const delta = sttsDeltas[e] ?? 0;
    for (let k = 0; k < sttsCounts[e]! && i < count; k++, i++) {
      t.dts[base + i] = dts;
      t.duration[base + i] = delta;
      dts += delta;
    }
    covered += sttsCounts[e]!;
  }
  if (covered < count) t.warnings.push(`stts covers ${covered} of ${count} samples.`);
  for (; i < count; i++) t.dts[base + i] = dts;

  const cttsCounts = numbers(child(stbl, 'ctts'), 'sample_counts');
  const cttsOffsets = numbers(child(stbl, 'ctts'), 'sample_offsets');
  i = 0;
  for (let e = 0; e < cttsCounts.length && i < count; e++) {
    const off = cttsOffsets[e] ?? 0;
    for (let k = 0; k < cttsCounts[e]! && i < count; k++, i++) t.cts[base + i] = t.dts[base + i]! + off;
  }
  for (; i < count; i++) t.cts[base + i] = t.dts[base + i]!;

  // Sync samples (stss); without stss every sample is a sync sample.
  const stss = child(stbl, 'stss');
  if (stss) {
    const numbersList = numbers(stss, 'sample_numbers');
    for (let k = 0; k < numbersList.length; k++) {
      const s = numbersList[k]! - 1;
      if (s >= 0 && s < count) t.isSync[base + s] = 1;
    }
  } else {
    t.isSync.fill(1, base, base + count);
  }

  // Offsets: chunks (stco/co64) and samples per chunk (stsc).
  const chunkOffsets = numbers(child(stbl, 'stco') ?? child(stbl, 'co64'), 'chunk_offsets');
  const firstChunk = numbers(child(stbl, 'stsc'), 'first_chunk');
  const perChunk = numbers(child(stbl, 'stsc'), 'samples_per_chunk');
  const sdi = numbers(child(stbl, 'stsc'), 'sample_description_index');
  i = 0;
  for (let e = 0; e < firstChunk.length && i < count; e++) {
    const from = firstChunk[e]! - 1;
    const to = e + 1 < firstChunk.length ? firstChunk[e + 1]! - 1 : chunkOffsets.length;
    const spc = perChunk[e]!;
    if (spc === 0) continue;
    for (let c = Math.max(0, from); c < to && c < chunkOffsets.length && i < count; c++) {
      let off = chunkOffsets[c]!;
      for (let k = 0; k < spc && i < count; k++, i++) {
        t.offset[base + i] = off;
        t.descriptionIndex[base + i] = sdi[e] ?? 1;
        off += t.size[base + i]!;
      }
    }
  }
  if (i < count && count > 0) t.warnings.push(`stsc/stco locate ${i} of ${count} samples.`);
  t.fragment.fill(-1, base, base + count);
  b.n += count;
}

interface TrafPlan {
  moof: BoxNode;
  fragment: number;
  traf: BoxNode;
  count: number;
}

/** Samples of zero size that a run may claim (beyond this a count is taken as corrupt). */
const MAX_EMPTY_RUN = 65_536;

/** The trafs of a track in file order, with their sample counts (bounded). */
function trafsOf(boxes: BoxNode[], trackId: number, trex: BoxNode | undefined, fileSize: number): TrafPlan[] {
  const plans: TrafPlan[] = [];
  let fragment = 0;
  for (const moof of boxes) {
    if (moof.type !== 'moof') continue;
    for (const traf of childrenOf(moof, 'traf')) {
      const tfhd = child(traf, 'tfhd');
      if (num(tfhd, 'track_id') !== trackId) continue;
      const defSize = (tfhd?.flags ?? 0) & TFHD.DEFAULT_SAMPLE_SIZE ? (num(tfhd, 'default_sample_size') ?? 0) : (num(trex, 'default_sample_size') ?? 0);
      let count = 0;
      for (const trun of childrenOf(traf, 'trun')) count += trunCount(trun, defSize, fileSize);
      plans.push({ moof, fragment, traf, count });
    }
    fragment++;
  }
  return plans;
}

/**
 * Samples in a run: the declared count, cut to the per-sample arrays actually present (the
 * decoder stops at the box end), or, without a size per sample, to what the file can hold.
 */
function trunCount(trun: BoxNode, defaultSize: number, fileSize: number): number {
  const declared = num(trun, 'sample_count') ?? 0;
  const flags = trun.flags ?? 0;
  let count = declared;
  if (flags & (TRUN.SAMPLE_DURATION | TRUN.SAMPLE_SIZE | TRUN.SAMPLE_FLAGS | TRUN.SAMPLE_COMPOSITION_TIME_OFFSET)) {
    const lengths = ['sample_duration', 'sample_size', 'sample_flags', 'sample_composition_time_offset']
      .map((name) => numbers(trun, name).length)
      .filter((l) => l > 0);
    count = lengths.length ? Math.min(declared, ...lengths) : 0;
  }
  if (!(flags & TRUN.SAMPLE_SIZE)) count = Math.min(count, defaultSize > 0 ? Math.floor(fileSize / defaultSize) + 1 : MAX_EMPTY_RUN);
  return count;
}

/** A traf's sample defaults: its tfhd's where the flags say they are present, else the trex's. */
function trafDefaults(tfhd: BoxNode, trex: BoxNode | undefined): { defDur: number; defSize: number; defFlags: number; defSdi: number } {
  const tf = tfhd.flags ?? 0;
  return {
    defDur: tf & TFHD.DEFAULT_SAMPLE_DURATION ? (num(tfhd, 'default_sample_duration') ?? 0) : (num(trex, 'default_sample_duration') ?? 0),
    defSize: tf & TFHD.DEFAULT_SAMPLE_SIZE ? (num(tfhd, 'default_sample_size') ?? 0) : (num(trex, 'default_sample_size') ?? 0),
    defFlags: tf & TFHD.DEFAULT_SAMPLE_FLAGS ? (num(tfhd, 'default_sample_flags') ?? 0) : (num(trex, 'default_sample_flags') ?? 0),
    defSdi: tf & TFHD.SAMPLE_DESCRIPTION_INDEX ? (num(tfhd, 'default_sample_description_index') ?? 1) : (num(trex, 'default_sample_description_index') ?? 1),
  };
}

function fillFromFragments(b: Builder, plans: TrafPlan[], trex: BoxNode | undefined, startDts: number, fileSize: number): void {
  const t = b.table;
  let runningDts = startDts;
  let lastMoof: BoxNode | null = null;
  let prevDataEnd = 0;
  for (const plan of plans) {
    const { traf, moof } = plan;
    const tfhd = child(traf, 'tfhd')!;
    const tf = tfhd.flags ?? 0;
    const firstInMoof = lastMoof !== moof;
    lastMoof = moof;
    let base: number;
    if (tf & TFHD.BASE_DATA_OFFSET) base = num(tfhd, 'base_data_offset') ?? 0;
    else if (tf & TFHD.DEFAULT_BASE_IS_MOOF || firstInMoof) base = moof.offset;
    else base = prevDataEnd;
    const { defDur, defSize, defFlags, defSdi } = trafDefaults(tfhd, trex);
    const tfdt = child(traf, 'tfdt');
    let dts = tfdt ? (num(tfdt, 'baseMediaDecodeTime') ?? runningDts) : runningDts;
    let pos = base;
    let budget = plan.count;
    for (const trun of childrenOf(traf, 'trun')) {
      const rf = trun.flags ?? 0;
      const n = Math.min(trunCount(trun, defSize, fileSize), budget);
      budget -= n;
      if (rf & TRUN.DATA_OFFSET) pos = base + (num(trun, 'data_offset') ?? 0);
      const durs = numbers(trun, 'sample_duration');
      const sizes = numbers(trun, 'sample_size');
      const flags = numbers(trun, 'sample_flags');
      const ctos = numbers(trun, 'sample_composition_time_offset');
      const first = rf & TRUN.FIRST_SAMPLE_FLAGS ? (num(trun, 'first_sample_flags') ?? defFlags) : undefined;
      for (let i = 0; i < n; i++) {
        const k = b.n++;
        const dur = rf & TRUN.SAMPLE_DURATION ? durs[i]! : defDur;
        const size = rf & TRUN.SAMPLE_SIZE ? sizes[i]! : defSize;
        const sf = rf & TRUN.SAMPLE_FLAGS ? flags[i]! : i === 0 && first !== undefined ? first : defFlags;
        t.dts[k] = dts;
        t.cts[k] = dts + (rf & TRUN.SAMPLE_COMPOSITION_TIME_OFFSET ? ctos[i]! : 0);
        t.duration[k] = dur;
        t.size[k] = size;
        t.offset[k] = pos;
        t.isSync[k] = isSyncFlags(sf) ? 1 : 0;
        t.fragment[k] = plan.fragment;
        t.descriptionIndex[k] = defSdi;
        dts += dur;
        pos += size;
      }
    }
    prevDataEnd = pos;
    runningDts = dts;
  }
}

/**
 * Build the sample table of a track from a parsed tree. Returns `null` when the file has no such
 * track. Never throws on inconsistent tables: what cannot be located is reported in `warnings`.
 */
interface TrackPlan {
  timescale: number;
  stbl: BoxNode | undefined;
  /** Samples taken from stbl (after the cap). */
  stblN: number;
  trex: BoxNode | undefined;
  /** Fragments' trafs, their counts cut so that stblN + their sum = total. */
  plans: TrafPlan[];
  total: number;
  fileSize: number;
  warnings: string[];
}

/** Where a track's samples are and how many of them to list; null when there is no such track. */
function planTrack(boxes: BoxNode[], trackId: number, options: SampleTableOptions): TrackPlan | null {
  const trak = findTrak(boxes, trackId);
  const hasFragments = boxes.some((b) => b.type === 'moof' && childrenOf(b, 'traf').some((t) => num(child(t, 'tfhd'), 'track_id') === trackId));
  if (!trak && !hasFragments) return null;
  const fileSize = options.fileSize ?? Number.MAX_SAFE_INTEGER;
  const maxSamples = options.maxSamples ?? 50_000_000;
  const timescale = num(descend(trak, 'mdia', 'mdhd'), 'timescale') ?? 0;
  const stbl = descend(trak, 'mdia', 'minf', 'stbl');
  const fromStbl = stblCount(stbl, fileSize);
  const trex = findTrex(boxes, trackId);
  const plans = trafsOf(boxes, trackId, trex, fileSize);
  let fragCount = 0;
  for (const p of plans) fragCount += p.count;
  const warnings = [...fromStbl.warnings];
  let total = fromStbl.count + fragCount;
  if (total > maxSamples) {
    warnings.push(`The track declares ${total} samples; only the first ${maxSamples} are listed.`);
    total = maxSamples;
  }
  const stblN = Math.min(fromStbl.count, total);
  let remaining = total - stblN;
  for (const p of plans) {
    p.count = Math.min(p.count, remaining);
    remaining -= p.count;
  }
  return { timescale, stbl, stblN, trex, plans, total, fileSize, warnings };
}

export function sampleTable(boxes: BoxNode[], trackId: number, options: SampleTableOptions = {}): SampleTable | null {
  const plan = planTrack(boxes, trackId, options);
  if (!plan) return null;
  const { stbl, stblN, plans, trex, total, fileSize } = plan;
  const table = allocate(trackId, plan.timescale, total);
  table.warnings.push(...plan.warnings);
  const b: Builder = { table, n: 0 };
  if (stbl && stblN > 0) fillFromStbl(b, stbl, stblN);
  if (plans.length) {
    const last = b.n > 0 ? table.dts[b.n - 1]! + table.duration[b.n - 1]! : 0;
    fillFromFragments(b, plans, trex, last, fileSize);
  }
  return table;
}

/**
 * `summarize(sampleTable(…))` without building the table: the same counts, read straight from the
 * boxes (no per-sample arrays). Track summaries of a cold parse use this, so opening a file with
 * a million samples does not allocate tables nobody asked for yet.
 */
export function sampleSummary(boxes: BoxNode[], trackId: number, options: SampleTableOptions = {}): SampleSummary | null {
  const plan = planTrack(boxes, trackId, options);
  if (!plan) return null;
  const { stbl, stblN, plans, trex, fileSize } = plan;
  let bytes = 0;
  let syncCount = 0;
  let first = 0;
  let end = 0;
  if (stbl && stblN > 0) {
    const stsz = child(stbl, 'stsz') ?? child(stbl, 'stz2');
    const constant = stsz?.type === 'stsz' ? (num(stsz, 'sample_size') ?? 0) : 0;
    if (constant > 0) bytes += constant * stblN;
    else {
      const sizes = numbers(stsz, 'sample_sizes');
      for (let i = 0; i < stblN && i < sizes.length; i++) bytes += sizes[i]!;
    }
    const stss = child(stbl, 'stss');
    if (stss) {
      const seen = new Uint8Array(stblN);
      const list = numbers(stss, 'sample_numbers');
      for (let k = 0; k < list.length; k++) {
        const s = list[k]! - 1;
        if (s >= 0 && s < stblN && !seen[s]) {
          seen[s] = 1;
          syncCount++;
        }
      }
    } else syncCount += stblN;
    // The decode time after the last listed sample (samples beyond stts keep the final time and
    // no duration, as in the table).
    const counts = numbers(child(stbl, 'stts'), 'sample_counts');
    const deltas = numbers(child(stbl, 'stts'), 'sample_deltas');
    let left = stblN;
    for (let e = 0; e < counts.length && left > 0; e++) {
      const n = Math.min(counts[e]!, left);
      end += n * (deltas[e] ?? 0);
      left -= n;
    }
  }
  let fragments = 0;
  let started = stblN > 0;
  let runningDts = end;
  for (const p of plans) {
    const tfhd = child(p.traf, 'tfhd')!;
    const { defDur, defSize, defFlags } = trafDefaults(tfhd, trex);
    const tfdt = child(p.traf, 'tfdt');
    let dts = tfdt ? (num(tfdt, 'baseMediaDecodeTime') ?? runningDts) : runningDts;
    let budget = p.count;
    if (budget > 0 && !started) {
      first = dts;
      started = true;
    }
    for (const trun of childrenOf(p.traf, 'trun')) {
      const rf = trun.flags ?? 0;
      const n = Math.min(trunCount(trun, defSize, fileSize), budget);
      budget -= n;
      if (rf & TRUN.SAMPLE_DURATION) {
        const durs = numbers(trun, 'sample_duration');
        for (let i = 0; i < n; i++) dts += durs[i]!;
      } else dts += n * defDur;
      if (rf & TRUN.SAMPLE_SIZE) {
        const sizes = numbers(trun, 'sample_size');
        for (let i = 0; i < n; i++) bytes += sizes[i]!;
      } else bytes += n * defSize;
      if (rf & TRUN.SAMPLE_FLAGS) {
        const flags = numbers(trun, 'sample_flags');
        for (let i = 0; i < n; i++) if (isSyncFlags(flags[i]!)) syncCount++;
      } else if (n > 0) {
        const firstFlags = rf & TRUN.FIRST_SAMPLE_FLAGS ? (num(trun, 'first_sample_flags') ?? defFlags) : defFlags;
        syncCount += (isSyncFlags(firstFlags) ? 1 : 0) + (isSyncFlags(defFlags) ? n - 1 : 0);
      }
    }
    runningDts = dts;
    if (p.count > 0) end = dts;
  }
  // Distinct fragments holding at least one sample (a moof may carry several trafs of the track).
  let lastFragment = -1;
  for (const p of plans) {
    if (p.count > 0 && p.fragment !== lastFragment) {
      fragments++;
      lastFragment = p.fragment;
    }
  }
  return { count: plan.total, bytes, syncCount, span: plan.total ? end - first : 0, fragments };
}

/** Rows `[start, start + count)` of a table, for display and JSON. */
export function sampleRows(table: SampleTable, start = 0, count = table.count): SampleRow[] {
  const from = Math.max(0, Math.min(start, table.count));
  const to = Math.min(table.count, from + Math.max(0, count));
  const rows: SampleRow[] = [];
  for (let i = from; i < to; i++) {
    rows.push({
      index: i,
      dts: table.dts[i]!,
      cts: table.cts[i]!,
      duration: table.duration[i]!,
      size: table.size[i]!,
      offset: table.offset[i]!,
      isSync: table.isSync[i] === 1,
      fragment: table.fragment[i]!,
      descriptionIndex: table.descriptionIndex[i]!,
    });
  }
  return rows;
}

export interface SampleSummary {
  count: number;
  bytes: number;
  syncCount: number;
  /** Decode time span (first dts to last dts + duration), in timescale units. */
  span: number;
  fragments: number;
}

export function summarize(table: SampleTable): SampleSummary {
  let bytes = 0;
  let syncCount = 0;
  const frags = new Set<number>();
  for (let i = 0; i < table.count; i++) {
    bytes += table.size[i]!;
    syncCount += table.isSync[i]!;
    if (table.fragment[i]! >= 0) frags.add(table.fragment[i]!);
  }
  const span = table.count ? table.dts[table.count - 1]! + table.duration[table.count - 1]! - table.dts[0]! : 0;
  return { count: table.count, bytes, syncCount, span, fragments: frags.size };
}
