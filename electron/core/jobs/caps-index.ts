/**
 * What presets need to know about the resolved ffmpeg (its encoders, muxers, filters), fast.
 * Inside the app `getCapabilities()` is cached for the process; a CLI run is a fresh process, and
 * asking ffmpeg for seven listings costs more CPU than a short transcode (each start of a
 * shared-library ffmpeg links ~100 libraries). So the index is also kept on disk, keyed by the
 * binary's path, size, mtime and inode: a new or upgraded ffmpeg is asked again.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveBinary } from '../binaries';
import { defaultDataDir } from '../data-dir';
import { getCapabilities } from '../media/caps';
import { indexCaps, type CapsIndex } from './presets';

interface Stored {
  key: string;
  encoders: string[];
  muxers: string[];
  filters: string[];
}

let memo: { key: string; index: Promise<CapsIndex> } | null = null;
let configuredDir: string | undefined;

/** The data folder of the binding that runs jobs (the app's), used when a caller gives none. */
export function useCapsCacheDir(dataDir: string | undefined): void {
  configuredDir = dataDir;
}

async function binaryKey(): Promise<string> {
  const bin = resolveBinary('ffmpeg');
  const info = await stat(bin.path);
  return createHash('sha256').update(JSON.stringify([bin.path, info.size, info.mtimeMs, info.ino])).digest('hex').slice(0, 24);
}

export function capsCacheFile(dataDir?: string): string {
  return path.join(dataDir ?? configuredDir ?? defaultDataDir(), 'cache', 'ffmpeg-caps.json');
}

export async function presetCaps(options: { dataDir?: string } = {}): Promise<CapsIndex> {
  const key = await binaryKey();
  if (memo?.key === key) return memo.index;
  const index = (async (): Promise<CapsIndex> => {
    const file = capsCacheFile(options.dataDir);
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as Stored;
      if (stored.key === key && Array.isArray(stored.encoders) && Array.isArray(stored.muxers)) {
        return { encoders: new Set(stored.encoders), muxers: new Set(stored.muxers), filters: new Set(stored.filters ?? []) };
      }
    } catch {
      // no cache yet, or unreadable: ask ffmpeg
    }
    const fresh = indexCaps(await getCapabilities());
    const body: Stored = { key, encoders: [...fresh.encoders], muxers: [...fresh.muxers], filters: [...fresh.filters] };
    try {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(body));
      await rename(tmp, file);
    } catch {
      // a read-only home is fine: the next run asks ffmpeg again
    }
    return fresh;
  })();
  memo = { key, index };
  index.catch(() => {
    if (memo?.index === index) memo = null;
  });
  return index;
}
