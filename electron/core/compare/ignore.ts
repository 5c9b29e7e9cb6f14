/**
 * What a default comparison leaves out, and why. The aim: two files that play the same report
 * nothing, and a real change is never buried under consequences of itself.
 *
 * Volatile (says when or with what a file was made, not how it plays):
 * - `creation_time`/`modification_time` of `mvhd`, `tkhd`, `mdhd` (and any other box with them);
 * - `hdlr.name`: a free-text label each muxer writes its own way ("VideoHandler", "Bento4 Video
 *   Handler", "GPAC ISO Video Handler"). Players do not use it to decode; Chromium at most shows it
 *   as a track label. The handler *type* (`vide`, `soun`) is compared, of course;
 * - the compressor name of visual sample entries ("Lavc59.37.100 libx264");
 * - encoder tags in metadata (`©too`, `©enc`, `©swr`), and `udta`/`meta`/`ilst` boxes holding
 *   nothing else (a muxer run with `-fflags +bitexact` omits them);
 * - `prft` wall-clock times;
 * - `free`/`skip`/`wide` padding, its presence and size;
 * - `mfhd.sequence_number` when the two files' numbers differ by the same constant everywhere
 *   (one segmenter counts from 0, another from 1), or when both files number their fragments in
 *   increasing order (then the numbers only count fragments: fewer, longer fragments renumber
 *   everything after them). What matters for playback is that they increase; the summary's
 *   `mfhd-sequence` topic says whether they do.
 * Position (see layout.ts): absolute and moof-relative offsets whose targets are the same, and
 * `sidx` referenced sizes when both indexes match their own files (the size difference is that of
 * the fragments, reported there).
 */
import type { BoxNode } from '../boxes';

const TIME_FIELDS: ReadonlySet<string> = new Set(['creation_time', 'modification_time']);
export const PADDING: ReadonlySet<string> = new Set(['free', 'skip', 'wide']);
export const ENCODER_TAGS: ReadonlySet<string> = new Set(['©too', '©enc', '©swr']);
/** Containers that are volatile when everything inside them is. */
const METADATA_CONTAINERS: ReadonlySet<string> = new Set(['udta', 'meta', 'ilst']);

/**
 * Offsets into the file or the fragment that are judged by the sample layout (layout.ts), by box
 * type. Pointer fields (`saio.offset`, `tfra` moof offsets) are judged entry by entry by what they
 * point to (diff.ts).
 */
export const POSITION_FIELDS: Record<string, ReadonlySet<string>> = {
  stco: new Set(['chunk_offsets']),
  co64: new Set(['chunk_offsets']),
  trun: new Set(['data_offset']),
  tfhd: new Set(['base_data_offset']),
};

/** Whether a box, with everything in it, is volatile (for boxes only one side has). */
export function volatileSubtree(node: BoxNode, parentType: string): boolean {
  if (PADDING.has(node.type) || ENCODER_TAGS.has(node.type)) return true;
  if (node.type === 'hdlr' && parentType === 'meta') return true;
  if (METADATA_CONTAINERS.has(node.type)) {
    return (node.children ?? []).length > 0 && node.children!.every((c) => volatileSubtree(c, node.type));
  }
  return false;
}

/** Whether a field of a box is volatile. `inEncoderTag` is true inside `©too` and friends. */
export function volatileField(type: string, parentType: string, field: string, inEncoderTag: boolean): boolean {
  if (inEncoderTag || PADDING.has(type)) return true;
  if (TIME_FIELDS.has(field)) return true;
  if (type === 'hdlr' && field === 'name') return true;
  if (parentType === 'stsd' && field === 'compressorname') return true;
  if (type === 'prft' && (field === 'ntp_timestamp' || field.startsWith('ntp_timestamp'))) return true;
  return false;
}
