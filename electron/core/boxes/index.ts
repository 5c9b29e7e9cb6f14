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
 * read sizes are bounded (see `ParseOptions`). Field names are mp4box.js's.
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
export { inspectFile, inspectSource, looksLikeIsoBmff, type InspectOptions } from './inspect';
export { describeTracks, trackIds } from './tracks';
export { findTrak, findTrex, isSyncFlags, sampleRows, sampleTable, summarize, type SampleSummary, type SampleTableOptions } from './samples';
export { boxHeaderJson, boxesToJson, fieldsToJson, toJsonValue, type BoxJson, type JsonOptions, type JsonValue } from './json';
export { fieldRanges, headerRanges, type FieldRange } from './field-ranges';
export { formatTimecode } from './own-decode';
export { boxName } from './names';
export type { DecodeContext } from './mp4box-decode';
