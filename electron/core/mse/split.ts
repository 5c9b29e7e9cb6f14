/**
 * Splitting top-level boxes into an init segment and media segments, as MSE sees them.
 *
 * A media segment is a group of `styp`/`sidx`/`emsg`/`prft` boxes followed by `moof` + `mdat`
 * pairs. When a file marks its segments with `styp`, only `styp` starts a new one (CMAF chunks: one
 * segment may hold several fragments); otherwise each `moof` (with the index/event boxes just
 * before it) is a segment of its own. Everything before the first media segment is the init part.
 */
import type { BoxNode } from '../boxes';

/** Boxes that may open a media segment. */
const SEGMENT_PREFIX: ReadonlySet<string> = new Set(['styp', 'sidx', 'ssix', 'emsg', 'prft']);

export interface BoxGroup {
  /** Top-level boxes of the group, in file order. */
  boxes: BoxNode[];
  /** Byte range of the group in its file: from its first box to the start of the next group (or the end). */
  start: number;
  end: number;
}

export interface Split {
  /** `ftyp`/`moov` and anything else before the first media segment; null when there is nothing before it. */
  init: BoxGroup | null;
  segments: BoxGroup[];
}

/**
 * Split the top-level boxes of `[start, end)` of one file. `boxes` must be in file order (the
 * engine's top-level list, possibly filtered to a byte range).
 */
export function splitBoxes(boxes: BoxNode[], start: number, end: number): Split {
  const usesStyp = boxes.some((b) => b.type === 'styp');
  const groups: BoxNode[][] = [];
  let init: BoxNode[] = [];
  let current: BoxNode[] | null = null;
  let seenMoof = false;
  for (const box of boxes) {
    const opener = box.type === 'moof' || SEGMENT_PREFIX.has(box.type);
    let startsNew: boolean;
    if (current === null) startsNew = opener;
    else if (usesStyp) startsNew = box.type === 'styp';
    // A prefix box (sidx, emsg…) or a moof opens a new segment only once the current one has its moof.
    else startsNew = opener && seenMoof;
    if (current === null && !startsNew) {
      init.push(box);
      continue;
    }
    if (startsNew) {
      current = [];
      groups.push(current);
      seenMoof = false;
    }
    current!.push(box);
    if (box.type === 'moof') seenMoof = true;
  }
  const segments: BoxGroup[] = groups.map((g, i) => ({
    boxes: g,
    start: g[0]!.offset,
    end: i + 1 < groups.length ? groups[i + 1]![0]!.offset : end,
  }));
  if (!init.length) return { init: null, segments };
  const initEnd = segments.length ? segments[0]!.start : end;
  init = init.filter((b) => b.offset < initEnd);
  return { init: { boxes: init, start: Math.min(start, init[0]!.offset), end: initEnd }, segments };
}

/** The top-level boxes of a tree that start inside `[start, end)`. */
export function boxesIn(boxes: BoxNode[], start: number, end: number): BoxNode[] {
  return boxes.filter((b) => b.offset >= start && b.offset < end);
}
