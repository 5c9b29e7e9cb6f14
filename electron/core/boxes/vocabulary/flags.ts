/**
 * Full-box flag bits and sample flags (ISO/IEC 14496-12): their values, the names every view prints
 * (the standard's own, e.g. `default-base-is-moof`), and which optional field each bit makes present.
 * Plain data, no Node imports: the renderer imports it too.
 */

/** `tfhd` flags (8.8.7). */
export const TFHD = {
  BASE_DATA_OFFSET: 0x000001,
  SAMPLE_DESCRIPTION_INDEX: 0x000002,
  DEFAULT_SAMPLE_DURATION: 0x000008,
  DEFAULT_SAMPLE_SIZE: 0x000010,
  DEFAULT_SAMPLE_FLAGS: 0x000020,
  DURATION_IS_EMPTY: 0x010000,
  DEFAULT_BASE_IS_MOOF: 0x020000,
} as const;

/** `trun` flags (8.8.8). */
export const TRUN = {
  DATA_OFFSET: 0x000001,
  FIRST_SAMPLE_FLAGS: 0x000004,
  SAMPLE_DURATION: 0x000100,
  SAMPLE_SIZE: 0x000200,
  SAMPLE_FLAGS: 0x000400,
  SAMPLE_COMPOSITION_TIME_OFFSET: 0x000800,
} as const;

/** `tkhd` flags (8.3.2). */
export const TKHD = {
  ENABLED: 0x000001,
  IN_MOVIE: 0x000002,
  IN_PREVIEW: 0x000004,
  SIZE_IS_ASPECT_RATIO: 0x000008,
} as const;

/** `senc` flags (ISO/IEC 23001-7 7.2). */
export const SENC = { USE_SUBSAMPLE_ENCRYPTION: 0x000002 } as const;

/** One named bit of a box's 24-bit flags; `field` is the optional field the bit makes present. */
export interface FlagBit {
  bit: number;
  name: string;
  field?: string;
}

/** Named flag bits per box type. mp4box.js field names. */
export const FLAG_BITS: Readonly<Record<string, readonly FlagBit[]>> = {
  tfhd: [
    { bit: TFHD.BASE_DATA_OFFSET, name: 'base-data-offset-present', field: 'base_data_offset' },
    { bit: TFHD.SAMPLE_DESCRIPTION_INDEX, name: 'sample-description-index-present', field: 'default_sample_description_index' },
    { bit: TFHD.DEFAULT_SAMPLE_DURATION, name: 'default-sample-duration-present', field: 'default_sample_duration' },
    { bit: TFHD.DEFAULT_SAMPLE_SIZE, name: 'default-sample-size-present', field: 'default_sample_size' },
    { bit: TFHD.DEFAULT_SAMPLE_FLAGS, name: 'default-sample-flags-present', field: 'default_sample_flags' },
    { bit: TFHD.DURATION_IS_EMPTY, name: 'duration-is-empty' },
    { bit: TFHD.DEFAULT_BASE_IS_MOOF, name: 'default-base-is-moof' },
  ],
  trun: [
    { bit: TRUN.DATA_OFFSET, name: 'data-offset-present', field: 'data_offset' },
    { bit: TRUN.FIRST_SAMPLE_FLAGS, name: 'first-sample-flags-present', field: 'first_sample_flags' },
    { bit: TRUN.SAMPLE_DURATION, name: 'sample-duration-present', field: 'sample_duration' },
    { bit: TRUN.SAMPLE_SIZE, name: 'sample-size-present', field: 'sample_size' },
    { bit: TRUN.SAMPLE_FLAGS, name: 'sample-flags-present', field: 'sample_flags' },
    { bit: TRUN.SAMPLE_COMPOSITION_TIME_OFFSET, name: 'sample-composition-time-offsets-present', field: 'sample_composition_time_offset' },
  ],
  tkhd: [
    { bit: TKHD.ENABLED, name: 'enabled' },
    { bit: TKHD.IN_MOVIE, name: 'in-movie' },
    { bit: TKHD.IN_PREVIEW, name: 'in-preview' },
    { bit: TKHD.SIZE_IS_ASPECT_RATIO, name: 'size-is-aspect-ratio' },
  ],
  senc: [{ bit: SENC.USE_SUBSAMPLE_ENCRYPTION, name: 'use-subsample-encryption' }],
  'url ': [{ bit: 0x000001, name: 'self-contained' }],
  'urn ': [{ bit: 0x000001, name: 'self-contained' }],
};

function bitsOf(type: string): readonly FlagBit[] {
  return Object.prototype.hasOwnProperty.call(FLAG_BITS, type) ? FLAG_BITS[type]! : [];
}

/** `["default-base-is-moof", …]` for a box's flags, or [] when the type's bits are not named. */
export function flagNames(type: string, flags: number): string[] {
  return bitsOf(type)
    .filter((b) => (flags & b.bit) !== 0)
    .map((b) => b.name);
}

/** `0x020000`: 24-bit flags as six hex digits. */
export function hexFlags(flags: number): string {
  return `0x${(flags >>> 0).toString(16).padStart(6, '0')}`;
}

/** `0x020038 (default-sample-duration-present, …, default-base-is-moof)`, or the hex alone. */
export function flagsText(type: string, flags: number): string {
  const names = flagNames(type, flags);
  return names.length ? `${hexFlags(flags)} (${names.join(', ')})` : hexFlags(flags);
}

/**
 * Whether an optional field is really in the box: false when its presence bit is clear (mp4box.js,
 * and the engine after it, fill absent `tfhd`/`trun` fields with 0). True for fields no bit governs.
 */
export function fieldPresent(type: string, flags: number, field: string): boolean {
  const b = bitsOf(type).find((x) => x.field === field);
  return !b || (flags & b.bit) !== 0;
}

/** The bit that makes an optional field present, or undefined when no bit governs it. */
export function presenceBit(type: string, field: string): number | undefined {
  return bitsOf(type).find((x) => x.field === field)?.bit;
}

/** Sample flags (8.8.3.1), as carried by `trex`, `tfhd` and `trun`. */
export const SAMPLE_FLAGS = {
  /** sample_is_non_sync_sample. */
  NON_SYNC: 0x00010000,
} as const;

/** Fields holding 32-bit sample flags. */
const SAMPLE_FLAG_FIELDS: ReadonlySet<string> = new Set(['first_sample_flags', 'default_sample_flags']);

/** Whether a field holds sample flags (`trun.first_sample_flags`, `tfhd`/`trex` `default_sample_flags`). */
export function isSampleFlagsField(name: string): boolean {
  return SAMPLE_FLAG_FIELDS.has(name);
}

/** Whether a sample's flags mark it as a sync sample. */
export function isSyncFlags(flags: number): boolean {
  return (flags & SAMPLE_FLAGS.NON_SYNC) === 0;
}

/** The fields of a 32-bit sample-flags value. */
export function sampleFlagFields(v: number) {
  return {
    isLeading: (v >>> 26) & 3,
    dependsOn: (v >>> 24) & 3,
    isDependedOn: (v >>> 22) & 3,
    hasRedundancy: (v >>> 20) & 3,
    paddingValue: (v >>> 17) & 7,
    nonSync: (v >>> 16) & 1,
    degradationPriority: v & 0xffff,
  };
}

/** "non-sync · depends on others · disposable" for a 32-bit sample-flags value. */
export function describeSampleFlags(v: number): string {
  const f = sampleFlagFields(v);
  const parts = [f.nonSync ? 'non-sync' : 'sync'];
  if (f.dependsOn === 1) parts.push('depends on others');
  else if (f.dependsOn === 2) parts.push('independent (I)');
  if (f.isDependedOn === 2) parts.push('disposable');
  if (f.isLeading) parts.push(`leading ${f.isLeading}`);
  return parts.join(' · ');
}

/** `0x01010000`: a 32-bit value as eight hex digits. */
export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
