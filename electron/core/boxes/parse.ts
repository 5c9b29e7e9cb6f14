/**
 * The box walker: reads box headers by offset over a ByteSource, descends into containers, reads
 * and decodes metadata boxes, and never reads `mdat`/`free`/`skip` payloads.
 *
 * It never throws on malformed input: a box that runs past its parent or the file becomes a node
 * with an `error` (rules `box-truncated`, `box-size-invalid`), parsing goes on with what can still
 * be located, and depth, node count and the size of anything read are bounded.
 */
import {
  boxFactory,
  decodeWithMp4box,
  itemReferenceFactory,
  MP4BOX_PURE_CONTAINERS,
  sampleEntryCodec,
  sampleEntryFactory,
  trackGroupFactory,
  trackReferenceFactory,
  type DecodeContext,
  type Mp4boxFactory,
} from './mp4box-decode';
import { OWN_DECODERS, OWN_DECODERS_IN, tmcdEntry, type OwnDecodeResult, type OwnDecoder } from './own-decode';
import type { ByteSource } from './source';
import type { BoxError, BoxNode, FieldValue, ParseOptions } from './types';
import { codecString } from './vocabulary';

export const DEFAULTS = {
  maxDepth: 64,
  maxNodes: 2_000_000,
  maxDecodeBytes: 64 * 1024 * 1024,
} as const;

/** Boxes whose payload is media data or padding: never read by the walker. */
export const PAYLOAD_BOXES: ReadonlySet<string> = new Set(['mdat', 'free', 'skip', 'wide']);

/** How the children of a box are to be read. */
type ChildKind = 'boxes' | 'sampleEntries' | 'trackRefs' | 'itemRefs' | 'trackGroups' | 'ilstItems';

const CHILD_KIND: Record<string, ChildKind> = {
  stsd: 'sampleEntries',
  tref: 'trackRefs',
  iref: 'itemRefs',
  trgr: 'trackGroups',
  ilst: 'ilstItems',
};

/** Containers mp4box.js has no class for, or handles differently. */
const EXTRA_CONTAINERS: ReadonlySet<string> = new Set(['gmhd', 'ilst', 'tref', 'clip', 'matt', 'imap', 'sv3d', 'proj']);
/** Containers only under a given parent (QuickTime `gmhd/tmcd` holds `tcmi`). */
const CONTAINERS_IN: Record<string, ReadonlySet<string>> = { gmhd: new Set(['tmcd']) };

/** Boxes whose decoder tells where their children start. */
const STRUCTURAL: ReadonlySet<string> = new Set(['stsd', 'dref', 'meta', 'iinf', 'iref', 'ipro']);

/**
 * Types whose path segment always carries an index, because they repeat in their parent
 * (others get one only when they actually repeat).
 */
const REPEATABLE: ReadonlySet<string> = new Set([
  'moof', 'mdat', 'traf', 'trun', 'trak', 'sidx', 'ssix', 'emsg', 'prft', 'styp', 'free', 'skip', 'wide', 'uuid',
  'pssh', 'sgpd', 'sbgp', 'saiz', 'saio', 'subs', 'trex', 'tfra', 'elst', 'url ', 'urn ', 'infe', 'data',
]);

interface TrackContext {
  handler?: string;
}

interface WalkState {
  source: ByteSource;
  fileSize: number;
  maxDepth: number;
  maxNodes: number;
  maxDecodeBytes: number;
  decode: boolean;
  nodes: number;
  limitHit: boolean;
  decodeCtx: DecodeContext;
  lastYield: number;
}

interface ParentInfo {
  /** The decoding place of this parent's children, made once per parent. */
  place?: DecodePlace;
  type: string;
  /** The parent's parent type. */
  outer?: string;
  childKind: ChildKind;
  /** `iref` version, for its children. */
  version?: number;
  track?: TrackContext;
}

/** Parse the box tree of a source. Never throws for malformed media (only if the source fails). */
export async function parseBoxTree(source: ByteSource, options: ParseOptions = {}): Promise<BoxNode[]> {
  const state: WalkState = {
    source,
    fileSize: source.size,
    maxDepth: options.maxDepth ?? DEFAULTS.maxDepth,
    maxNodes: options.maxNodes ?? DEFAULTS.maxNodes,
    maxDecodeBytes: options.maxDecodeBytes ?? DEFAULTS.maxDecodeBytes,
    decode: options.decode ?? true,
    nodes: 0,
    limitHit: false,
    decodeCtx: {},
    lastYield: Date.now(),
  };
  const start = Math.max(0, options.start ?? 0);
  const end = Math.min(source.size, options.end ?? source.size);
  const boxes = await drive(source, walk(state, start, end, end >= source.size, 0, { type: '', childKind: 'boxes' }));
  assignPaths(boxes, '');
  return boxes;
}

/**
 * What the walker asks of whoever drives it: bytes the source cannot give synchronously, or (null)
 * a turn of the event loop. The walker is a generator so that a source answering synchronously
 * (a local file, bytes in memory) costs no promise and no microtask per box; only what really
 * waits goes through `drive`. (Issue #18, the 2 GB fMP4 of `npm run bench -- cli`: 62 ms with an
 * `await` per box, 59 ms now; a walker with no way to wait at all took 53 ms.)
 */
type WalkRequest = { offset: number; length: number } | null;
type Walker<T> = Generator<WalkRequest, T, Uint8Array | undefined>;

/** Run a walker to its end, reading what it asks for from `source`. */
async function drive<T>(source: ByteSource, walker: Walker<T>): Promise<T> {
  let step = walker.next();
  while (!step.done) {
    const request = step.value;
    let bytes: Uint8Array | undefined;
    if (request) bytes = await source.read(request.offset, request.length);
    else await yieldToLoop();
    step = walker.next(bytes);
  }
  return step.value;
}

/**
 * Let other work run: `setImmediate` in Node; in a browser worker, a `MessageChannel` message (a
 * task without `setTimeout`'s 4 ms clamp).
 */
function yieldToLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate;
  if (immediate) return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

function hex(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/**
 * Parse the boxes in `[start, end)`. `cutByFileEnd` says the region ends where the file ends
 * rather than where its parent says (top level, or a truncated parent): overrunning it is then
 * `box-truncated`; overrunning a complete parent is `box-size-invalid`.
 */
function* walk(st: WalkState, start: number, end: number, cutByFileEnd: boolean, depth: number, parent: ParentInfo): Walker<BoxNode[]> {
  const out: BoxNode[] = [];
  let pos = start;
  while (end - pos >= 8) {
    if (st.nodes >= st.maxNodes) {
      st.limitHit = true;
      break;
    }
    if (Date.now() - st.lastYield > 30) {
      // Stay responsive when the source answers from memory (no real I/O to yield on).
      yield null;
      st.lastYield = Date.now();
    }
    const headLength = Math.min(32, end - pos);
    const head = st.source.tryRead?.(pos, headLength) ?? ((yield { offset: pos, length: headLength }) as Uint8Array);
    if (head.length < 8) break;
    const size32 = u32(head, 0);
    const type = fourcc(head, 4);
    let headerSize = 8;
    let size = size32;
    let sizeMode: BoxNode['sizeMode'];
    let error: BoxError | undefined;

    if (size32 === 1) {
      sizeMode = 'large';
      headerSize = 16;
      if (head.length < 16) {
        error = cutHeader(type, pos, cutByFileEnd, parent.type);
        size = end - pos;
      } else {
        size = u32(head, 8) * 0x100000000 + u32(head, 12);
      }
    } else if (size32 === 0) {
      sizeMode = 'to-end';
      size = end - pos;
    }
    let uuid: string | undefined;
    if (type === 'uuid' && !error) {
      if (head.length < headerSize + 16) {
        error = cutHeader(type, pos, cutByFileEnd, parent.type);
        size = Math.max(size, end - pos);
      } else {
        uuid = hex(head, headerSize, headerSize + 16);
        headerSize += 16;
      }
    }
    if (!error && (size < headerSize || !Number.isSafeInteger(size))) {
      error = {
        rule: 'box-size-invalid',
        message: `${type} at offset ${pos} declares ${size} bytes, less than its own ${headerSize}-byte header; the rest of the ${parent.type || 'file'} cannot be located.`,
      };
    } else if (!error && pos + size > end) {
      error =
        cutByFileEnd && pos + size > st.fileSize
          ? {
              rule: 'box-truncated',
              message: `${type} at offset ${pos} declares ${size} bytes but the file ends after ${st.fileSize - pos} of them (${pos + size - st.fileSize} missing).`,
            }
          : {
              rule: 'box-size-invalid',
              message: `${type} at offset ${pos} declares ${size} bytes, running ${pos + size - end} bytes past the end of its parent ${parent.type || 'region'}.`,
            };
    }

    const node: BoxNode = { type, offset: pos, size, headerSize, fields: {}, path: '' };
    if (sizeMode) node.sizeMode = sizeMode;
    if (uuid !== undefined) node.uuid = uuid;
    if (error) node.error = error;
    out.push(node);
    st.nodes++;

    if (error?.rule === 'box-size-invalid' && (size < headerSize || !Number.isSafeInteger(size))) {
      // The next box cannot be located: the node covers what is left of the region.
      node.size = end - pos;
      node.headerSize = Math.min(headerSize, node.size);
      break;
    }
    const bodyEnd = Math.min(pos + size, end);
    if (bodyEnd - pos >= headerSize) yield* fill(st, node, bodyEnd, depth, parent);
    if (pos + size > end) break;
    pos += size;
  }
  if (st.limitHit && parent.type) {
    // Mark where the tree was cut so the UI can say so.
    const last = out[out.length - 1];
    if (last && !last.skipped) last.skipped = 'node-limit';
  }
  return out;
}

function cutHeader(type: string, pos: number, regionEndsFile: boolean, parentType: string): BoxError {
  const where = parentType ? `inside ${parentType}` : 'at the top level';
  return regionEndsFile
    ? { rule: 'box-truncated', message: `${type} at offset ${pos}: the file ends inside the box header.` }
    : { rule: 'box-size-invalid', message: `${type} at offset ${pos} ${where}: the box header runs past its parent.` };
}

/** What to do with a box, from its type and where it sits. Plain data, cached per place. */
interface Plan {
  /** Pure container: children start right after the header. */
  container?: boolean;
  /** Decode with one of the engine's own decoders. */
  own?: OwnDecoder;
  /** Decode with an mp4box.js object made by this factory. */
  factory?: Mp4boxFactory;
  /** The mp4box.js object is a sample entry (children parsed by the engine, codec derived). */
  sampleEntry?: boolean;
  /** The decoder is what finds the children (`stsd`, sample entries, `meta`…). */
  structural?: boolean;
  childKind: ChildKind;
}

/** Where a box sits, as far as decoding it is concerned. */
export interface DecodePlace {
  /** Parent's type ('' at the top level). */
  parentType: string;
  /** How the parent's children are read (sample entries in `stsd`, references in `tref`…). */
  childKind: ChildKind;
  /** The parent's full-box version (`iref` children depend on it). */
  parentVersion?: number;
  /** The enclosing track's handler (`vide`, `soun`…), for unknown sample entries. */
  handler?: string;
  /** Derive the codec string (sample entries of a track's own `stbl/stsd` only). */
  codec?: boolean;
}

/** Receives each decoded field's byte range (relative to the box start) when recording. */
export type FieldRecorder = {
  /** For the engine's own decoders: the field name is known. */
  named(name: string, start: number, end: number): void;
  /** For mp4box.js: every outermost read; the caller attributes reads to fields. */
  read(start: number, end: number): void;
  /** For mp4box.js: the box object, before any read. */
  created?(box: object): void;
};

/** Plans of ordinary boxes, by parent and type (no per-box allocation on the hot path). */
const planCache = new Map<string, Plan>();

function planFor(node: BoxNode, place: DecodePlace): Plan {
  const { type } = node;
  const childKind = CHILD_KIND[type] ?? 'boxes';
  switch (place.childKind) {
    case 'sampleEntries':
      if (type === 'tmcd') return { own: tmcdEntry, childKind: 'boxes', structural: true };
      return { factory: sampleEntryFactory(type, place.handler), sampleEntry: true, childKind: 'boxes', structural: true };
    case 'trackRefs':
      return { factory: trackReferenceFactory(type), childKind: 'boxes' };
    case 'itemRefs':
      return { factory: itemReferenceFactory(type, (place.parentVersion ?? 0) > 0), childKind: 'boxes' };
    case 'trackGroups':
      return { factory: trackGroupFactory(type), childKind: 'boxes' };
    case 'ilstItems':
      return { container: true, childKind: 'boxes' };
    case 'boxes':
      break;
  }
  if (node.uuid !== undefined) return { factory: boxFactory(type, node.uuid), childKind };
  const key = `${place.parentType}/${type}`;
  let plan = planCache.get(key);
  if (plan) return plan;
  const ownIn = OWN_DECODERS_IN[place.parentType]?.[type];
  const ownDecoder = Object.prototype.hasOwnProperty.call(OWN_DECODERS, type) ? OWN_DECODERS[type] : undefined;
  if (ownIn) plan = { own: ownIn, childKind, structural: STRUCTURAL.has(type) };
  else if (CONTAINERS_IN[place.parentType]?.has(type)) plan = { container: true, childKind };
  else if (ownDecoder) plan = { own: ownDecoder, childKind, structural: STRUCTURAL.has(type) };
  else if (MP4BOX_PURE_CONTAINERS.has(type) || EXTRA_CONTAINERS.has(type)) plan = { container: true, childKind };
  else plan = { factory: boxFactory(type), childKind };
  if (planCache.size < 4096) planCache.set(key, plan);
  return plan;
}

interface Decoded {
  result: OwnDecodeResult;
  codec?: string;
  /** The mp4box.js object, when mp4box.js decoded the box. */
  box?: object;
}

function runPlan(plan: Plan, bytes: Uint8Array, node: BoxNode, place: DecodePlace, ctx: DecodeContext, recorder?: FieldRecorder): Decoded | null {
  try {
    if (plan.own) return { result: plan.own(bytes, node.headerSize, recorder?.named) };
    if (!plan.factory) return null;
    const r = decodeWithMp4box(bytes, plan.factory, node.headerSize, ctx, {
      sampleEntry: plan.sampleEntry,
      recorder: recorder?.read,
      onCreate: recorder?.created,
    });
    return {
      result: { fields: r.fields, version: r.version, flags: r.flags, error: r.error, childStart: r.childStart },
      codec: plan.sampleEntry && place.codec && !recorder ? sampleEntryCodec(bytes, plan.factory, node.headerSize, ctx) : undefined,
      box: r.box,
    };
  } catch (err) {
    return { result: { fields: {}, error: err instanceof Error ? err.message : String(err) } };
  }
}

function* fill(st: WalkState, node: BoxNode, bodyEnd: number, depth: number, parent: ParentInfo): Walker<void> {
  if (PAYLOAD_BOXES.has(node.type)) {
    node.skipped = 'payload';
    return;
  }
  const place = parent.place ?? (parent.place = placeOf(parent));
  const plan = planFor(node, place);
  let childStart: number | undefined = plan.container ? node.headerSize : undefined;
  const track: TrackContext | undefined = node.type === 'trak' ? {} : parent.track;

  // Without field decoding, boxes whose decoder locates their children are still decoded.
  if ((plan.own || plan.factory) && (st.decode || plan.structural)) {
    const length = bodyEnd - node.offset;
    if (length > st.maxDecodeBytes) {
      node.skipped = 'too-large';
    } else {
      const bytes = st.source.tryRead?.(node.offset, length) ?? ((yield { offset: node.offset, length }) as Uint8Array);
      const decoded = runPlan(plan, bytes, node, place, st.decodeCtx)!;
      const r = decoded.result;
      node.fields = r.fields;
      if (r.version !== undefined) node.version = r.version;
      if (r.flags !== undefined) node.flags = r.flags;
      if (r.error) node.decodeError = r.error;
      if (decoded.codec) node.derived = { codec: decoded.codec };
      if (r.childStart !== undefined && r.childStart >= node.headerSize && r.childStart <= length) childStart = r.childStart;
      afterDecode(st, node, parent);
    }
  }

  if (childStart !== undefined) {
    if (depth + 1 > st.maxDepth) {
      node.skipped = 'depth';
    } else {
      const info: ParentInfo = { type: node.type, outer: parent.type, childKind: plan.childKind, version: node.version, track };
      const cut = node.error?.rule === 'box-truncated' || (node.offset + node.size > st.fileSize && bodyEnd >= st.fileSize);
      node.children = yield* walk(st, node.offset + childStart, bodyEnd, cut, depth + 1, info);
    }
  }
  // A track's sample entry gets the codec string every view shows (the vocabulary's derivation,
  // from the configuration children; mp4box.js's string seeds formats it does not derive itself).
  if (plan.sampleEntry && place.codec) node.derived = { ...node.derived, codec: codecString(node).codec };
}

function placeOf(parent: ParentInfo): DecodePlace {
  return {
    parentType: parent.type,
    childKind: parent.childKind,
    parentVersion: parent.version,
    handler: parent.track?.handler,
    codec: parent.type === 'stsd' && parent.outer === 'stbl',
  };
}

/**
 * Decode one box again, outside a walk: for the detail view (with field byte ranges through
 * `recorder`). `bytes` are the whole box, header included.
 */
export function decodeBox(
  bytes: Uint8Array,
  node: BoxNode,
  place: DecodePlace,
  ctx: DecodeContext,
  recorder?: FieldRecorder,
): Decoded | null {
  return runPlan(planFor(node, place), bytes, node, place, ctx, recorder);
}

/** The decoding place of each node of a tree (parent type, child kind, handler), by node. */
export function placesOf(boxes: BoxNode[]): Map<BoxNode, DecodePlace> {
  const places = new Map<BoxNode, DecodePlace>();
  const rec = (nodes: BoxNode[], place: DecodePlace, handler: string | undefined) => {
    let h = handler;
    for (const n of nodes) {
      places.set(n, { ...place, handler: h });
      if (n.type === 'hdlr' && place.parentType === 'mdia' && typeof n.fields.handler === 'string') h = n.fields.handler;
      if (n.children) {
        rec(n.children, { parentType: n.type, childKind: CHILD_KIND[n.type] ?? 'boxes', parentVersion: n.version }, n.type === 'trak' ? undefined : h);
      }
    }
  };
  rec(boxes, { parentType: '', childKind: 'boxes' }, undefined);
  return places;
}

/** Learn what later boxes need: the brand (QuickTime sound entries) and each track's handler. */
function afterDecode(st: WalkState, node: BoxNode, parent: ParentInfo): void {
  if ((node.type === 'ftyp' || node.type === 'styp') && st.decodeCtx.majorBrand === undefined) {
    const brand = node.fields.major_brand;
    if (typeof brand === 'string') st.decodeCtx.majorBrand = brand;
  } else if (node.type === 'hdlr' && parent.type === 'mdia' && parent.track) {
    const handler = node.fields.handler;
    if (typeof handler === 'string') parent.track.handler = handler;
  }
}

/** `moof[3]/traf[0]/tfdt`: index among same-type siblings, when the type repeats or may repeat. */
export function assignPaths(nodes: BoxNode[], prefix: string): void {
  const totals = new Map<string, number>();
  for (const n of nodes) totals.set(n.type, (totals.get(n.type) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const n of nodes) {
    const i = seen.get(n.type) ?? 0;
    seen.set(n.type, i + 1);
    const indexed = REPEATABLE.has(n.type) || (totals.get(n.type) ?? 0) > 1;
    const segment = indexed ? `${n.type}[${i}]` : n.type;
    n.path = prefix ? `${prefix}/${segment}` : segment;
    if (n.children) assignPaths(n.children, n.path);
  }
}

/** Depth-first visit of a tree; return `false` from `fn` to skip a node's children. */
export function visit(nodes: BoxNode[], fn: (node: BoxNode, parent: BoxNode | null, depth: number) => boolean | void): void {
  const stack: { node: BoxNode; parent: BoxNode | null; depth: number }[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) stack.push({ node: nodes[i]!, parent: null, depth: 0 });
  while (stack.length) {
    const { node, parent, depth } = stack.pop()!;
    if (fn(node, parent, depth) === false || !node.children) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, parent: node, depth: depth + 1 });
  }
}

/** First child of `node` with `type`. */
export function child(node: BoxNode | undefined, type: string): BoxNode | undefined {
  return node?.children?.find((c) => c.type === type);
}

/** All children of `node` with `type`. */
export function childrenOf(node: BoxNode | undefined, type: string): BoxNode[] {
  return node?.children?.filter((c) => c.type === type) ?? [];
}

/** Follow a chain of types from `node`: `descend(trak, 'mdia', 'minf', 'stbl')`. */
export function descend(node: BoxNode | undefined, ...types: string[]): BoxNode | undefined {
  let cur = node;
  for (const t of types) cur = child(cur, t);
  return cur;
}

/** A numeric field, or `undefined`. */
export function num(node: BoxNode | undefined, name: string): number | undefined {
  const v = node?.fields[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A string field, or `undefined`. */
export function str(node: BoxNode | undefined, name: string): string | undefined {
  const v = node?.fields[name];
  return typeof v === 'string' ? v : undefined;
}

/** A numeric array field (plain or typed), or an empty array. */
export function numbers(node: BoxNode | undefined, name: string): ArrayLike<number> {
  const v: FieldValue | undefined = node?.fields[name];
  if (v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array || v instanceof Int16Array || v instanceof Int32Array || v instanceof Float32Array || v instanceof Float64Array) return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? x : 0));
  return [];
}
