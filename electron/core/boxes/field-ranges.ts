/**
 * Byte ranges of a box's header parts and decoded fields, for the hex view's highlighting.
 *
 * The engine's own decoders name each range as they read. For mp4box.js's parsers the box is
 * decoded again with every stream read recorded, and each read is attributed to the property that
 * appears or changes on the box object right after it (reserved bytes change nothing and are left
 * out; arrays filled in a loop get the span of all their reads).
 */
import type { DecodeContext } from './mp4box-decode';
import { decodeBox, type DecodePlace } from './parse';
import type { BoxNode } from './types';

export interface FieldRange {
  /** `size`, `type`, `largesize`, `uuid`, `version`, `flags`, or a field name. */
  name: string;
  /** Absolute file offsets, `end` exclusive. */
  start: number;
  end: number;
  /** `header` for the box header (and full-box version/flags), `field` otherwise. */
  kind: 'header' | 'field';
}

/** Boxes bigger than this are not re-decoded for ranges (the header ranges are still given). */
const MAX_RANGE_DECODE = 4 * 1024 * 1024;

export function headerRanges(node: BoxNode): FieldRange[] {
  const o = node.offset;
  const out: FieldRange[] = [
    { name: 'size', start: o, end: o + 4, kind: 'header' },
    { name: 'type', start: o + 4, end: o + 8, kind: 'header' },
  ];
  let at = o + 8;
  if (node.sizeMode === 'large') {
    out.push({ name: 'largesize', start: at, end: at + 8, kind: 'header' });
    at += 8;
  }
  if (node.uuid !== undefined) out.push({ name: 'uuid', start: at, end: at + 16, kind: 'header' });
  if (node.version !== undefined) {
    const h = o + node.headerSize;
    out.push({ name: 'version', start: h, end: h + 1, kind: 'header' }, { name: 'flags', start: h + 1, end: h + 4, kind: 'header' });
    return out.filter((r) => r.end <= o + node.size);
  }
  return out.filter((r) => r.end <= o + Math.max(node.headerSize, 8));
}

type Snapshot = Map<string, { ref: unknown; len: number }>;

function snapshot(box: object): Snapshot {
  const snap: Snapshot = new Map();
  for (const [k, v] of Object.entries(box)) {
    const len = Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<unknown>).length : typeof v === 'object' && v ? Object.keys(v).length : -1;
    snap.set(k, { ref: v, len });
  }
  return snap;
}

const IGNORED = new Set(['hdr_size', 'start', 'size', 'type', 'parseFooter', 'box_name', 'has_unparsed_data', 'version', 'flags']);

/** How many reads one array element usually took: its number of scalar leaves. */
function leaves(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || depth > 4) return 1;
  let n = 0;
  for (const v of Object.values(value)) n += leaves(v, depth + 1);
  return Math.max(1, n);
}

/**
 * Field ranges of `node`, decoding `bytes` (the whole box, header included) once more.
 * `place` says where the box sits (see `placesOf`).
 */
export function fieldRanges(node: BoxNode, bytes: Uint8Array, place: DecodePlace, ctx: DecodeContext): FieldRange[] {
  const out = headerRanges(node);
  if (bytes.length > MAX_RANGE_DECODE || bytes.length < node.headerSize) return out;
  const spans = new Map<string, [number, number]>();
  const add = (name: string, start: number, end: number) => {
    if (end <= start) return;
    const cur = spans.get(name);
    spans.set(name, cur ? [Math.min(cur[0], start), Math.max(cur[1], end)] : [start, end]);
  };

  // mp4box.js attribution: a read is attributed on the next read (or at the end), when the
  // value it produced has been assigned to the box object.
  let box: object | undefined;
  let prev: Snapshot = new Map();
  let pending: [number, number][] = [];
  const attribute = () => {
    if (!box) return;
    const now = snapshot(box);
    // Each changed property takes the reads that most plausibly produced it: one read for a
    // scalar, one per scalar leaf of each new array element, all pending reads for a new object.
    const changed: { key: string; reads: number; scalar: boolean }[] = [];
    let consumed = false;
    for (const [k, v] of now) {
      const before = prev.get(k);
      if (before && before.ref === v.ref && before.len === v.len) continue;
      if (IGNORED.has(k)) {
        // version/flags come from the header ranges; their reads are used up all the same.
        if (k === 'version' || k === 'flags') consumed = true;
        continue;
      }
      if (v.len === 0) continue;
      const value = (box as Record<string, unknown>)[k];
      let reads = 1;
      if (Array.isArray(value)) {
        const added = before && before.ref === v.ref ? v.len - before.len : v.len;
        reads = Math.max(1, added) * leaves(value[value.length - 1]);
      } else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
        reads = pending.length;
      }
      changed.push({ key: k, reads, scalar: value === null || typeof value !== 'object' });
    }
    if (changed.length && pending.length) {
      // Several scalars set after one read: a bit field split in parts, or defaults assigned
      // without reading. Keep the ones whose value is what the read bytes say, if any.
      const last = pending[pending.length - 1]!;
      const scalars = changed.filter((c) => c.scalar);
      const exact = scalars.length > 1 ? scalars.filter((c) => matches((box as Record<string, unknown>)[c.key], bytes, last)) : [];
      for (const c of changed) {
        if (c.scalar && exact.length && !exact.includes(c)) continue;
        for (const [s, e] of pending.slice(-c.reads)) add(c.key, s, e);
      }
      pending = [];
    } else if (consumed) {
      pending = [];
    }
    prev = now;
  };
  decodeBox(bytes, node, place, ctx, {
    named: add,
    read(start, end) {
      attribute();
      // Full-box version and flags are header ranges already.
      if (node.version !== undefined && start >= node.headerSize && end <= node.headerSize + 4) return;
      pending.push([start, end]);
    },
    created(b) {
      box = b;
      prev = snapshot(b);
    },
  });
  attribute();
  return finish(out, spans, node);
}

/** Whether `value` is what the bytes of `range` read as (big-endian integer or Latin-1 text). */
function matches(value: unknown, bytes: Uint8Array, [s, e]: [number, number]): boolean {
  if (e - s <= 0 || e > bytes.length) return false;
  if (typeof value === 'string') {
    let text = '';
    for (let i = s; i < e; i++) text += String.fromCharCode(bytes[i]!);
    return text === value || text.replace(/\0+$/, '') === value;
  }
  if (typeof value !== 'number' || e - s > 6) return false;
  let n = 0;
  for (let i = s; i < e; i++) n = n * 256 + bytes[i]!;
  const bits = (e - s) * 8;
  const signed = n >= 2 ** (bits - 1) ? n - 2 ** bits : n;
  return value === n || value === signed;
}

function finish(out: FieldRange[], spans: Map<string, [number, number]>, node: BoxNode): FieldRange[] {
  for (const [name, [s, e]] of spans) {
    out.push({ name, start: node.offset + s, end: node.offset + e, kind: 'field' });
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}
