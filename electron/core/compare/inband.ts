/**
 * Parameter sets carried in the samples themselves (`avc3`/`hev1` style, or `avc1` written with
 * repeated headers): the NAL units of the first sample, read with the MSE lint's NAL scanner. One
 * read of at most 256 KiB per track.
 */
import type { SampleTable } from '../boxes';
import { summarizeNals } from '../mse/nal';
import type { LoadedSide } from './load';

const MAX_READ = 256 * 1024;

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
  const nals = summarizeNals(hevc ? 'hevc' : 'avc', bytes, lengthSize, size);
  const names = [...(['vps', 'sps', 'pps'] as const)].filter((s) => nals.sets.has(s)).map((s) => s.toUpperCase());
  // Parameter sets found before the data stopped making sense still count; without any, say why.
  if (nals.malformed && !names.length) return `malformed first sample (its NAL unit lengths do not add up to the sample's ${size} bytes)`;
  return names.length ? `${names.join(', ')} in the first sample` : 'none in the first sample';
}
