/**
 * The box tree of a fragmented file found through its index instead of a walk from box to box.
 *
 * Walking a remote fMP4 costs one round trip per top-level box: 1,000 fragments at 50 ms is close
 * to two minutes. When the file says where its fragments are (`sidx` references before the first
 * `moof`, or `mfra`/`tfra` at the end, found through the trailing `mfro`), every fragment's region
 * is parsed on its own, several at a time. The result is the same tree as `parseBoxTree`: when the
 * index does not match the file (a region that does not start with a fragment, or whose boxes do
 * not end where the next region starts), the rest is walked box by box instead.
 */
import { assignPaths, DEFAULTS, parseBoxTree, visit } from './parse';
import type { ByteSource } from './source';
import type { BoxNode, ParseOptions } from './types';

export interface IndexedParseOptions extends ParseOptions {
  /** Regions (or batches of regions) fetched and parsed at the same time. Default 8. */
  concurrency?: number;
  /** Regions whose heads are asked for in one request, when the source can. Default 32. */
  batch?: number;
  /**
   * Called as regions complete (at most every `progressMs`, and once at the end) with the boxes
   * known so far: the head and the contiguous run of completed fragments after it, with paths.
   */
  onProgress?: (progress: IndexedProgress) => void;
  progressMs?: number;
}

export interface IndexedProgress {
  boxes: BoxNode[];
  /** Fragments parsed of `total` (through an index), or bytes walked of `total` (`unit: 'bytes'`). */
  done: number;
  total: number;
  unit: 'fragments' | 'bytes';
  final: boolean;
}

export interface IndexedTree {
  boxes: BoxNode[];
  /** Where the fragment offsets came from; null when the file was walked box by box. */
  index: 'mfra' | 'sidx' | null;
  /** Regions parsed from the index. */
  fragments: number;
}

/** Types a fragment region may start with (a segment may open with styp, sidx, emsg or prft). */
const REGION_START = new Set(['moof', 'styp', 'sidx', 'ssix', 'emsg', 'prft', 'free', 'skip']);

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

function typeAt(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/** Offsets of the subsegments a top-level `sidx` points to (single-level indexes only). */
function sidxStarts(sidx: BoxNode): number[] | null {
  const refs = sidx.fields.references as { reference_type?: number; referenced_size?: number }[] | undefined;
  const firstOffset = Number(sidx.fields.first_offset ?? 0);
  if (!Array.isArray(refs) || !refs.length || refs.some((r) => r.reference_type === 1)) return null;
  const out: number[] = [];
  let at = sidx.offset + sidx.size + firstOffset;
  for (const r of refs) {
    out.push(at);
    at += Number(r.referenced_size ?? 0);
  }
  return out;
}

/** `mfra` through the `mfro` at the end: its offset and the moof offsets of its `tfra` boxes. */
async function mfraIndex(source: ByteSource, options: ParseOptions): Promise<{ start: number; boxes: BoxNode[]; moofs: number[] } | null> {
  if (source.size < 16 + 16) return null;
  const tail = await source.read(source.size - 16, 16);
  if (tail.length < 16 || u32(tail, 0) !== 16 || typeAt(tail, 4) !== 'mfro') return null;
  const mfraSize = u32(tail, 12);
  const start = source.size - mfraSize;
  if (mfraSize < 16 + 8 || start < 0) return null;
  const head = await source.read(start, 8);
  if (head.length < 8 || typeAt(head, 4) !== 'mfra' || u32(head, 0) !== mfraSize) return null;
  const boxes = await parseBoxTree(source, { ...options, start, end: source.size });
  const mfra = boxes[0];
  if (!mfra || mfra.type !== 'mfra' || mfra.error) return null;
  const moofs: number[] = [];
  for (const tfra of mfra.children ?? []) {
    if (tfra.type !== 'tfra') continue;
    const entries = tfra.fields.entries as { moof_offset?: number }[] | undefined;
    for (const e of entries ?? []) if (typeof e.moof_offset === 'number') moofs.push(e.moof_offset);
  }
  return { start, boxes, moofs };
}

/** Parse `source` using its fragment index when it has one; the same tree as `parseBoxTree`. */
export async function parseBoxTreeIndexed(source: ByteSource, options: IndexedParseOptions = {}): Promise<IndexedTree> {
  const size = source.size;
  const maxNodes = options.maxNodes ?? DEFAULTS.maxNodes;
  const base: ParseOptions = { maxDepth: options.maxDepth, maxDecodeBytes: options.maxDecodeBytes, decode: options.decode };
  const whole = async (): Promise<IndexedTree> => {
    const boxes = await parseBoxTree(source, options);
    options.onProgress?.({ boxes, done: size, total: size, unit: 'bytes', final: true });
    return { boxes, index: null, fragments: 0 };
  };

  /**
   * No index (or one that lied): the rest box by box from `from`, after `before`, reporting the
   * boxes so far as it goes; anything odd (a size that cannot be right, a box cut by the end) is
   * left to `parseBoxTree` for what remains, which reports it as it always does.
   */
  const sequential = async (before: BoxNode[], from: number): Promise<IndexedTree> => {
    const out = [...before];
    let at = from;
    let last = Date.now();
    while (at < size) {
      const h = await source.read(at, 16);
      const size32 = h.length >= 8 ? u32(h, 0) : 0;
      const boxSize = size32 === 1 && h.length >= 16 ? u32(h, 8) * 0x100000000 + u32(h, 12) : size32;
      if (h.length < 8 || boxSize < 8 || at + boxSize > size || nodes >= maxNodes) {
        out.push(...(await parseBoxTree(source, { ...options, maxNodes: Math.max(1, maxNodes - nodes), start: at, end: size })));
        at = size;
        break;
      }
      const one = await parseBoxTree(source, { ...base, maxNodes: maxNodes - nodes, start: at, end: at + boxSize });
      visit(one, () => void nodes++);
      out.push(...one);
      at += boxSize;
      if (options.onProgress && Date.now() - last >= (options.progressMs ?? 250)) {
        last = Date.now();
        assignPaths(out, '');
        options.onProgress({ boxes: out, done: at, total: size, unit: 'bytes', final: false });
      }
    }
    assignPaths(out, '');
    options.onProgress?.({ boxes: out, done: size, total: size, unit: 'bytes', final: true });
    return { boxes: out, index: null, fragments: 0 };
  };

  // The head: every top-level box before the first fragment, one at a time.
  const head: BoxNode[] = [];
  let pos = 0;
  let nodes = 0;
  for (;;) {
    if (pos >= size) return whole();
    const h = await source.read(pos, 16);
    if (h.length < 8) return whole();
    const type = typeAt(h, 4);
    const size32 = u32(h, 0);
    const boxSize = size32 === 1 && h.length >= 16 ? u32(h, 8) * 0x100000000 + u32(h, 12) : size32;
    if (REGION_START.has(type) && type !== 'sidx' && type !== 'free' && type !== 'skip') break;
    if (boxSize < 8 || pos + boxSize > size) return whole();
    const boxes = await parseBoxTree(source, { ...base, maxNodes: maxNodes - nodes, start: pos, end: pos + boxSize });
    if (boxes.length !== 1 || boxes[0]!.error) return whole();
    visit(boxes, () => void nodes++);
    head.push(boxes[0]!);
    pos += boxSize;
  }
  const firstFragment = pos;

  let index: IndexedTree['index'] = null;
  const starts = new Set<number>([firstFragment]);
  for (const b of head) {
    if (b.type !== 'sidx') continue;
    const list = sidxStarts(b);
    if (list) {
      index = 'sidx';
      for (const s of list) starts.add(s);
    }
  }
  const mfra = await mfraIndex(source, base);
  const end = mfra ? mfra.start : size;
  if (mfra && mfra.moofs.length) {
    index ??= 'mfra';
    for (const s of mfra.moofs) starts.add(s);
  }
  if (!index) return sequential(head, firstFragment);
  const sorted = [...starts].filter((s) => s >= firstFragment && s < end).sort((a, b) => a - b);
  const regions = sorted.map((s, i) => ({ start: s, end: sorted[i + 1] ?? end }));

  const results: (BoxNode[] | null)[] = regions.map(() => null);
  let ok = true;
  let next = 0;
  let done = 0;
  let lastReport = 0;
  const progressMs = options.progressMs ?? 250;
  const prefix = (): BoxNode[] => {
    const out = [...head];
    for (const r of results) {
      if (!r) break;
      out.push(...r);
    }
    return out;
  };
  const report = (final: boolean) => {
    if (!options.onProgress) return;
    const now = Date.now();
    if (!final && now - lastReport < progressMs) return;
    lastReport = now;
    const boxes = prefix();
    if (!final) assignPaths(boxes, '');
    options.onProgress({ boxes, done, total: regions.length, unit: 'fragments', final });
  };
  // Fetch the regions' heads (the moof and the mdat header after it) ahead, a batch per request
  // when the server takes several ranges at once. The guess follows the biggest moof seen so far
  // (they are alike within a file); a bigger one costs one more request for itself.
  let guess = 8 * 1024;
  const batch = Math.max(1, options.batch ?? 32);
  const worker = async () => {
    while (ok && next < regions.length) {
      const from = next;
      const to = Math.min(regions.length, from + batch);
      next = to;
      await source.prefetch?.(regions.slice(from, to).map((r) => ({ offset: r.start, length: Math.min(r.end - r.start, guess) })));
      for (let k = from; k < to && ok; k++) await parseRegion(k);
    }
  };
  const parseRegion = async (k: number) => {
    const r = regions[k]!;
    if (nodes >= maxNodes) {
      ok = false;
      return;
    }
    const boxes = await parseBoxTree(source, { ...base, maxNodes: maxNodes - nodes, start: r.start, end: r.end });
    const first = boxes[0];
    for (const b of boxes) if (b.type === 'moof') guess = Math.max(guess, Math.min(4 * 1024 * 1024, b.size + b.size / 4 + 64));
    if (!first || !REGION_START.has(first.type) || boxes.some((b) => b.error?.rule === 'box-size-invalid')) {
      ok = false;
      return;
    }
    visit(boxes, () => void nodes++);
    results[k] = boxes;
    done++;
    report(false);
  };
  const concurrency = Math.max(1, Math.min(64, options.concurrency ?? 8));
  await Promise.all(Array.from({ length: Math.min(concurrency, regions.length) }, worker));

  if (!ok) {
    // The index and the file disagree: keep what matched, walk the rest box by box.
    let k = 0;
    const kept: BoxNode[] = [...head];
    while (k < results.length && results[k]) kept.push(...results[k++]!);
    return sequential(kept, k < regions.length ? regions[k]!.start : end);
  }
  const boxes = [...head, ...results.flatMap((r) => r!), ...(mfra ? mfra.boxes : [])];
  assignPaths(boxes, '');
  done = regions.length;
  options.onProgress?.({ boxes, done, total: regions.length, unit: 'fragments', final: true });
  return { boxes, index, fragments: regions.length };
}
