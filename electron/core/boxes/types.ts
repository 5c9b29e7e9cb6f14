/**
 * Types of the box engine. Kept free of Node imports so the renderer can import them too
 * (`import type` only).
 */

import type { TrackKind } from './vocabulary';

/** Rule ids shared with the MSE lint (see `../shared/design/MSE_RULES.md`). */
export type BoxErrorRule = 'box-truncated' | 'box-size-invalid';

export interface BoxError {
  rule: BoxErrorRule;
  /** One sentence a user can act on, naming the box and offsets. */
  message: string;
}

/**
 * Decoded field values. Numbers, strings, booleans, plain objects and arrays, plus typed arrays
 * (`Uint8Array` for raw bytes, `Uint32Array` etc. for big tables). Use `toJsonValue` (json.ts) to
 * turn them into JSON-safe values.
 */
export type FieldValue =
  | number
  | string
  | boolean
  | null
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array
  | FieldValue[]
  | { [key: string]: FieldValue };

export type BoxFields = Record<string, FieldValue>;

/** Why the engine did not look inside a box. */
export type SkipReason =
  /** `mdat`, `free`, `skip`…: the payload is media data or padding, read only on demand. */
  | 'payload'
  /** Nesting deeper than `maxDepth`. */
  | 'depth'
  /** A metadata box bigger than `maxDecodeBytes`. */
  | 'too-large'
  /** The tree reached `maxNodes`. */
  | 'node-limit';

export interface BoxNode {
  /** Four-character code as written (Latin-1, so QuickTime's `©nam` reads as it should). */
  type: string;
  /** Absolute file offset of the first header byte. */
  offset: number;
  /**
   * Size in bytes as declared by the header (for a size of 0, "to the end of the enclosing box or
   * file", the resolved size). May run past the parent or the file: then `error` says so.
   */
  size: number;
  /** 8, 16 with a 64-bit `largesize`, +16 for `uuid` boxes. */
  headerSize: number;
  /** How the size was written when not a plain 32-bit size. */
  sizeMode?: 'large' | 'to-end';
  /** For `uuid` boxes: the extended type, 32 lowercase hex digits. */
  uuid?: string;
  /** Full-box version and flags, when the box is a full box. */
  version?: number;
  flags?: number;
  /** Decoded fields, with mp4box.js's field names where mp4box.js knows the box. */
  fields: BoxFields;
  /** Child boxes, for containers (also sample entries, `stsd`, `dref`, `meta`, …). */
  children?: BoxNode[];
  error?: BoxError;
  /**
   * Values the engine computes that the box does not store literally, e.g. `codec` (the RFC 6381
   * string mp4box.js derives for a sample entry).
   */
  derived?: Record<string, FieldValue>;
  /** The box's structure is sound but its fields could not all be decoded (fields may be partial). */
  decodeError?: string;
  /** Present when the engine deliberately did not read the payload or the children. */
  skipped?: SkipReason;
  /**
   * Position in the tree, e.g. `moof[3]/traf[0]/tfdt`. A segment carries `[i]` (index among the
   * parent's children of the same type) when the type may repeat in its parent or does repeat.
   */
  path: string;
}

export interface ParseOptions {
  /** Deepest nesting to descend into (top level is depth 0). Default 64. */
  maxDepth?: number;
  /** Stop adding nodes beyond this many (the last parent gets `skipped: 'node-limit'`). Default 2,000,000. */
  maxNodes?: number;
  /** Metadata boxes bigger than this are not read or decoded (`skipped: 'too-large'`). Default 64 MiB. */
  maxDecodeBytes?: number;
  /** Decode fields (default true). Off gives the bare structure faster. */
  decode?: boolean;
  /** Only parse `[start, end)` of the source as the top level (default: the whole source). */
  start?: number;
  end?: number;
}

/** A summary of one track (from `moov/trak`, plus fragments for fragmented files). */
export interface TrackInfo {
  id: number;
  /** `hdlr.handler`: `vide`, `soun`, `text`, `subt`, `tmcd`, `meta`, `hint`… */
  handler: string;
  /** `hdlr.name`, often the muxer's label. */
  handlerName?: string;
  /** Kind derived from the handler (the box vocabulary's `trackKind`). */
  kind: TrackKind;
  timescale: number;
  /** `mdhd.duration` in timescale units (0 for fragmented files' init segments). */
  duration: number;
  /** Duration in seconds, from `mdhd`, or from the samples when the file is fragmented. */
  durationSeconds: number;
  /** ISO-639-2 language from `mdhd`. */
  language?: string;
  /** Sample entry four-character code (`avc1`, `mp4a`, `tmcd`…), of the first sample description. */
  sampleEntry?: string;
  /** RFC 6381 codec string (the box vocabulary's `codecString`, the same as `mwb lint`'s). */
  codec?: string;
  width?: number;
  height?: number;
  channelCount?: number;
  sampleRate?: number;
  sampleCount: number;
  /** Sum of sample sizes. */
  bytes: number;
  /** Average bitrate in bits per second over `durationSeconds`. */
  bitrate?: number;
  /** The samples come from `moof/traf/trun` (fragmented) rather than `stbl`. */
  fragmented: boolean;
  fragmentCount: number;
  /** Encrypted sample entry (`encv`/`enca`), with the original format from `frma`. */
  encrypted?: { scheme?: string; originalFormat?: string };
  /** QuickTime/ISO timecode track (`tmcd` sample entry) and its first timecode sample. */
  timecode?: TimecodeInfo;
  /** `trak/tkhd` path, to find the track's boxes. */
  path: string;
}

export interface TimecodeInfo {
  flags: number;
  dropFrame: boolean;
  wraps24Hours: boolean;
  allowsNegative: boolean;
  counter: boolean;
  timescale: number;
  frameDuration: number;
  numberOfFrames: number;
  /** The first timecode sample's frame number (a 32-bit count), when the sample could be read. */
  firstFrame?: number;
  /** `HH:MM:SS:FF` (`;` before frames for drop-frame), from the first sample. */
  start?: string;
}

export interface InspectResult {
  file: string;
  size: number;
  boxes: BoxNode[];
  tracks: TrackInfo[];
  /** `isobmff` when the file starts like an ISO BMFF/QuickTime file, `unknown` otherwise. */
  format: 'isobmff' | 'unknown';
  /**
   * Set when `format` is `unknown` but the first bytes still form a box (four printable characters
   * and a size that fits), of a type that does not start files (e.g. a top-level `trak`): the
   * tree is worth showing, with a warning.
   */
  unexpectedFirstBox?: string;
  /** `ftyp.major_brand` (or `styp`), when present. */
  majorBrand?: string;
  /** True when the file has `moof` boxes. */
  fragmented: boolean;
  /** Every node with an `error`, in file order (at most 1000). */
  errors: { path: string; offset: number; type: string; rule: BoxErrorRule; message: string }[];
  /** Total number of nodes in `boxes`. */
  nodeCount: number;
  /** The tree stopped growing at `maxNodes` (the file has more boxes than listed). */
  nodeLimitReached: boolean;
}

/** One sample, as a row (for display and JSON). Times are in the track's timescale. */
export interface SampleRow {
  /** 0-based position in decode order. */
  index: number;
  dts: number;
  cts: number;
  duration: number;
  size: number;
  offset: number;
  isSync: boolean;
  /** 0-based index of the fragment (`moof`) holding the sample; -1 for `stbl` samples. */
  fragment: number;
  /** 1-based sample description index. */
  descriptionIndex: number;
}

/**
 * Every sample of a track in parallel typed arrays (a few dozen bytes per sample, no object per
 * sample), in decode order.
 */
export interface SampleTable {
  trackId: number;
  timescale: number;
  count: number;
  dts: Float64Array;
  cts: Float64Array;
  duration: Uint32Array;
  size: Uint32Array;
  offset: Float64Array;
  isSync: Uint8Array;
  fragment: Int32Array;
  descriptionIndex: Uint32Array;
  /** Problems met while building the table (inconsistent counts, missing boxes…). */
  warnings: string[];
}
