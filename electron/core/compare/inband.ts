/**
 * Parameter sets carried in the samples themselves (`avc3`/`hev1` style, or `avc1` written with
 * repeated headers): the NAL units of the first sample before its first picture slice. One read of
 * at most 256 KiB per track.
 */
import type { SampleTable } from '../boxes';
import type { LoadedSide } from './load';

const MAX_READ = 256 * 1024;

const AVC_NAMES: Record<number, string> = { 7: 'SPS', 8: 'PPS', 13: 'SPS-ext', 15: 'subset SPS' };
const HEVC_NAMES: Record<number, string> = { 32: 'VPS', 33: 'SPS', 34: 'PPS' };

/**
 * Names of the parameter-set NAL units before the first slice of a sample (in order, deduplicated);
 * `malformed` when a NAL length runs past the sample (e.g. an `avcC` record pasted in front of the
 * sample, as `-bsf:v dump_extra` does on stream copy from MP4); undefined when no slice was found in
 * an incomplete read.
 */
export function parameterSetsIn(bytes: Uint8Array, lengthSize: number, hevc: boolean, complete: boolean, sampleSize = bytes.length): string[] | 'malformed' | undefined {
  const found: string[] = [];
  let pos = 0;
  while (pos + lengthSize < bytes.length) {
    let len = 0;
    for (let i = 0; i < lengthSize; i++) len = len * 256 + bytes[pos + i]!;
    if (pos + lengthSize + len > sampleSize) return 'malformed';
    const header = bytes[pos + lengthSize]!;
    const type = hevc ? (header >> 1) & 0x3f : header & 0x1f;
    const vcl = hevc ? type < 32 : type >= 1 && type <= 5;
    if (vcl) return found;
    const name = (hevc ? HEVC_NAMES : AVC_NAMES)[type];
    if (name && !found.includes(name)) found.push(name);
    if (len === 0) return found;
    pos += lengthSize + len;
  }
  // No slice within what was read: nothing more to find if that was the whole sample.
  return complete || found.length ? found : undefined;
}

/** A sentence about the first sample's in-band parameter sets, or undefined without samples. */
export async function inbandParameterSets(side: LoadedSide, table: SampleTable | null, lengthSize: number, hevc: boolean): Promise<string | undefined> {
  if (!table || table.count === 0 || ![1, 2, 4].includes(lengthSize)) return undefined;
  const offset = table.offset[0]!;
  const size = table.size[0]!;
  // Samples described by an init segment's stbl would live in the init file; segments have none there.
  if (table.fragment[0]! < 0 && side.init.some((b) => b.type === 'moov')) return undefined;
  if (offset + size > side.mainSize || size === 0) return 'first sample unreadable';
  let bytes: Uint8Array;
  try {
    bytes = await side.readMain(offset, Math.min(size, MAX_READ));
  } catch {
    return 'first sample unreadable';
  }
  const names = parameterSetsIn(bytes, lengthSize, hevc, bytes.length >= size, size);
  if (!names) return 'unknown (no slice in the first 256 KiB)';
  if (names === 'malformed') return `malformed first sample (a NAL unit length runs past the sample's ${size} bytes)`;
  return names.length ? `${names.join(', ')} in the first sample` : 'none in the first sample';
}
