/**
 * A minimal ISOBMFF header walk used to verify transcode outputs: which top-level boxes a file
 * has, in which order, and whether its `moov` declares fragments (`mvex`). Reads only box headers
 * by offset (never the media payload), so it is cheap on any size. The full box engine lives in
 * `core/boxes/`; this stays independent so job verification has no dependency on it.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface BoxHeader {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}

async function walk(fh: FileHandle, start: number, end: number, limit: number): Promise<BoxHeader[]> {
  const boxes: BoxHeader[] = [];
  let offset = start;
  while (offset + 8 <= end && boxes.length < limit) {
    const head = await readAt(fh, offset, 16);
    if (head.length < 8) break;
    let size = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1) {
      if (head.length < 16) break;
      size = Number(head.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < headerSize || !/^[\x20-\x7e]{4}$/.test(type)) break;
    boxes.push({ type, offset, size, headerSize });
    offset += size;
  }
  return boxes;
}

export interface BoxLayout {
  /** Top-level box types in file order (at most 4096 are listed). */
  top: string[];
  /** Child box types of the first `moov`, if any. */
  moovChildren: string[];
  /** The last top-level box ends exactly at the end of the file. */
  complete: boolean;
  /** The top-level boxes with their offsets and sizes (the last may run past `fileSize`). */
  boxes: BoxHeader[];
  fileSize: number;
}

export async function scanBoxes(file: string): Promise<BoxLayout> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const top = await walk(fh, 0, size, 4096);
    const moov = top.find((b) => b.type === 'moov');
    const moovChildren = moov ? (await walk(fh, moov.offset + moov.headerSize, moov.offset + moov.size, 256)).map((b) => b.type) : [];
    const last = top[top.length - 1];
    return { top: top.map((b) => b.type), moovChildren, complete: !!last && last.offset + last.size === size, boxes: top, fileSize: size };
  } finally {
    await fh.close();
  }
}

/** Fragmented MP4 as MSE wants it: a `moov` that declares fragments (`mvex`), then `moof`/`mdat` pairs. */
export function describeFragmentation(layout: BoxLayout): { fragmented: boolean; fragments: number; problem: string | null } {
  const fragments = layout.top.filter((t) => t === 'moof').length;
  const hasMvex = layout.moovChildren.includes('mvex');
  const moovAt = layout.top.indexOf('moov');
  const firstMoof = layout.top.indexOf('moof');
  let problem: string | null = null;
  if (moovAt < 0) problem = 'no moov box';
  else if (!hasMvex) problem = 'moov has no mvex (not a fragmented file)';
  else if (fragments === 0) problem = 'no moof fragments';
  else if (firstMoof < moovAt) problem = 'a moof comes before the moov';
  else if (!layout.complete) problem = 'the last box is cut short';
  return { fragmented: problem === null, fragments, problem };
}
