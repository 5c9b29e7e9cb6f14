/**
 * The top-level layout of a file, for checking transcode outputs and recordings: which top-level
 * boxes it has, in which order, and whether its `moov` declares fragments (`mvex`). The box engine
 * (`core/boxes`) reads the headers, down to no depth and decoding nothing, so only box headers are
 * read (never the media payload) and it is cheap on any size.
 */
import { openFileSource } from '../boxes/file-source';
import { parseBoxTree } from '../boxes/parse';
import type { BoxNode } from '../boxes/types';

export interface BoxHeader {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
}

/**
 * The boxes of one level (a region ending at `end`) as headers, up to the first that cannot be a
 * box a muxer wrote: a header cut short or declaring a size smaller than itself (the engine then
 * stretches the node to `end`, with an error) or a type that is not four printable characters. A
 * box whose declared size runs past the end of its region is kept with that size: that is how a
 * box cut short shows.
 */
function headers(nodes: BoxNode[], end: number): BoxHeader[] {
  const out: BoxHeader[] = [];
  for (const n of nodes) {
    const unlocatable = n.error !== undefined && n.offset + n.size <= end;
    if (unlocatable || !/^[\x20-\x7e]{4}$/.test(n.type)) break;
    out.push({ type: n.type, offset: n.offset, size: n.size, headerSize: n.headerSize });
  }
  return out;
}

export interface BoxLayout {
  /** Top-level box types in file order. */
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
  const source = await openFileSource(file);
  try {
    const size = source.size;
    const level = { decode: false, maxDepth: 0 };
    const top = headers(await parseBoxTree(source, level), size);
    const moov = top.find((b) => b.type === 'moov');
    const moovEnd = moov ? Math.min(size, moov.offset + moov.size) : 0;
    const moovChildren = moov ? headers(await parseBoxTree(source, { ...level, start: moov.offset + moov.headerSize, end: moovEnd }), moovEnd).map((b) => b.type) : [];
    const last = top[top.length - 1];
    return { top: top.map((b) => b.type), moovChildren, complete: !!last && last.offset + last.size === size, boxes: top, fileSize: size };
  } finally {
    await source.close();
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
