/**
 * The box engine's public API: a lazy ISO BMFF (MP4, MOV, fMP4, CMAF, HEIF) reader over
 * random-access byte sources.
 *
 * ```ts
 * const source = await openFileSource('/videos/big.mp4');   // or bufferSource(bytes)
 * const boxes = await parseBoxTree(source);                  // BoxNode[]; mdat payloads never read
 * const table = sampleTable(boxes, 1);                       // typed arrays, decode order
 * await source.close();
 *
 * const result = await inspectFile('/videos/big.mp4');      // { file, size, boxes, tracks, errors, … }
 * ```
 *
 * Guarantees: nothing here throws on malformed media (only on I/O errors: unreadable file); bad
 * boxes become nodes with `error` (`box-truncated` / `box-size-invalid`); depth, node count and
 * read sizes are bounded (see `ParseOptions`).
 *
 * Fields: mp4box.js's names and values. Differences worth knowing:
 * - `trun` and `stsz` hold their per-sample tables in typed arrays (`sample_duration`,
 *   `sample_size`, `sample_flags`: Uint32Array; `sample_composition_time_offset`: Uint32Array in
 *   version 0, Int32Array in version 1; `sample_sizes`), empty when the box does not carry them.
 *   `stsz.sample_sizes` is empty when `sample_size` (constant) is non-zero.
 * - As in mp4box.js, `tfhd` fields absent from the box read as 0, `trun.data_offset` and
 *   `first_sample_flags` too: check `flags` to know whether a value was present.
 * - `tmcd` sample entries: `tc_flags`, `drop_frame`, `timescale`, `frame_duration`,
 *   `number_of_frames` (and the track's `timecode.start` from its first sample).
 * - Values the engine derives (not stored in the box) live in `node.derived`: a track's sample
 *   entry has `codec`, the box vocabulary's RFC 6381 string (the one `mwb lint` reports).
 *
 * Facts about boxes (flag names, handler kinds, codec strings) live in `./vocabulary`, re-exported here.
 *
 * Paths: `moof[3]/traf[0]/tfdt`, see `BoxNode.path`.
 */
export type {
  BoxError,
  BoxErrorRule,
  BoxFields,
  BoxNode,
  FieldValue,
  InspectResult,
  ParseOptions,
  SampleRow,
  SampleTable,
  SkipReason,
  TimecodeInfo,
  TrackInfo,
} from './types';
export { bufferSource, openFileSource, type ByteSource, type FileSourceOptions } from './source';
export {
  DEFAULTS,
  PAYLOAD_BOXES,
  child,
  childrenOf,
  descend,
  num,
  numbers,
  parseBoxTree,
  placesOf,
  str,
  visit,
  type DecodePlace,
} from './parse';
export { inspectBoxes, inspectFile, inspectSource, looksLikeIsoBmff, type InspectOptions } from './inspect';
export { parseBoxTreeIndexed, type IndexedParseOptions, type IndexedProgress, type IndexedTree } from './indexed';
export { describeTracks, trackIds } from './tracks';
export { findTrak, findTrex, sampleRows, sampleSummary, sampleTable, summarize, type SampleSummary, type SampleTableOptions } from './samples';
export { boxHeaderJson, boxesToJson, fieldsToJson, toJsonValue, writeBoxesJson, type BoxJson, type JsonOptions, type JsonValue } from './json';
export { fieldRanges, headerRanges, type FieldRange } from './field-ranges';
export { formatTimecode } from './own-decode';
export { boxName } from './names';
export * from './vocabulary';
export type { DecodeContext } from './mp4box-decode';
export { formatSamples, formatTracks, formatTree, formatValue, printable, type TextOptions } from './text';
export {
  InspectSession,
  type BoxDetail,
  type FieldRow,
  type InspectSummary,
  type SampleChart,
  type SamplePage,
  type TreePage,
  type TreeRow,
} from './session';
