/** Names of full-box flag bits and of sample-flag fields, for the detail pane. */

const FLAG_NAMES: Record<string, [number, string][]> = {
  tfhd: [
    [0x000001, 'base-data-offset-present'],
    [0x000002, 'sample-description-index-present'],
    [0x000008, 'default-sample-duration-present'],
    [0x000010, 'default-sample-size-present'],
    [0x000020, 'default-sample-flags-present'],
    [0x010000, 'duration-is-empty'],
    [0x020000, 'default-base-is-moof'],
  ],
  trun: [
    [0x000001, 'data-offset-present'],
    [0x000004, 'first-sample-flags-present'],
    [0x000100, 'sample-duration-present'],
    [0x000200, 'sample-size-present'],
    [0x000400, 'sample-flags-present'],
    [0x000800, 'sample-composition-time-offsets-present'],
  ],
  tkhd: [
    [0x000001, 'enabled'],
    [0x000002, 'in-movie'],
    [0x000004, 'in-preview'],
    [0x000008, 'size-is-aspect-ratio'],
  ],
  'url ': [[0x000001, 'self-contained']],
  'urn ': [[0x000001, 'self-contained']],
  sidx: [],
};

/** `["default-base-is-moof", …]` for a box's flags, or [] when the type's bits are not named. */
export function flagNames(type: string, flags: number): string[] {
  return (FLAG_NAMES[type] ?? []).filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

/** Fields holding ISO/IEC 14496-12 sample flags (trun, tfhd, trex). */
export function isSampleFlagsField(name: string): boolean {
  return name === 'first_sample_flags' || name === 'default_sample_flags';
}

/** "non-sync · depends on others · degradation 0" for a 32-bit sample-flags value. */
export function describeSampleFlags(v: number): string {
  const dependsOn = (v >>> 24) & 3;
  const isDependedOn = (v >>> 22) & 3;
  const nonSync = (v >>> 16) & 1;
  const parts = [nonSync ? 'non-sync' : 'sync'];
  if (dependsOn === 1) parts.push('depends on others');
  else if (dependsOn === 2) parts.push('independent (I)');
  if (isDependedOn === 2) parts.push('disposable');
  const leading = (v >>> 26) & 3;
  if (leading) parts.push(`leading ${leading}`);
  return parts.join(' · ');
}

export function hex(n: number, digits = 8): string {
  return `0x${(n >>> 0).toString(16).padStart(digits, '0')}`;
}
