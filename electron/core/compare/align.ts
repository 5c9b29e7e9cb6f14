/**
 * Structural alignment of two box trees: which box of `a` corresponds to which box of `b`.
 *
 * Siblings are matched by a key, not by position, so that one extra box does not shift every
 * later pair:
 * - `trak`, `trex`, `traf`, `tfra`, `sidx` by their track, the track being named by handler and
 *   occurrence (`vide#0`), so "the video track" matches even when the muxers numbered tracks
 *   differently;
 * - sample entries (and `dref` entries) by position, because `sample_description_index` is
 *   positional: `avc1` against `avc3` is one entry whose type changed, and their `avcC` are still
 *   compared;
 * - `stco`/`co64` and `stsz`/`stz2` as one role each; `pssh` by system id; `sgpd`/`sbgp` by
 *   grouping type; `uuid` by extended type; everything else by type and occurrence.
 * At the top level, each `moof` forms a group with the `styp`/`sidx`/`emsg`/`prft` boxes just
 * before it and the `mdat` after it; groups are matched by decode time (`tfdt`, in seconds, so
 * timescales may differ), allowing for a constant shift of the whole timeline, or by sequence
 * number when times are missing.
 */
import { child, childrenOf, num, str, type BoxNode } from '../boxes';
import type { LoadedSide } from './load';

export interface Pair {
  a?: BoxNode;
  b?: BoxNode;
  children: Pair[];
}

/** Types that belong to the fragment that follows them (segment prefix). */
const SEGMENT_PREFIX: ReadonlySet<string> = new Set(['styp', 'sidx', 'ssix', 'emsg', 'prft']);
/** Types that are about the whole file wherever they sit. */
const FILE_LEVEL: ReadonlySet<string> = new Set(['ftyp', 'moov', 'mfra', 'meta', 'pdin', 'mvex']);
/** Boxes with the same role under another type. */
const ROLE: Record<string, string> = { stco: 'stco|co64', co64: 'stco|co64', stsz: 'stsz|stz2', stz2: 'stsz|stz2' };
/** Parents whose children are identified by position. */
const POSITIONAL_PARENTS: ReadonlySet<string> = new Set(['stsd', 'dref']);

function trackKey(side: LoadedSide, id: number | undefined): string {
  if (id === undefined) return '?';
  return side.trackById.get(id)?.key ?? `track#${id}`;
}

function keyOf(node: BoxNode, parentType: string, position: number, side: LoadedSide): string {
  if (POSITIONAL_PARENTS.has(parentType)) return `#${position}`;
  switch (node.type) {
    case 'trak':
      return `trak:${trackKey(side, num(child(node, 'tkhd'), 'track_id'))}`;
    case 'traf':
      return `traf:${trackKey(side, num(child(node, 'tfhd'), 'track_id'))}`;
    case 'trex':
      return `trex:${trackKey(side, num(node, 'track_id'))}`;
    case 'tfra':
      return `tfra:${trackKey(side, num(node, 'track_ID'))}`;
    case 'sidx':
      return `sidx:${trackKey(side, num(node, 'reference_ID'))}`;
    case 'pssh':
      return `pssh:${str(node, 'system_id') ?? ''}`;
    case 'sgpd':
    case 'sbgp':
      return `${node.type}:${str(node, 'grouping_type') ?? ''}`;
    case 'uuid':
      return `uuid:${node.uuid ?? ''}`;
    default:
      return ROLE[node.type] ?? node.type;
  }
}

type Match = [number | undefined, number | undefined];

/**
 * Order matched pairs and unmatched boxes into one sequence: `a`'s order, with each box only `b`
 * has placed just before the `b` box its successor matched. (Plain loops: this runs once per
 * container of both trees.)
 */
function mergeOrder(na: number, nb: number, aToB: Int32Array): Match[] {
  const out: Match[] = [];
  const matchedB = new Uint8Array(nb);
  for (let i = 0; i < na; i++) if (aToB[i]! >= 0) matchedB[aToB[i]!] = 1;
  let nextB = 0;
  for (let i = 0; i < na; i++) {
    const j = aToB[i]!;
    if (j < 0) {
      out.push([i, undefined]);
      continue;
    }
    for (; nextB < j; nextB++) if (!matchedB[nextB]) out.push([undefined, nextB]);
    out.push([i, j]);
  }
  for (; nextB < nb; nextB++) if (!matchedB[nextB]) out.push([undefined, nextB]);
  return out;
}

/** Match two lists by key + occurrence: index in `b` for each index in `a`, -1 when none. */
function matchByKey(keysA: string[], keysB: string[]): Int32Array {
  const aToB = new Int32Array(keysA.length).fill(-1);
  // Most lists have the same structure on both sides: pair them by position without any maps.
  let same = keysA.length === keysB.length;
  for (let i = 0; same && i < keysA.length; i++) same = keysA[i] === keysB[i];
  if (same) {
    for (let i = 0; i < keysA.length; i++) aToB[i] = i;
    return aToB;
  }
  const seen = new Map<string, number>();
  const index = new Map<string, number>();
  for (let j = 0; j < keysB.length; j++) {
    const k = keysB[j]!;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    index.set(`${k}\u0000${n}`, j);
  }
  seen.clear();
  for (let i = 0; i < keysA.length; i++) {
    const k = keysA[i]!;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    const j = index.get(`${k}\u0000${n}`);
    if (j !== undefined) aToB[i] = j;
  }
  return aToB;
}

function keysOf(nodes: BoxNode[], parentType: string, side: LoadedSide): string[] {
  const keys = new Array<string>(nodes.length);
  for (let i = 0; i < nodes.length; i++) keys[i] = keyOf(nodes[i]!, parentType, i, side);
  return keys;
}

const NO_CHILDREN: BoxNode[] = [];

function alignLists(as: BoxNode[], bs: BoxNode[], parentType: string, A: LoadedSide, B: LoadedSide): Pair[] {
  const order = mergeOrder(as.length, bs.length, matchByKey(keysOf(as, parentType, A), keysOf(bs, parentType, B)));
  const out = new Array<Pair>(order.length);
  for (let k = 0; k < order.length; k++) {
    const [i, j] = order[k]!;
    out[k] = pairOf(i === undefined ? undefined : as[i], j === undefined ? undefined : bs[j], A, B);
  }
  return out;
}

function oneSided(node: BoxNode, side: 'a' | 'b'): Pair {
  const kids = node.children ?? NO_CHILDREN;
  const children = new Array<Pair>(kids.length);
  for (let i = 0; i < kids.length; i++) children[i] = oneSided(kids[i]!, side);
  return side === 'a' ? { a: node, children } : { b: node, children };
}

function pairOf(a: BoxNode | undefined, b: BoxNode | undefined, A: LoadedSide, B: LoadedSide): Pair {
  if (a && b) return { a, b, children: alignLists(a.children ?? NO_CHILDREN, b.children ?? NO_CHILDREN, a.type, A, B) };
  return a ? oneSided(a, 'a') : oneSided(b!, 'b');
}

interface TopLevel {
  /** Indices of file-level boxes. */
  file: number[];
  /** One group per moof: the indices of its boxes (the moof's own index is `moof`). */
  groups: { moof: number; members: number[] }[];
}

/** Split a top-level list into file-level boxes and one group per `moof`. */
function topLevel(boxes: BoxNode[]): TopLevel {
  const out: TopLevel = { file: [], groups: [] };
  const groupOf = new Array<number>(boxes.length).fill(-1);
  const moofs: number[] = [];
  boxes.forEach((b, i) => {
    if (b.type === 'moof') {
      groupOf[i] = moofs.length;
      moofs.push(i);
    }
  });
  // Prefix boxes right before a moof (no mdat/moof in between) belong to that moof's group.
  let next = -1;
  for (let i = boxes.length - 1; i >= 0; i--) {
    const t = boxes[i]!.type;
    if (t === 'moof') next = groupOf[i]!;
    else if (t === 'mdat') next = -1;
    else if (next >= 0 && SEGMENT_PREFIX.has(t)) groupOf[i] = next;
  }
  let current = -1;
  boxes.forEach((b, i) => {
    if (b.type === 'moof') current = groupOf[i]!;
    else if (groupOf[i]! < 0 && current >= 0 && !FILE_LEVEL.has(b.type)) groupOf[i] = current;
  });
  for (const m of moofs) out.groups.push({ moof: m, members: [] });
  boxes.forEach((_, i) => {
    const g = groupOf[i]!;
    if (g >= 0) out.groups[g]!.members.push(i);
    else out.file.push(i);
  });
  return out;
}

/** Earliest `tfdt` of a moof in seconds, or undefined when a traf has none or no timescale is known. */
export function moofTime(moof: BoxNode, side: LoadedSide): number | undefined {
  let t: number | undefined;
  for (const traf of childrenOf(moof, 'traf')) {
    const dt = num(child(traf, 'tfdt'), 'baseMediaDecodeTime');
    const ts = side.trackById.get(num(child(traf, 'tfhd'), 'track_id') ?? -1)?.timescale;
    if (dt === undefined || !ts) return undefined;
    t = t === undefined ? dt / ts : Math.min(t, dt / ts);
  }
  return t;
}

function sequenceOf(moof: BoxNode): number | undefined {
  return num(child(moof, 'mfhd'), 'sequence_number');
}

/** Pairs of moof indices (into the moof lists), in order, by time or sequence number. */
export function matchMoofs(ma: BoxNode[], mb: BoxNode[], A: LoadedSide, B: LoadedSide): Map<number, number> {
  if (!ma.length || !mb.length) return new Map();
  const ta = ma.map((m) => moofTime(m, A));
  const tb = mb.map((m) => moofTime(m, B));
  const byTime = ta.every((t) => t !== undefined) && tb.every((t) => t !== undefined);
  const sa = ma.map(sequenceOf);
  const sb = mb.map(sequenceOf);
  const bySeq = sa.every((s) => s !== undefined) && sb.every((s) => s !== undefined);
  if (!byTime && !bySeq) {
    const m = new Map<number, number>();
    for (let i = 0; i < Math.min(ma.length, mb.length); i++) m.set(i, i);
    return m;
  }
  const xa = (byTime ? ta : sa) as number[];
  const xb = (byTime ? tb : sb) as number[];
  const deltas = [0, xb[0]! - xa[0]!].filter((d, i, all) => all.indexOf(d) === i);
  let best = new Map<number, number>();
  for (const delta of deltas) {
    const m = byTime ? greedyTimes(xa, xb, delta) : exact(xa, xb, delta);
    if (m.size > best.size) best = m;
  }
  return best;
}

/** Typical spacing of a time list around index i (the fragment duration), for the tolerance. */
function spacing(x: number[], i: number): number {
  if (i + 1 < x.length) return x[i + 1]! - x[i]!;
  if (i > 0) return x[i]! - x[i - 1]!;
  return Infinity;
}

/**
 * Walk both sorted time lists; two fragments match when they start within half a fragment of
 * each other (after shifting `a` by `delta`), otherwise the earlier one has no counterpart.
 */
function greedyTimes(xa: number[], xb: number[], delta: number): Map<number, number> {
  const m = new Map<number, number>();
  let i = 0;
  let j = 0;
  while (i < xa.length && j < xb.length) {
    const d = xa[i]! + delta - xb[j]!;
    const tol = 0.5 * Math.min(spacing(xa, i), spacing(xb, j));
    if (Math.abs(d) <= Math.max(tol, 1e-6)) {
      m.set(i++, j++);
    } else if (d < 0) {
      i++;
    } else {
      j++;
    }
  }
  return m;
}

function exact(xa: number[], xb: number[], delta: number): Map<number, number> {
  const index = new Map<number, number>();
  xb.forEach((x, j) => {
    if (!index.has(x)) index.set(x, j);
  });
  const m = new Map<number, number>();
  let last = -1;
  xa.forEach((x, i) => {
    const j = index.get(x + delta);
    if (j !== undefined && j > last) {
      m.set(i, j);
      last = j;
    }
  });
  return m;
}

/** Align the two sides' trees. */
export function alignSides(A: LoadedSide, B: LoadedSide): Pair[] {
  const ta = topLevel(A.boxes);
  const tb = topLevel(B.boxes);
  const aToB = new Int32Array(A.boxes.length).fill(-1);
  const pick = (boxes: BoxNode[], indices: number[]) => indices.map((i) => boxes[i]!);

  const files = matchByKey(keysOf(pick(A.boxes, ta.file), '', A), keysOf(pick(B.boxes, tb.file), '', B));
  for (let x = 0; x < files.length; x++) if (files[x]! >= 0) aToB[ta.file[x]!] = tb.file[files[x]!]!;

  const moofPairs = matchMoofs(
    ta.groups.map((g) => A.boxes[g.moof]!),
    tb.groups.map((g) => B.boxes[g.moof]!),
    A,
    B,
  );
  for (const [ga, gb] of moofPairs) {
    const membersA = ta.groups[ga]!.members;
    const membersB = tb.groups[gb]!.members;
    const m = matchByKey(keysOf(pick(A.boxes, membersA), '', A), keysOf(pick(B.boxes, membersB), '', B));
    for (let x = 0; x < m.length; x++) if (m[x]! >= 0) aToB[membersA[x]!] = membersB[m[x]!]!;
  }
  return mergeOrder(A.boxes.length, B.boxes.length, aToB).map(([i, j]) =>
    pairOf(i === undefined ? undefined : A.boxes[i], j === undefined ? undefined : B.boxes[j], A, B),
  );
}
