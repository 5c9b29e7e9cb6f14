/**
 * Types of the box-tree diff. Free of Node imports so the renderer can import them (`import type`).
 *
 * Vocabulary: side `a` is the reference ("before"), side `b` the other file ("after"). A path is
 * the box engine's path (`moof[3]/traf[0]/tfdt`); boxes of an init segment given for context carry
 * the prefix `init:` (`init:moov/trak[0]/tkhd`).
 */
import type { JsonValue } from '../boxes/json';
import type { RuleId } from '../mse/catalogue';

export type { JsonValue } from '../boxes/json';

export type DiffKind = 'added' | 'removed' | 'changed';

/**
 * Why a difference is left out by default:
 * - `volatile`: says when or with what a file was made, not how it plays (creation times, encoder
 *   and handler names, a constant shift of `mfhd` sequence numbers, `free`/`skip` padding);
 * - `position`: an absolute or moof-relative offset that differs only because boxes before the
 *   data changed size (`stco`/`co64`, `trun.data_offset`, `tfhd.base_data_offset`, `saio`,
 *   `tfra.moof_offset`); the sample layout (which track's data sits where, gaps) is the same.
 */
export type IgnoreReason = 'volatile' | 'position';

export interface CompareOptions {
  /** Report volatile and position-only differences too (default false). */
  includeVolatile?: boolean;
  /** Stop listing per-box differences after this many (default 100,000); the summary is always complete. */
  maxDifferences?: number;
  /** Send at most this many aligned rows to the UI (default 100,000, about 15 MB of JSON). */
  maxRows?: number;
}

/** One difference in one box (or one box added/removed), before grouping. */
export interface Difference {
  /** Path in `a` (in `b` for added boxes). */
  path: string;
  /** Path in `b` when it differs from `path` (another index, another sample entry type). */
  pathB?: string;
  kind: DiffKind;
  /**
   * The field, absent for added/removed boxes. Nested values use dots and brackets:
   * `entries[0].media_time`, `SPS[0].data`; box header values are `type`, `version`, `flags`, `size`.
   */
  field?: string;
  /**
   * Values (JSON). Big arrays are described as `{ length, differing, first: { index: value } }`
   * (only the first differing entries); an added/removed box as `{ type, size }`.
   */
  a?: JsonValue;
  b?: JsonValue;
  /** Aligned row index (for the UI), when rows were built. */
  row?: number;
  /** Set when the difference is normally ignored (reported only with `includeVolatile`). */
  ignored?: IgnoreReason;
}

/** A difference as `mwb diff --json` prints it (after grouping repeated boxes). */
export interface ReportedDifference {
  path: string;
  kind: DiffKind;
  field?: string;
  a?: JsonValue;
  b?: JsonValue;
}

/** One playback-relevant topic, computed for both files. */
export interface SummaryEntry {
  /** Stable id of the topic, e.g. `codec`, `tfhd-base`, `gop`. */
  id: string;
  /** The track the topic is about (`video`, `audio 2`…), when it is about one. */
  track?: string;
  /** What a person reads: "Codec string (video)". */
  topic: string;
  a: string;
  b: string;
  /** The lint rule (MSE_RULES.md) the topic touches. */
  rule?: RuleId;
  same: boolean;
  /** Both files' numbers for a chart (fragment durations in seconds), when the topic has them. */
  series?: { a: number[]; b: number[] };
}

export interface SideInfo {
  file: string;
  init?: string;
  /** Bytes of the main file. */
  size: number;
  /** `ftyp`/`styp` major brand. */
  majorBrand?: string;
  fragmented: boolean;
  boxes: number;
  /** `init-and-media`, `init`, `media` (a segment, no `moov`), `progressive`. */
  kind: 'init-and-media' | 'init' | 'media' | 'progressive' | 'other';
}

export type RowStatus = 'same' | 'changed' | 'added' | 'removed';

export interface RowBox {
  type: string;
  offset: number;
  size: number;
  /** Number of children (0 for leaves). */
  children: number;
  error?: string;
}

/** A box with its path, as the field table shows it. */
export interface PathBox extends RowBox {
  path: string;
}

/** One line of the synchronized trees: a box of `a`, of `b`, or of both. */
export interface CompareRow {
  depth: number;
  /** Index of the parent row, -1 at the top. */
  parent: number;
  status: RowStatus;
  a?: RowBox;
  b?: RowBox;
  /** Reported differences in this box's own fields. */
  changes: number;
  /** Ignored (volatile/position) differences in this box's own fields. */
  ignored: number;
  /** Rows below this one that are added, removed or changed. */
  inner: number;
}

export interface IgnoredCount {
  volatile: number;
  position: number;
  /** A few examples, so a user sees what was left out. */
  examples: { path: string; field?: string; reason: IgnoreReason }[];
}

export interface CompareResult {
  a: SideInfo;
  b: SideInfo;
  /** Every topic, the same ones too (`same: true`); the CLI prints only those that differ. */
  summary: SummaryEntry[];
  /** Per-box differences in tree order (ignored ones only with `includeVolatile`). */
  differences: Difference[];
  /** True when more differences existed than `maxDifferences`. */
  differencesTruncated: boolean;
  /** Repeated differences folded (`moof[*]/traf[0]/tfhd`), as the CLI prints them. */
  reported: ReportedDifference[];
  ignored: IgnoredCount;
  /** True when nothing differs after the ignores (summary and differences empty). */
  identical: boolean;
  rows: CompareRow[];
  rowsTruncated: boolean;
  /** Time spent, for the curious (ms). */
  timing: { parse: number; compare: number };
}

/** The detail of one row: every field of the two boxes, side by side. */
export interface FieldRow {
  /** Top-level field name, or a header value (`type`, `version`, `flags`, `size`, `codec (derived)`). */
  name: string;
  /** Display values (JSON text, arrays shortened). Absent when the box or field is absent on that side. */
  a?: string;
  b?: string;
  status: 'same' | DiffKind;
  ignored?: IgnoreReason;
  /** Why values that differ are not a difference of their own (a box size that follows from its content). */
  note?: string;
  /** Nested details of a changed field (`SPS[0].data`, `sample_size[3]`): what exactly differs. */
  details?: { field: string; a?: string; b?: string }[];
}

export interface FieldComparison {
  row: number;
  status: RowStatus;
  a?: PathBox;
  b?: PathBox;
  fields: FieldRow[];
}
