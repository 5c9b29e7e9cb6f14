/**
 * Field comparison of aligned boxes, and the rows of the synchronized trees.
 */
import { child, fieldPresent, flagsText, hexFlags, num, TFHD, toJsonValue, type BoxNode, type FieldValue, type JsonValue } from '../boxes';
import type { Pair } from './align';
import { ENCODER_TAGS, POSITION_FIELDS, volatileField, volatileSubtree } from './ignore';
import type { Layout } from './layout';
import { containing } from './layout';
import type { LoadedSide } from './load';
import type { CompareRow, Difference, FieldComparison, FieldRow, IgnoreReason, IgnoredCount, RowBox } from './types';
import { diffValues, type ValueDiff } from './values';

export interface DiffContext {
  A: LoadedSide;
  B: LoadedSide;
  layoutA: Layout;
  layoutB: Layout;
  /** Row index of every node of both sides. */
  rowOf: Map<BoxNode, number>;
  /** `mfhd.sequence_number` of b minus that of a, from the first matched moof pair. */
  seqOffset?: number;
  /** Both files number their fragments in increasing order (then the numbers only count fragments). */
  sequencesIncrease?: boolean;
  /** Differences found outside the field comparison (box order), by row. */
  extra?: Map<number, Difference[]>;
}

/** A row with what field comparison needs to know about where its boxes sit. */
export interface RowEntry {
  pair: Pair;
  parentTypeA: string;
  parentTypeB: string;
  moofA?: BoxNode;
  moofB?: BoxNode;
  inEncoderTag: boolean;
  /** Row of the nearest ancestor that exists on both sides (-1 when none): one-sided subtrees report only their top. */
  oneSidedTop: boolean;
}

export interface TaggedDiff extends ValueDiff {
  /** The top-level field (or header value) the difference belongs to. */
  top: string;
  ignored?: IgnoreReason;
}

/** A field's value as the box defines it: undefined when its presence flag is clear. */
export function effective(node: BoxNode, field: string): FieldValue | undefined {
  if (!fieldPresent(node.type, node.flags ?? 0, field)) return undefined;
  return Object.prototype.hasOwnProperty.call(node.fields, field) ? node.fields[field] : undefined;
}

/** Boxes whose content the engine does not decode: compared by size. */
function opaque(node: BoxNode): boolean {
  return !node.children?.length && Object.keys(node.fields).length === 0;
}

/** The deepest box of a tree containing a file offset, as `row+relative`, for pointer fields. */
function target(boxes: BoxNode[], offset: number, rowOf: Map<BoxNode, number>): string {
  let list = boxes;
  let found: BoxNode | undefined;
  for (;;) {
    const i = containing(list, offset);
    if (i < 0) break;
    found = list[i]!;
    if (!found.children?.length) break;
    list = found.children;
  }
  return found ? `${rowOf.get(found) ?? '?'}+${offset - found.offset}` : `@${offset}`;
}

function treeOf(side: LoadedSide, node: BoxNode): BoxNode[] {
  return node.path.startsWith('init:') ? side.init : side.main;
}

/** Base offset that `saio` offsets in a `traf` are relative to. */
function saioBase(moof: BoxNode | undefined, traf: BoxNode | undefined): number {
  if (!moof) return 0;
  const tfhd = child(traf, 'tfhd');
  if (tfhd && (tfhd.flags ?? 0) & TFHD.BASE_DATA_OFFSET) return num(tfhd, 'base_data_offset') ?? moof.offset;
  return moof.offset;
}

/**
 * Whether a position field's difference is explained by moved data: true when both sides point to
 * the same thing.
 */
function samePosition(ctx: DiffContext, e: RowEntry): boolean {
  const { a, b } = e.pair;
  if (!a || !b) return false;
  switch (a.type) {
    case 'stco':
    case 'co64':
      return ctx.layoutA.progressive !== undefined && ctx.layoutA.progressive === ctx.layoutB.progressive;
    case 'trun':
    case 'tfhd': {
      if (!e.moofA || !e.moofB) return false;
      const sa = ctx.layoutA.byMoof.get(e.moofA);
      return sa !== undefined && sa === ctx.layoutB.byMoof.get(e.moofB);
    }
    default:
      return false;
  }
}

/**
 * Pointer fields compared by what they point to: for `saio` offsets and `tfra` moof offsets, an
 * entry of `b` that points to the counterpart of what `a`'s entry points to is given `a`'s raw
 * value, so only entries pointing elsewhere remain as differences. Returns the adjusted `b` value
 * and whether any entry was adjusted (a position-only difference).
 */
function alignPointers(ctx: DiffContext, e: RowEntry, field: string, va: FieldValue | undefined, vb: FieldValue | undefined): { vb: FieldValue | undefined; moved: boolean } {
  const a = e.pair.a!;
  const b = e.pair.b!;
  const unchanged = { vb, moved: false };
  if (a.type !== b.type || va === undefined || vb === undefined) return unchanged;
  if (a.type === 'saio' && field === 'offset') {
    if (!ArrayBuffer.isView(va) && !Array.isArray(va)) return unchanged;
    if (!ArrayBuffer.isView(vb) && !Array.isArray(vb)) return unchanged;
    const la = va as ArrayLike<number>;
    const lb = vb as ArrayLike<number>;
    const trafA = e.moofA?.children?.find((t) => t.type === 'traf' && t.children?.includes(a));
    const trafB = e.moofB?.children?.find((t) => t.type === 'traf' && t.children?.includes(b));
    const baseA = saioBase(e.moofA, trafA);
    const baseB = saioBase(e.moofB, trafB);
    const out: number[] = Array.from(lb);
    let moved = false;
    for (let i = 0; i < Math.min(la.length, lb.length); i++) {
      if (la[i] === lb[i]) continue;
      if (target(treeOf(ctx.A, a), baseA + la[i]!, ctx.rowOf) === target(treeOf(ctx.B, b), baseB + lb[i]!, ctx.rowOf)) {
        out[i] = la[i]!;
        moved = true;
      }
    }
    return moved ? { vb: out, moved } : unchanged;
  }
  if (a.type === 'sidx' && field === 'references' && Array.isArray(va) && Array.isArray(vb)) {
    // Referenced sizes follow the sizes of the fragments they index: when both indexes describe
    // their own files exactly, a different size is the fragments' difference, reported there.
    if (!sidxConsistent(ctx.A, a) || !sidxConsistent(ctx.B, b)) return unchanged;
    let moved = false;
    const out = vb.map((y, i) => {
      const x = va[i];
      if (!isRecord(x) || !isRecord(y) || typeof x.referenced_size !== 'number' || x.referenced_size === y.referenced_size) return y;
      moved = true;
      return { ...y, referenced_size: x.referenced_size };
    });
    return moved ? { vb: out, moved } : unchanged;
  }
  if (a.type === 'tfra' && field === 'entries' && Array.isArray(va) && Array.isArray(vb)) {
    let moved = false;
    const out = vb.map((y, i) => {
      const x = va[i];
      if (!isRecord(x) || !isRecord(y) || typeof x.moof_offset !== 'number' || typeof y.moof_offset !== 'number' || x.moof_offset === y.moof_offset) return y;
      if (target(treeOf(ctx.A, a), x.moof_offset, ctx.rowOf) !== target(treeOf(ctx.B, b), y.moof_offset, ctx.rowOf)) return y;
      moved = true;
      return { ...y, moof_offset: x.moof_offset };
    });
    return moved ? { vb: out, moved } : unchanged;
  }
  return unchanged;
}

const boundaries = new WeakMap<LoadedSide, Set<number>>();

/** Whether a top-level `sidx` indexes its file exactly: every referenced range ends where a box starts. */
function sidxConsistent(side: LoadedSide, sidx: BoxNode): boolean {
  if (!side.main.includes(sidx)) return false;
  let starts = boundaries.get(side);
  if (!starts) {
    starts = new Set(side.main.map((n) => n.offset));
    starts.add(side.mainSize);
    boundaries.set(side, starts);
  }
  const refs = sidx.fields.references;
  let pos = sidx.offset + sidx.size + (num(sidx, 'first_offset') ?? 0);
  if (!Array.isArray(refs) || !starts.has(pos)) return false;
  for (const r of refs) {
    if (!isRecord(r) || typeof r.referenced_size !== 'number') return false;
    pos += r.referenced_size;
    if (!starts.has(pos)) return false;
  }
  return true;
}

function isRecord(v: FieldValue | undefined): v is { [key: string]: FieldValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function topOf(field: string): string {
  const m = /^[^.[]+/.exec(field);
  return m ? m[0] : field;
}

/** Every difference between the two boxes of a row, tagged with why it is ignored (if it is). */
export function compareBoxes(ctx: DiffContext, e: RowEntry): TaggedDiff[] {
  const a = e.pair.a!;
  const b = e.pair.b!;
  const raw: ValueDiff[] = [];
  if (a.type !== b.type) raw.push({ field: 'type', kind: 'changed', a: a.type, b: b.type });
  if (a.version !== b.version) diffValues('version', a.version, b.version, raw);
  if (a.flags !== b.flags) {
    raw.push({
      field: 'flags',
      kind: a.flags === undefined ? 'added' : b.flags === undefined ? 'removed' : 'changed',
      ...(a.flags !== undefined ? { a: hexFlags(a.flags) } : {}),
      ...(b.flags !== undefined ? { b: hexFlags(b.flags) } : {}),
    });
  }
  if (((opaque(a) && opaque(b)) || a.skipped || b.skipped) && a.size !== b.size) raw.push({ field: 'size', kind: 'changed', a: a.size, b: b.size });
  if (a.error?.rule !== b.error?.rule) diffValues('error', a.error?.rule, b.error?.rule, raw);

  const names = Object.keys(a.fields);
  for (const k of Object.keys(b.fields)) if (!Object.prototype.hasOwnProperty.call(a.fields, k)) names.push(k);
  // Pointer entries that only moved: their differences are position-only.
  const moved: ValueDiff[] = [];
  for (const name of names) {
    const va = effective(a, name);
    const vb = effective(b, name);
    const aligned = alignPointers(ctx, e, name, va, vb);
    diffValues(name, va, aligned.vb, raw);
    if (aligned.moved) diffValues(name, aligned.vb, vb, moved);
  }

  const out: TaggedDiff[] = [];
  const positionChecked = new Map<string, boolean>();
  for (const d of raw) {
    const top = topOf(d.field);
    const tagged: TaggedDiff = { ...d, top };
    if (volatileField(a.type, e.parentTypeA, top, e.inEncoderTag)) {
      tagged.ignored = 'volatile';
    } else if (a.type === 'mfhd' && top === 'sequence_number') {
      const sa = num(a, 'sequence_number');
      const sb = num(b, 'sequence_number');
      if (ctx.sequencesIncrease || (sa !== undefined && sb !== undefined && ctx.seqOffset !== undefined && sb - sa === ctx.seqOffset)) tagged.ignored = 'volatile';
    } else if (POSITION_FIELDS[a.type]?.has(top) && a.type === b.type) {
      let same = positionChecked.get(top);
      if (same === undefined) {
        same = samePosition(ctx, e);
        positionChecked.set(top, same);
      }
      if (same) tagged.ignored = 'position';
    }
    out.push(tagged);
  }
  for (const d of moved) out.push({ ...d, top: topOf(d.field), ignored: 'position' });
  return out;
}

/** What a tree row needs of a box (the path is left out: thousands of rows, and the field table has it). */
function rowBox(n: BoxNode): RowBox {
  const box: RowBox = { type: n.type, offset: n.offset, size: n.size, children: n.children?.length ?? 0 };
  if (n.error) box.error = n.error.message;
  return box;
}

export interface Flattened {
  rows: CompareRow[];
  entries: RowEntry[];
  truncated: boolean;
}

/** Depth-first rows of the aligned trees (bounded by `maxRows`). */
export function flatten(pairs: Pair[], maxRows: number): Flattened {
  const rows: CompareRow[] = [];
  const entries: RowEntry[] = [];
  let truncated = false;
  interface Frame {
    pair: Pair;
    depth: number;
    parent: number;
    parentTypeA: string;
    parentTypeB: string;
    moofA?: BoxNode;
    moofB?: BoxNode;
    enc: boolean;
    parentTwoSided: boolean;
  }
  const stack: Frame[] = [];
  for (let i = pairs.length - 1; i >= 0; i--) stack.push({ pair: pairs[i]!, depth: 0, parent: -1, parentTypeA: '', parentTypeB: '', enc: false, parentTwoSided: true });
  while (stack.length) {
    const f = stack.pop()!;
    if (rows.length >= maxRows) {
      truncated = true;
      break;
    }
    const { a, b } = f.pair;
    const index = rows.length;
    const row: CompareRow = { depth: f.depth, parent: f.parent, status: a && b ? 'same' : a ? 'removed' : 'added', changes: 0, ignored: 0, inner: 0 };
    if (a) row.a = rowBox(a);
    if (b) row.b = rowBox(b);
    rows.push(row);
    const entry: RowEntry = {
      pair: f.pair,
      parentTypeA: f.parentTypeA,
      parentTypeB: f.parentTypeB,
      inEncoderTag: f.enc,
      oneSidedTop: !(a && b) && f.parentTwoSided,
    };
    if (f.moofA) entry.moofA = f.moofA;
    if (f.moofB) entry.moofB = f.moofB;
    entries.push(entry);
    const enc = f.enc || (!!a && ENCODER_TAGS.has(a.type)) || (!!b && ENCODER_TAGS.has(b.type));
    const moofA = f.depth === 0 && a?.type === 'moof' ? a : f.moofA;
    const moofB = f.depth === 0 && b?.type === 'moof' ? b : f.moofB;
    for (let i = f.pair.children.length - 1; i >= 0; i--) {
      stack.push({
        pair: f.pair.children[i]!,
        depth: f.depth + 1,
        parent: index,
        parentTypeA: a?.type ?? '',
        parentTypeB: b?.type ?? '',
        moofA,
        moofB,
        enc,
        parentTwoSided: !!(a && b),
      });
    }
  }
  return { rows, entries, truncated };
}

export interface DiffOutcome {
  differences: Difference[];
  truncated: boolean;
  ignored: IgnoredCount;
}

function boxJson(n: BoxNode): JsonValue {
  return { type: n.type, size: n.size };
}

/** Compare every row; fills the rows' status and counts and lists the differences in tree order. */
export function compareRows(ctx: DiffContext, flat: Flattened, includeVolatile: boolean, maxDifferences: number): DiffOutcome {
  const differences: Difference[] = [];
  const ignored: IgnoredCount = { volatile: 0, position: 0, examples: [] };
  let truncated = false;
  const add = (d: Difference) => {
    if (differences.length >= maxDifferences) truncated = true;
    else differences.push(d);
  };
  const noteIgnored = (reason: IgnoreReason, path: string, field?: string) => {
    ignored[reason]++;
    if (ignored.examples.length < 20) ignored.examples.push(field === undefined ? { path, reason } : { path, field, reason });
  };
  flat.rows.forEach((row, index) => {
    const e = flat.entries[index]!;
    const { a, b } = e.pair;
    if (!(a && b)) {
      if (!e.oneSidedTop) return;
      const node = (a ?? b)!;
      const volatile = volatileSubtree(node, a ? e.parentTypeA : e.parentTypeB);
      if (volatile) {
        row.ignored = 1;
        noteIgnored('volatile', node.path);
      }
      if (!volatile || includeVolatile) row.changes = 1;
      if (!volatile || includeVolatile) {
        const d: Difference = { path: node.path, kind: a ? 'removed' : 'added', row: index };
        if (a) d.a = boxJson(a);
        else d.b = boxJson(b!);
        if (volatile) d.ignored = 'volatile';
        add(d);
      }
      return;
    }
    for (const t of compareBoxes(ctx, e)) {
      if (t.ignored) {
        row.ignored++;
        noteIgnored(t.ignored, a.path, t.field);
        if (!includeVolatile) continue;
      }
      // With the switch on, a normally ignored difference is a difference like any other.
      row.changes++;
      const d: Difference = { path: a.path, kind: t.kind, field: t.field, row: index };
      if (b.path !== a.path) d.pathB = b.path;
      if (t.a !== undefined) d.a = t.a;
      if (t.b !== undefined) d.b = t.b;
      if (t.ignored) d.ignored = t.ignored;
      add(d);
    }
    if (row.changes > 0) row.status = 'changed';
  });
  // Count differing rows below each row (for the UI to mark collapsed parents).
  for (let i = flat.rows.length - 1; i >= 0; i--) {
    const row = flat.rows[i]!;
    if (row.parent >= 0) flat.rows[row.parent]!.inner += (row.changes > 0 ? 1 : 0) + row.inner;
  }
  return { differences, truncated, ignored };
}

function display(v: FieldValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  const j = toJsonValue(v, { maxArray: 24, maxBytes: 48 });
  if (j && typeof j === 'object' && !Array.isArray(j) && j.truncated === true) {
    const head = j.head;
    const text = typeof head === 'string' ? head : JSON.stringify(head);
    return `${typeof head === 'string' ? text + '…' : text.replace(/\]$/, ', …]')} (${j.length} ${typeof head === 'string' ? 'bytes' : 'entries'})`;
  }
  return typeof j === 'string' ? j : JSON.stringify(j);
}

function jsonText(v: JsonValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The two boxes of a row field by field, for the detail panel. */
export function fieldComparison(ctx: DiffContext, flat: Flattened, index: number): FieldComparison {
  const row = flat.rows[index]!;
  const e = flat.entries[index]!;
  const { a, b } = e.pair;
  const out: FieldComparison = { row: index, status: row.status, fields: [] };
  if (row.a && a) out.a = { ...row.a, path: a.path };
  if (row.b && b) out.b = { ...row.b, path: b.path };
  const diffs = a && b ? compareBoxes(ctx, e) : [];
  const byTop = new Map<string, TaggedDiff[]>();
  for (const d of diffs) {
    const list = byTop.get(d.top) ?? [];
    list.push(d);
    byTop.set(d.top, list);
  }
  const oneSided: FieldRow['status'] = a && b ? 'same' : a ? 'removed' : 'added';
  const push = (name: string, va: string | undefined, vb: string | undefined) => {
    const list = byTop.get(name);
    const fr: FieldRow = { name, status: list?.length ? (list.every((d) => d.kind === list[0]!.kind) ? list[0]!.kind : 'changed') : oneSided };
    if (va !== undefined) fr.a = va;
    if (vb !== undefined) fr.b = vb;
    if (list?.length && list.every((d) => d.ignored)) fr.ignored = list[0]!.ignored;
    if (list?.length && (list.length > 1 || list[0]!.field !== name || (typeof list[0]!.a === 'object' && list[0]!.a !== null))) {
      fr.details = list.map((d) => {
        const detail: { field: string; a?: string; b?: string } = { field: d.field };
        const ta = jsonText(d.a);
        const tb = jsonText(d.b);
        if (ta !== undefined) detail.a = ta;
        if (tb !== undefined) detail.b = tb;
        return detail;
      });
    }
    out.fields.push(fr);
  };
  push('type', a?.type, b?.type);
  if (a?.version !== undefined || b?.version !== undefined) push('version', a?.version?.toString(), b?.version?.toString());
  if (a?.flags !== undefined || b?.flags !== undefined) {
    push('flags', a?.flags !== undefined ? flagsText(a.type, a.flags) : undefined, b?.flags !== undefined ? flagsText(b.type, b.flags) : undefined);
  }
  push('size', a?.size.toString(), b?.size.toString());
  if (a?.error || b?.error) push('error', a?.error?.rule, b?.error?.rule);
  const names = Object.keys(a?.fields ?? {});
  for (const k of Object.keys(b?.fields ?? {})) if (!names.includes(k)) names.push(k);
  for (const name of names) {
    const show = (n: BoxNode) => {
      const v = effective(n, name);
      // ISO BMFF times count seconds since 1904-01-01 UTC.
      if ((name === 'creation_time' || name === 'modification_time') && typeof v === 'number' && v > 0) {
        return `${v} (${new Date((v - 2082844800) * 1000).toISOString().replace('T', ' ').replace(/\.000Z$/, ' UTC')})`;
      }
      return display(v);
    };
    push(name, a ? show(a) : undefined, b ? show(b) : undefined);
  }
  for (const d of ctx.extra?.get(index) ?? []) {
    const fr: FieldRow = { name: d.field ?? d.kind, status: d.kind };
    const ta = jsonText(d.a);
    const tb = jsonText(d.b);
    if (ta !== undefined) fr.a = ta;
    if (tb !== undefined) fr.b = tb;
    out.fields.push(fr);
  }
  const codecA = a?.derived?.codec;
  const codecB = b?.derived?.codec;
  if (typeof codecA === 'string' || typeof codecB === 'string') {
    const fr: FieldRow = { name: 'codec (derived)', status: a && b ? (codecA === codecB ? 'same' : 'changed') : oneSided };
    if (typeof codecA === 'string') fr.a = codecA;
    if (typeof codecB === 'string') fr.b = codecB;
    out.fields.push(fr);
  }
  // A size that differs only because the content did is not a difference of its own.
  const size = out.fields.find((f) => f.name === 'size');
  if (size && a && b && !byTop.has('size')) {
    size.status = 'same';
    if (a.size !== b.size) size.note = 'follows from the content';
  }
  return out;
}
