/**
 * Where a fragmented file's `moof`s are, read from its `mfra` (Movie Fragment Random Access: a
 * `tfra` per track listing `moof_offset`s, found through the 16-byte `mfro` that ends the file;
 * ffmpeg writes it by default). A source whose reads are round trips (a browser `File`) can fetch
 * those places concurrently before the walk instead of one after another during it.
 */
import { bufferSource, type ByteSource } from './source';
import { parseBoxTree } from './parse';

/** `mfra` larger than this is not plausible (a 10-hour file with a fragment per frame is ~20 MB). */
const MAX_MFRA = 64 * 1024 * 1024;

/**
 * The `moof` offsets listed by the file's `mfra`, sorted and unique; `[]` when the file has none
 * or it does not check out (it is a hint: the walk never depends on it).
 */
export async function mfraMoofOffsets(source: ByteSource): Promise<number[]> {
  if (source.size < 32) return [];
  const tail = (await source.read(source.size - 16, 16)).slice();
  if (tail.length < 16 || String.fromCharCode(...tail.subarray(4, 8)) !== 'mfro') return [];
  const mfraSize = new DataView(tail.buffer, tail.byteOffset, 16).getUint32(12);
  if (mfraSize < 16 + 8 || mfraSize > Math.min(source.size, MAX_MFRA)) return [];
  const start = source.size - mfraSize;
  const bytes = (await source.read(start, mfraSize)).slice();
  const [mfra] = await parseBoxTree(bufferSource(bytes));
  if (mfra?.type !== 'mfra' || mfra.error) return [];
  const offsets = new Set<number>();
  for (const tfra of mfra.children ?? []) {
    if (tfra.type !== 'tfra' || !Array.isArray(tfra.fields.entries)) continue;
    for (const entry of tfra.fields.entries as { moof_offset?: unknown }[]) {
      const o = entry.moof_offset;
      if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0 && o < start) offsets.add(o);
    }
  }
  return [...offsets].sort((a, b) => a - b);
}
