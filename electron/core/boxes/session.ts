/**
 * An open inspection of one file, for a UI: the parsed tree indexed by node number (preorder),
 * pages of visible rows for a virtualized tree, box details with field byte ranges, sample table
 * pages and a chart summary. Nothing here sends a whole big tree at once.
 */
import { HttpLog, isHttpUrl } from '../net/http';
import { openHttpSource } from '../net/http-source';
import { fieldRanges, headerRanges, type FieldRange } from './field-ranges';
import { parseBoxTreeIndexed } from './indexed';
import { inspectBoxes, inspectSource, looksLikeIsoBmff } from './inspect';
import { boxHeaderJson, boxesToJson, toJsonValue, type BoxJson, type JsonValue } from './json';
import { boxName } from './names';
import { placesOf, visit, type DecodePlace } from './parse';
import { sampleRows, sampleTable } from './samples';
import { describeTracks, trackIds } from './tracks';
import type { ByteSource } from './source';
import { formatValue } from './text';
import type { BoxError, BoxNode, InspectResult, SampleRow, SampleTable, SkipReason, TrackInfo } from './types';

/** One row of the box tree as the UI lists it. */
export interface TreeRow {
  /** Node number (preorder position in the whole tree); stable for the session. */
  node: number;
  /** Parent's node number, -1 at the top level. */
  parent: number;
  depth: number;
  type: string;
  /** Human name ("Track Fragment Decode Time"), when known. */
  name?: string;
  offset: number;
  size: number;
  headerSize: number;
  childCount: number;
  path: string;
  /** A few key values, e.g. "track 1 · 30 samples". */
  summary?: string;
  error?: BoxError;
  decodeError?: boolean;
  skipped?: SkipReason;
}

export interface TreePage {
  /** Rows in the whole visible list (tree with the given nodes expanded, or filter matches). */
  total: number;
  start: number;
  rows: TreeRow[];
}

export interface FieldRow {
  name: string;
  /** JSON value (long arrays and byte strings are cut, see `truncated`). */
  value: JsonValue;
  /** The value on one line, for display. */
  text: string;
  /** Number of entries or bytes when the value was cut for display. */
  truncated?: number;
  derived?: boolean;
}

export interface BoxDetail {
  row: TreeRow;
  version?: number;
  flags?: number;
  uuid?: string;
  sizeMode?: 'large' | 'to-end';
  fields: FieldRow[];
  /** Byte ranges of the header parts and decoded fields (absolute offsets). */
  ranges: FieldRange[];
  decodeError?: string;
  /** Ancestors' node numbers, outermost first (to reveal the box in the tree). */
  ancestors: number[];
}

export interface InspectSummary {
  file: string;
  size: number;
  format: InspectResult['format'];
  unexpectedFirstBox?: string;
  majorBrand?: string;
  fragmented: boolean;
  nodeCount: number;
  topLevelCount: number;
  errors: InspectResult['errors'];
  /** Time spent parsing, in milliseconds. */
  parseMs: number;
  /** The first rows of the tree (nothing expanded), when asked for: shown before tracks are known. */
  rows?: TreePage;
  /**
   * A remote file still being read: fragments parsed (found through its index) or bytes walked
   * (box by box) so far; the tree grows until it is complete.
   */
  loading?: { done: number; total: number; unit: 'fragments' | 'bytes' };
  /** A remote file: what reading it cost. */
  http?: { bytesFetched: number; requests: number; index: 'mfra' | 'sidx' | null };
}

export interface OpenOptions {
  /** A remote file: called with a partial session (the boxes read so far) as fragments arrive. */
  onProgress?: (partial: InspectSession) => void;
}

export interface SamplePage {
  trackId: number;
  timescale: number;
  total: number;
  start: number;
  rows: SampleRow[];
  warnings: string[];
}

/** Sample sizes over time, reduced for a chart. Times in seconds. */
export interface SampleChart {
  trackId: number;
  count: number;
  duration: number;
  /** One point per sample when there are few; otherwise one per bucket (min/max/mean size). */
  points: { time: number; size: number; min: number; max: number; samples: number; sync: boolean; index: number }[];
  /** Sync samples (up to 5000; beyond that, the first sync sample of each bucket). */
  keyframes: { time: number; size: number; index: number }[];
  maxSize: number;
  bucketed: boolean;
}

const FIELD_MAX_ARRAY = 256;
const FIELD_MAX_BYTES = 256;

function summaryOf(n: BoxNode): string | undefined {
  const f = n.fields;
  const parts: string[] = [];
  const add = (label: string, v: unknown) => {
    if (typeof v === 'number' || (typeof v === 'string' && v.trim())) parts.push(label ? `${label} ${v}` : String(v));
  };
  switch (n.type) {
    case 'ftyp':
    case 'styp':
      add('', f.major_brand);
      break;
    case 'tkhd':
    case 'tfhd':
    case 'trex':
      add('track', f.track_id);
      break;
    case 'mdhd':
    case 'mvhd':
      add('timescale', f.timescale);
      break;
    case 'hdlr':
      add('', f.handler);
      break;
    case 'mfhd':
      add('seq', f.sequence_number);
      break;
    case 'tfdt':
      add('', f.baseMediaDecodeTime);
      break;
    case 'trun':
    case 'stsz':
      add('samples', f.sample_count);
      break;
    case 'sidx':
      add('ref', f.reference_ID);
      break;
    case 'moof':
      add('seq', n.children?.find((c) => c.type === 'mfhd')?.fields.sequence_number);
      break;
    case 'traf':
      add('track', n.children?.find((c) => c.type === 'tfhd')?.fields.track_id);
      break;
    case 'trak': {
      add('track', n.children?.find((c) => c.type === 'tkhd')?.fields.track_id);
      const handler = n.children?.find((c) => c.type === 'mdia')?.children?.find((c) => c.type === 'hdlr')?.fields.handler;
      add('', handler);
      break;
    }
  }
  if (typeof n.derived?.codec === 'string') parts.push(n.derived.codec);
  else if (typeof f.width === 'number' && typeof f.height === 'number' && f.width > 0 && n.type !== 'tkhd') parts.push(`${f.width}×${f.height}`);
  return parts.length ? parts.join(' · ') : undefined;
}

export class InspectSession {
  readonly nodes: BoxNode[] = [];
  private readonly parents: Int32Array;
  private readonly depths: Uint16Array;
  private readonly index = new Map<BoxNode, number>();
  private places: Map<BoxNode, DecodePlace> | null = null;
  private readonly tables = new Map<number, SampleTable>();
  private visible: { key: string; list: Int32Array } | null = null;
  private trackList: Promise<TrackInfo[]> | null = null;
  loading?: InspectSummary['loading'];
  http?: InspectSummary['http'];

  private constructor(
    readonly path: string,
    readonly mtimeMs: number,
    readonly result: InspectResult,
    readonly parseMs: number,
  ) {
    const parents: number[] = [];
    const depths: number[] = [];
    const rec = (list: BoxNode[], parent: number, depth: number) => {
      for (const n of list) {
        const i = this.nodes.length;
        this.nodes.push(n);
        this.index.set(n, i);
        parents.push(parent);
        depths.push(depth);
        if (n.children) rec(n.children, i, depth + 1);
      }
    };
    rec(result.boxes, -1, 0);
    this.parents = Int32Array.from(parents);
    this.depths = Uint16Array.from(depths);
  }

  /**
   * Parse `source` (a local file, a browser `File`, …; the caller opens and closes it): the box
   * tree only, track summaries wait until `tracks()` is asked (after the first rows). `path` is the
   * source's name; `mtimeMs` lets the caller notice that the file changed since. `parseMs` counts
   * from `startedAt` (so a caller's own preparation, e.g. prefetching, is included).
   */
  static async open(source: ByteSource, mtimeMs: number, startedAt = performance.now()): Promise<InspectSession> {
    const result = await inspectSource(source, { tracks: false });
    return new InspectSession(source.name, mtimeMs, result, performance.now() - startedAt);
  }

  /**
   * Parse `source` through its fragment index when it has one (`sidx`, `mfra`), regions read
   * concurrently (see indexed.ts): for sources whose every read is a round trip, such as a browser
   * `File`. The same tree as `open`, track summaries included.
   */
  static async openIndexed(source: ByteSource, mtimeMs: number): Promise<InspectSession> {
    const t0 = performance.now();
    const tree = await parseBoxTreeIndexed(source);
    const result = await inspectBoxes(source, tree.boxes);
    const s = new InspectSession(source.name, mtimeMs, result, performance.now() - t0);
    s.trackList = Promise.resolve(result.tracks);
    return s;
  }

  /** A URL (see `openRemote`). */
  static openUrl(url: string, options: OpenOptions = {}): Promise<InspectSession> {
    return InspectSession.openRemote(url, performance.now(), options);
  }

  /**
   * A URL: read through its fragment index, fragments fetched concurrently; `onProgress` gets
   * sessions over the boxes read so far (no track summaries yet), then the final one is returned.
   */
  private static async openRemote(url: string, t0: number, options: OpenOptions): Promise<InspectSession> {
    const log = new HttpLog();
    const source = await openHttpSource(url, { log });
    try {
      const tree = await parseBoxTreeIndexed(source, {
        onProgress: (p) => {
          if (p.final || !options.onProgress) return;
          let nodeCount = 0;
          visit(p.boxes, () => void nodeCount++);
          const partial: InspectResult = {
            file: url,
            size: source.size,
            boxes: p.boxes,
            tracks: [],
            format: looksLikeIsoBmff(p.boxes) ? 'isobmff' : 'unknown',
            fragmented: p.boxes.some((b) => b.type === 'moof'),
            errors: [],
            nodeCount,
            nodeLimitReached: false,
          };
          const brand = p.boxes.find((b) => b.type === 'ftyp' || b.type === 'styp')?.fields.major_brand;
          if (typeof brand === 'string') partial.majorBrand = brand;
          const s = new InspectSession(url, 0, partial, performance.now() - t0);
          s.loading = { done: p.done, total: p.total, unit: p.unit };
          s.http = { bytesFetched: log.bytesFetched, requests: log.requests, index: null };
          options.onProgress(s);
        },
      });
      const result = await inspectBoxes(source, tree.boxes);
      const s = new InspectSession(url, 0, result, performance.now() - t0);
      s.http = { bytesFetched: log.bytesFetched, requests: log.requests, index: tree.index };
      return s;
    } finally {
      await source.close();
    }
  }

  /** What the Inspector shows first; `rows`: that many rows of the collapsed tree come along. */
  summary(rows = 0): InspectSummary {
    const r = this.result;
    const s: InspectSummary = {
      file: r.file,
      size: r.size,
      format: r.format,
      ...(r.unexpectedFirstBox ? { unexpectedFirstBox: r.unexpectedFirstBox } : {}),
      fragmented: r.fragmented,
      nodeCount: this.nodes.length,
      topLevelCount: r.boxes.length,
      errors: r.errors.slice(0, 200),
      parseMs: Math.round(this.parseMs),
    };
    if (r.majorBrand) s.majorBrand = r.majorBrand;
    if (rows > 0) s.rows = this.rows({ start: 0, count: rows });
    if (this.loading) s.loading = this.loading;
    if (this.http) s.http = this.http;
    return s;
  }

  /**
   * Track summaries when they need no reading: computed already, or a remote file's (its final
   * session has them, read while its fragments were fetched; a partial one has none yet).
   */
  knownTracks(): Promise<TrackInfo[]> | null {
    if (isHttpUrl(this.path)) return Promise.resolve(this.result.tracks);
    return this.trackList;
  }

  /** Track summaries, computed once from `source`, the session's file (a timecode track reads its first sample). */
  tracks(source: ByteSource): Promise<TrackInfo[]> {
    return (
      this.knownTracks() ??
      (this.trackList = describeTracks(this.result.boxes, source).then((list) => {
        this.result.tracks = list;
        return list;
      }))
    );
  }

  private node(i: number): BoxNode {
    const n = this.nodes[i];
    if (!n) throw new RangeError(`No box number ${i} in ${this.path}.`);
    return n;
  }

  row(i: number): TreeRow {
    const n = this.node(i);
    const parent = this.parents[i]!;
    const row: TreeRow = {
      node: i,
      parent,
      depth: this.depths[i]!,
      type: n.type,
      offset: n.offset,
      size: n.size,
      headerSize: n.headerSize,
      childCount: n.children?.length ?? 0,
      path: n.path,
    };
    const name = boxName(n.type, parent >= 0 ? this.nodes[parent]!.type : undefined);
    if (name) row.name = name;
    const summary = summaryOf(n);
    if (summary) row.summary = summary;
    if (n.error) row.error = n.error;
    if (n.decodeError) row.decodeError = true;
    if (n.skipped) row.skipped = n.skipped;
    return row;
  }

  /** Visible rows: the tree with `expanded` nodes open, or, with `filter`, every matching box. */
  rows(options: { expanded?: number[]; filter?: string; start: number; count: number }): TreePage {
    const list = this.visibleList(options.expanded ?? [], options.filter ?? '');
    const start = Math.max(0, Math.min(options.start, list.length));
    const end = Math.min(list.length, start + Math.max(0, Math.min(options.count, 2000)));
    const rows: TreeRow[] = [];
    for (let k = start; k < end; k++) rows.push(this.row(list[k]!));
    return { total: list.length, start, rows };
  }

  /** Position of a node in the visible list (after expanding its ancestors), or -1. */
  positionOf(node: number, options: { expanded?: number[]; filter?: string }): number {
    const list = this.visibleList(options.expanded ?? [], options.filter ?? '');
    return list.indexOf(node);
  }

  private visibleList(expanded: number[], filter: string): Int32Array {
    const words = filter
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean);
    const key = words.length ? `f:${words.join(',')}` : `e:${[...expanded].sort((a, b) => a - b).join(',')}`;
    if (this.visible?.key === key) return this.visible.list;
    const out: number[] = [];
    if (words.length) {
      // A word matches a type exactly (padded types such as "url " too), or as a prefix with "*".
      const match = (t: string) => {
        const type = t.toLowerCase().trim();
        return words.some((w) => (w.endsWith('*') ? type.startsWith(w.slice(0, -1)) : type === w));
      };
      for (let i = 0; i < this.nodes.length; i++) if (match(this.nodes[i]!.type)) out.push(i);
    } else {
      const open = new Set(expanded);
      const push = (list: BoxNode[]) => {
        for (const n of list) {
          const i = this.index.get(n)!;
          out.push(i);
          if (n.children && open.has(i)) push(n.children);
        }
      };
      push(this.result.boxes);
    }
    const list = Int32Array.from(out);
    this.visible = { key, list };
    return list;
  }

  ancestors(i: number): number[] {
    const out: number[] = [];
    for (let p = this.parents[i]!; p >= 0; p = this.parents[p]!) out.unshift(p);
    return out;
  }

  /** Details of one box, with field byte ranges (decoded once more, from `source`). */
  async detail(i: number, source: ByteSource): Promise<BoxDetail> {
    const n = this.node(i);
    const fields: FieldRow[] = [];
    const addField = (name: string, value: BoxNode['fields'][string], derived = false) => {
      const json = toJsonValue(value, { maxArray: FIELD_MAX_ARRAY, maxBytes: FIELD_MAX_BYTES });
      const row: FieldRow = { name, value: json, text: formatValue(value, 16) };
      const length = value instanceof Uint8Array ? value.length : ArrayBuffer.isView(value) || Array.isArray(value) ? (value as ArrayLike<unknown>).length : 0;
      if ((value instanceof Uint8Array && length > FIELD_MAX_BYTES) || (!(value instanceof Uint8Array) && length > FIELD_MAX_ARRAY)) row.truncated = length;
      if (derived) row.derived = true;
      fields.push(row);
    };
    for (const [k, v] of Object.entries(n.fields)) addField(k, v);
    if (n.derived) for (const [k, v] of Object.entries(n.derived)) addField(k, v, true);

    let ranges: FieldRange[] = [];
    const available = Math.min(n.size, source.size - n.offset);
    if (available >= n.headerSize && available <= 4 * 1024 * 1024 && n.skipped !== 'payload') {
      this.places ??= placesOf(this.result.boxes);
      const place = this.places.get(n);
      const bytes = (await source.read(n.offset, available)).slice();
      if (place) ranges = fieldRanges(n, bytes, place, { majorBrand: this.result.majorBrand });
    } else {
      ranges = headerRanges(n);
    }
    const detail: BoxDetail = { row: this.row(i), fields, ranges, ancestors: this.ancestors(i) };
    if (n.version !== undefined) detail.version = n.version;
    if (n.flags !== undefined) detail.flags = n.flags;
    if (n.uuid !== undefined) detail.uuid = n.uuid;
    if (n.sizeMode) detail.sizeMode = n.sizeMode;
    if (n.decodeError) detail.decodeError = n.decodeError;
    return detail;
  }

  /** A box (with its children) as JSON, for "copy as JSON". */
  boxJson(i: number, withChildren = true): BoxJson {
    const n = this.node(i);
    return withChildren ? boxesToJson([n])[0]! : boxHeaderJson(n);
  }

  /** The whole tree in the `mwb inspect --json` shape, with the session's `tracks`. */
  treeJson(tracks: TrackInfo[]): { file: string; size: number; boxes: BoxJson[]; tracks: TrackInfo[]; errors: InspectResult['errors'] } {
    const r = this.result;
    return { file: r.file, size: r.size, boxes: boxesToJson(r.boxes), tracks, errors: r.errors };
  }

  table(trackId: number): SampleTable {
    let t = this.tables.get(trackId);
    if (!t) {
      const built = sampleTable(this.result.boxes, trackId, { fileSize: this.result.size });
      if (!built) {
        const ids = trackIds(this.result.boxes).join(', ') || 'none';
        throw new RangeError(`${this.path} has no track ${trackId} (its tracks: ${ids}).`);
      }
      t = built;
      this.tables.set(trackId, t);
    }
    return t;
  }

  samples(trackId: number, start: number, count: number): SamplePage {
    const t = this.table(trackId);
    const from = Math.max(0, Math.min(start, t.count));
    return { trackId, timescale: t.timescale, total: t.count, start: from, rows: sampleRows(t, from, Math.min(count, 5000)), warnings: t.warnings };
  }

  chart(trackId: number, buckets: number): SampleChart {
    const t = this.table(trackId);
    const scale = t.timescale || 1;
    const n = t.count;
    const t0 = n ? t.dts[0]! : 0;
    const duration = n ? (t.dts[n - 1]! + t.duration[n - 1]! - t0) / scale : 0;
    let maxSize = 0;
    for (let i = 0; i < n; i++) if (t.size[i]! > maxSize) maxSize = t.size[i]!;
    const points: SampleChart['points'] = [];
    const keyframes: SampleChart['keyframes'] = [];
    const b = Math.max(16, Math.min(4000, Math.floor(buckets)));
    const bucketed = n > b;
    if (!bucketed) {
      for (let i = 0; i < n; i++) {
        const time = (t.dts[i]! - t0) / scale;
        const size = t.size[i]!;
        points.push({ time, size, min: size, max: size, samples: 1, sync: t.isSync[i] === 1, index: i });
        if (t.isSync[i]) keyframes.push({ time, size, index: i });
      }
    } else {
      let syncCount = 0;
      for (let i = 0; i < n; i++) syncCount += t.isSync[i]!;
      const span = Math.max(duration, 1e-9);
      for (let k = 0; k < b; k++) points.push({ time: (k / b) * span, size: 0, min: Infinity, max: 0, samples: 0, sync: false, index: -1 });
      for (let i = 0; i < n; i++) {
        const time = (t.dts[i]! - t0) / scale;
        const k = Math.min(b - 1, Math.max(0, Math.floor((time / span) * b)));
        const p = points[k]!;
        const size = t.size[i]!;
        if (p.index < 0) p.index = i;
        p.samples++;
        p.size += size;
        if (size < p.min) p.min = size;
        if (size > p.max) p.max = size;
        if (t.isSync[i]) {
          if (syncCount <= 5000) keyframes.push({ time, size, index: i });
          else if (!p.sync) keyframes.push({ time, size, index: i });
          p.sync = true;
        }
      }
      for (const p of points) {
        if (p.samples) p.size = p.size / p.samples;
        else p.min = 0;
      }
    }
    return { trackId, count: n, duration, points, keyframes, maxSize, bucketed };
  }
}
