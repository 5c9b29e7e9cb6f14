/**
 * Field decoding with mp4box.js's own box classes, run on the bytes of one box at a time.
 *
 * mp4box.js parses from a growable DataStream; on hostile input it would grow buffers to whatever
 * length a corrupt field claims. `BoundedStream` refuses any read past the box instead, so a bad
 * field becomes a `decodeError` on that box and nothing else.
 *
 * Only mp4box.js's public API is used (its exported classes and registry, `DataStream`'s
 * constructor, `dynamicSize`, `getPosition`, `byteLength`, `isofile`), so a minor release cannot
 * break this module by renaming a private field; `mp4box-decode.test.ts` pins the behaviour.
 */
import {
  AudioSampleEntry,
  Box,
  BoxParser,
  DataStream,
  Log,
  SampleEntry,
  SingleItemTypeReferenceBox,
  SingleItemTypeReferenceBoxLarge,
  TrackGroupTypeBox,
  TrackReferenceTypeBox,
  VisualSampleEntry,
} from 'mp4box';
import type { BoxFields, FieldValue } from './types';
import { trackKind } from './vocabulary';

/**
 * Run mp4box.js with its error log silenced, for one synchronous parse: mp4box.js reports box-level
 * problems through `Log.error` (to the console), and the engine reports them itself (`decodeError`,
 * error nodes). Restored before returning, so other users of mp4box.js in the process (the Player's
 * on-the-fly fragmenter, tests) keep their logging.
 */
function quietly<T>(fn: () => T): T {
  const original = Log.error;
  Log.error = () => {};
  try {
    return fn();
  } finally {
    Log.error = original;
  }
}

/** What the engine needs from an mp4box.js box object. */
export interface Mp4boxBox {
  type: string;
  size: number;
  hdr_size: number;
  start: number;
  version?: number;
  flags?: number;
  parse(stream: DataStream): void;
  parseFooter?(stream: DataStream): void;
  getCodec?(): string;
  [key: string]: unknown;
}
type BoxClass = new (size?: number, hdrSize?: number, start?: number) => Mp4boxBox;

const registry = BoxParser as unknown as {
  box: Record<string, BoxClass>;
  uuid: Record<string, BoxClass>;
  sampleEntry: Record<string, BoxClass>;
};

const boxProto = Box.prototype as object;
const containerProto = Object.getPrototypeOf(registry.box.moov!.prototype) as object;

/** mp4box.js box types that are pure containers (children only, no fields of their own). */
export const MP4BOX_PURE_CONTAINERS: ReadonlySet<string> = new Set(
  Object.entries(registry.box)
    .filter(([, cls]) => {
      if (!containerProto.isPrototypeOf(cls.prototype)) return false;
      for (let p: object | null = cls.prototype; p && p !== containerProto; p = Object.getPrototypeOf(p) as object | null) {
        if (Object.prototype.hasOwnProperty.call(p, 'parse')) return false;
      }
      return true;
    })
    .map(([type]) => type),
);

class BoundedStream extends DataStream {
  /** A stream over a copy of exactly `buffer` (the box, header included). */
  constructor(buffer: ArrayBuffer) {
    super(buffer);
    // Never grow: reading past the end must fail, not allocate.
    this.dynamicSize = 0;
  }
  /** mp4box.js's child-box parsing asks its (multi-buffer) stream for the end; here it is the box's end. */
  getEndPosition(): number {
    return this.byteLength;
  }
  private need(bytes: number): void {
    const at = this.getPosition();
    if (!(bytes >= 0) || at + bytes > this.byteLength) {
      throw new RangeError(`a field claims ${bytes} bytes at box offset ${at}, past the end of the box (${this.byteLength} bytes)`);
    }
  }
  override mapUint8Array(length: number) {
    this.need(length);
    return super.mapUint8Array(length);
  }
  override readUint8Array(length?: number) {
    if (length !== undefined) this.need(length);
    return super.readUint8Array(length);
  }
  override readInt8Array(length?: number) {
    if (length !== undefined) this.need(length);
    return super.readInt8Array(length);
  }
  override readUint16Array(length?: number, e?: Parameters<DataStream['readUint16Array']>[1]) {
    if (length !== undefined) this.need(length * 2);
    return super.readUint16Array(length, e);
  }
  override readInt16Array(length?: number, e?: Parameters<DataStream['readInt16Array']>[1]) {
    if (length !== undefined) this.need(length * 2);
    return super.readInt16Array(length, e);
  }
  override readUint32Array(length?: number, e?: Parameters<DataStream['readUint32Array']>[1]) {
    if (length !== undefined) this.need(length * 4);
    return super.readUint32Array(length, e);
  }
  override readInt32Array(length?: number, e?: Parameters<DataStream['readInt32Array']>[1]) {
    if (length !== undefined) this.need(length * 4);
    return super.readInt32Array(length, e);
  }
  override readFloat32Array(length?: number, e?: Parameters<DataStream['readFloat32Array']>[1]) {
    if (length !== undefined) this.need(length * 4);
    return super.readFloat32Array(length, e);
  }
  override readFloat64Array(length?: number, e?: Parameters<DataStream['readFloat64Array']>[1]) {
    if (length !== undefined) this.need(length * 8);
    return super.readFloat64Array(length, e);
  }
}

/** Context mp4box.js consults while parsing (QuickTime sound sample entries look at the brand). */
export interface DecodeContext {
  majorBrand?: string;
}

export type ReadRecorder = (start: number, end: number) => void;

function makeStream(bytes: Uint8Array, ctx: DecodeContext, recorder?: ReadRecorder): DataStream {
  // DataStream copies what it is given: hand it the box alone, not a larger read buffer around it.
  const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
  const stream = new BoundedStream(exact);
  // The one thing a box parser asks of the file (QuickTime sound entries look at the brand).
  if (ctx.majorBrand) stream.isofile = { ftyp: { major_brand: ctx.majorBrand } } as unknown as DataStream['isofile'];
  if (recorder) instrument(stream, recorder);
  return stream;
}

/**
 * Wrap every `read*`/`map*` method of one stream so each outermost read reports its byte range.
 * Used only for the detail view's field highlighting.
 */
function instrument(stream: DataStream, recorder: ReadRecorder): void {
  let depth = 0;
  const names = new Set<string>();
  for (let p: object | null = stream; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) if (/^(read|map)[A-Z0-9]/.test(name)) names.add(name);
  }
  const target = stream as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of names) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: DataStream, ...args: unknown[]) {
      const start = this.getPosition();
      depth++;
      try {
        return original.apply(this, args);
      } finally {
        depth--;
        if (depth === 0) recorder(start, this.getPosition());
      }
    };
  }
}

export interface Mp4boxDecodeResult {
  box?: Mp4boxBox;
  fields: BoxFields;
  version?: number;
  flags?: number;
  error?: string;
  /** For sample entries: offset (within the box) where child boxes start. */
  childStart?: number;
}

/** How to make the mp4box.js object for a box, chosen by the engine from the box's context. */
export type Mp4boxFactory = (size: number, headerSize: number) => Mp4boxBox;

/** The mp4box.js class registered for a box type (or `uuid` extended type), if any. */
export function boxFactory(type: string, uuid?: string): Mp4boxFactory | undefined {
  const cls = uuid !== undefined ? own(registry.uuid, uuid) : own(registry.box, type);
  return cls ? (size) => new cls(size) : undefined;
}

/**
 * A sample entry inside `stsd`: its registered class, else a generic visual/audio/plain entry
 * chosen from the track's handler (so unknown codecs still show width/height or channels).
 */
export function sampleEntryFactory(type: string, handler: string | undefined): Mp4boxFactory {
  const kind = trackKind(handler);
  const cls =
    own(registry.sampleEntry, type) ??
    ((kind === 'video' ? VisualSampleEntry : kind === 'audio' ? AudioSampleEntry : SampleEntry) as unknown as BoxClass);
  return (size, headerSize) => {
    const box = new cls(size, headerSize, 0);
    box.type = type;
    return box;
  };
}

export function trackReferenceFactory(type: string): Mp4boxFactory {
  return (size, headerSize) => new TrackReferenceTypeBox(type, size, headerSize, 0) as unknown as Mp4boxBox;
}

export function itemReferenceFactory(type: string, large: boolean): Mp4boxFactory {
  const Cls = large ? SingleItemTypeReferenceBoxLarge : SingleItemTypeReferenceBox;
  return (size, headerSize) => new Cls(type, size, 'ItemReference', headerSize, 0) as unknown as Mp4boxBox;
}

export function trackGroupFactory(type: string): Mp4boxFactory {
  const cls = own(registry.box, type);
  return (size) => {
    const box = cls ? new cls(size) : (new TrackGroupTypeBox(size) as unknown as Mp4boxBox);
    box.type = type;
    return box;
  };
}

function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/**
 * Decode one box (its complete bytes, header included) with an mp4box.js object. For sample
 * entries (`sampleEntry: true`) child boxes are not parsed: `childStart` tells where they begin so
 * the engine walks them itself, with offsets and error nodes.
 */
export function decodeWithMp4box(
  bytes: Uint8Array,
  factory: Mp4boxFactory,
  headerSize: number,
  ctx: DecodeContext,
  options: { sampleEntry?: boolean; recorder?: ReadRecorder; onCreate?: (box: object) => void } = {},
): Mp4boxDecodeResult {
  let box: Mp4boxBox;
  try {
    box = factory(bytes.length, headerSize);
  } catch (err) {
    return { fields: {}, error: describe(err) };
  }
  options.onCreate?.(box);
  box.hdr_size = headerSize;
  box.start = 0;
  let childStart: number | undefined;
  if (options.sampleEntry) {
    box.parseFooter = (s: DataStream) => {
      childStart = s.getPosition();
    };
  }
  const stream = makeStream(bytes, ctx, options.recorder);
  stream.seek(headerSize);
  let error: string | undefined;
  try {
    quietly(() => box.parse(stream));
  } catch (err) {
    error = describe(err);
  }
  const isFull = typeof (box as { parseFullHeader?: unknown }).parseFullHeader === 'function' && !options.sampleEntry;
  return {
    box,
    fields: fieldsOf(box),
    version: isFull && typeof box.version === 'number' ? box.version : undefined,
    flags: isFull && typeof box.flags === 'number' ? box.flags : undefined,
    error,
    childStart,
  };
}

/**
 * The RFC 6381 codec string mp4box.js derives for a sample entry (`avc1.64001F`, `mp4a.40.2`…).
 * Needs the entry's child boxes, so it parses the entry completely (entries are small).
 */
export function sampleEntryCodec(bytes: Uint8Array, factory: Mp4boxFactory, headerSize: number, ctx: DecodeContext): string | undefined {
  try {
    const box = factory(bytes.length, headerSize);
    box.hdr_size = headerSize;
    box.start = 0;
    const stream = makeStream(bytes, ctx);
    stream.seek(headerSize);
    const codec = quietly(() => {
      box.parse(stream);
      return typeof box.getCodec === 'function' ? box.getCodec() : undefined;
    });
    return typeof codec === 'string' && codec.length > 0 && codec.length < 200 ? codec : undefined;
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  if (err instanceof RangeError) {
    return /past the end|Offset is outside|out of bounds|Invalid typed array length|Maximum call stack/i.test(err.message)
      ? `field data runs past the end of the box (${err.message})`
      : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Properties of mp4box.js box objects that are bookkeeping, not fields. */
const NOT_FIELDS = new Set([
  'type',
  'size',
  'hdr_size',
  'start',
  'uuid',
  'version',
  'flags',
  'boxes',
  'box_name',
  'original_size',
  'sizePosition',
  'has_unparsed_data',
  'subBoxNames',
  'parseFooter',
  'isQT',
  'data_offset_position',
]);

function isBoxObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && boxProto.isPrototypeOf(value);
}

const MAX_PLAIN_DEPTH = 10;

/** mp4box.js box object → plain fields (children and bookkeeping dropped; typed arrays copied). */
export function fieldsOf(box: Mp4boxBox): BoxFields {
  const out: BoxFields = {};
  const unparsed = box.has_unparsed_data === true;
  for (const key of Object.keys(box)) {
    if (NOT_FIELDS.has(key)) continue;
    if (unparsed && key === 'data') continue;
    const value = box[key];
    const plain = toPlain(value, 0);
    if (plain !== undefined) out[key] = plain;
  }
  return out;
}

function toPlain(value: unknown, depth: number): FieldValue | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'number':
      return value;
    case 'string':
      return value;
    case 'boolean':
      return value;
    case 'bigint':
      return Number(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (isBoxObject(value)) return undefined;
  if (ArrayBuffer.isView(value)) {
    // Copy: a view may pin a much larger read buffer in memory.
    if (value instanceof Uint8Array) return new Uint8Array(value);
    if (value instanceof Uint16Array) return new Uint16Array(value);
    if (value instanceof Uint32Array) return new Uint32Array(value);
    if (value instanceof Int16Array) return new Int16Array(value);
    if (value instanceof Int32Array) return new Int32Array(value);
    if (value instanceof Float32Array) return new Float32Array(value);
    if (value instanceof Float64Array) return new Float64Array(value);
    if (value instanceof Int8Array) return Array.from(value);
    if (value instanceof DataView) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    return undefined;
  }
  if (depth >= MAX_PLAIN_DEPTH) return undefined;
  if (Array.isArray(value)) {
    if (value.some(isBoxObject)) return undefined;
    const arr: FieldValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) arr[i] = toPlain(value[i], depth + 1) ?? null;
    return arr;
  }
  if (value instanceof Map || value instanceof Set) return undefined;
  const obj: { [key: string]: FieldValue } = {};
  for (const key of Object.keys(value as object)) {
    if (key === 'parent' || key === 'isofile') continue;
    const v = toPlain((value as Record<string, unknown>)[key], depth + 1);
    if (v !== undefined) obj[key] = v;
  }
  return obj;
}
