/**
 * Pairs of files for the compare tests: one short source clip (4 s, 320x180, H.264 + AAC, a
 * keyframe every second) muxed two ways with ffmpeg stream copy, so that each pair differs in
 * exactly one muxer setting; and two encodes that differ only in GOP length.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { child, childrenOf, num, parseBoxTree, type BoxNode } from '../../../electron/core/boxes';
import { openFileSource } from '../../../electron/core/boxes/file-source';
import { cached, clip, ffmpegFixture, FIXTURE_DIR, fmp4 } from '../../fixtures/generate';

const quiet = ['-hide_banner', '-loglevel', 'error', '-y'];

/** The progressive source every remux starts from. */
export function source(): Promise<string> {
  return clip({ duration: 4, gop: 30 });
}

/** `source()` stream-copied with extra output options. */
export async function remux(options: string[], ext = 'mp4'): Promise<string> {
  return ffmpegFixture([...quiet, '-i', await source(), '-map', '0', '-c', 'copy', ...options, '{out}'], ext);
}

export const FRAG = 'frag_keyframe+empty_moov';
export const FRAG_MOOF = 'frag_keyframe+empty_moov+default_base_moof';

export function gop(frames: number): Promise<string> {
  return fmp4({ duration: 4, gop: frames });
}

async function boxesOf(file: string): Promise<BoxNode[]> {
  const src = await openFileSource(file);
  try {
    return await parseBoxTree(src);
  } finally {
    await src.close();
  }
}

/**
 * A copy of an fMP4 whose every `tfdt` is moved `seconds` later (a timeline shift ffmpeg's mp4
 * muxer will not write: it starts fragmented output at zero).
 */
export async function shiftedTimeline(file: string, seconds: number): Promise<string> {
  return cached(`shifted:${file}:${seconds}`, 'mp4', async (tmp) => {
    const bytes = new Uint8Array(await readFile(file));
    const view = new DataView(bytes.buffer);
    const boxes = await boxesOf(file);
    const moov = boxes.find((b) => b.type === 'moov');
    const timescale = new Map<number, number>();
    for (const trak of childrenOf(moov, 'trak')) {
      timescale.set(num(child(trak, 'tkhd'), 'track_id')!, num(child(child(trak, 'mdia'), 'mdhd'), 'timescale')!);
    }
    for (const moof of boxes.filter((b) => b.type === 'moof')) {
      for (const traf of childrenOf(moof, 'traf')) {
        const tfdt = child(traf, 'tfdt')!;
        const add = seconds * timescale.get(num(child(traf, 'tfhd'), 'track_id')!)!;
        const at = tfdt.offset + 12;
        if (tfdt.version === 1) view.setBigUint64(at, view.getBigUint64(at) + BigInt(add));
        else view.setUint32(at, view.getUint32(at) + add);
      }
    }
    await writeFile(tmp, bytes);
  });
}

/** Init segment and media segments of an fMP4 (ftyp+moov; then each moof with its mdat), as files. */
export async function splitSegments(file: string): Promise<{ init: string; segments: string[] }> {
  const boxes = await boxesOf(file);
  const bytes = await readFile(file);
  const dir = path.join(FIXTURE_DIR, `split-${path.basename(file, '.mp4')}`);
  await mkdir(dir, { recursive: true });
  const write = async (name: string, from: number, to: number) => {
    const out = path.join(dir, name);
    await writeFile(out, bytes.subarray(from, to));
    return out;
  };
  const moov = boxes.find((b) => b.type === 'moov')!;
  const init = await write('init.mp4', 0, moov.offset + moov.size);
  const segments: string[] = [];
  const moofs = boxes.filter((b) => b.type === 'moof');
  for (const [i, moof] of moofs.entries()) {
    const mdat = boxes.find((b) => b.type === 'mdat' && b.offset > moof.offset)!;
    segments.push(await write(`seg${i + 1}.m4s`, moof.offset, mdat.offset + mdat.size));
  }
  return { init, segments };
}
