/**
 * One side of a comparison: a file, or a media segment with the init segment that gives it its
 * context (track handlers, timescales, `trex` defaults, sample entries). The two trees are parsed
 * separately and then seen as one logical file: the init's boxes (paths prefixed `init:`) followed
 * by the segment's.
 */
import { WorkbenchError } from '../errors';
import { child, childrenOf, descend, handlerLabel, looksLikeIsoBmff, num, parseBoxTree, str, visit, type BoxNode, type ByteSource } from '../boxes';
import { openSource } from '../net/open-source';
import type { SideInfo } from './types';

export const INIT_PREFIX = 'init:';

export interface SideInput {
  file: string;
  /** Init segment giving a media segment its context. */
  init?: string;
}

export interface TrackRef {
  id: number;
  handler: string;
  /** Stable key for matching across files: handler and occurrence (`vide#0`), or `track#<id>`. */
  key: string;
  /** What a person reads: `video`, `audio`, `video 2`. */
  label: string;
  timescale: number;
  trak?: BoxNode;
}

export interface LoadedSide {
  input: SideInput;
  /** Init boxes (if any) followed by the main file's boxes. */
  boxes: BoxNode[];
  main: BoxNode[];
  init: BoxNode[];
  mainSize: number;
  initSize: number;
  nodeCount: number;
  tracks: TrackRef[];
  trackById: Map<number, TrackRef>;
  /** Top-level `moof`s of the main file, in order (fragment index = position here). */
  moofs: BoxNode[];
  /** Top-level `mdat`s of the main file, in file order. */
  mdats: BoxNode[];
  /** Reads bytes of the main file (or of the init, for `init:` samples). Open until `close()`. */
  readMain(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

async function parseFile(path: string, role: 'main' | 'init'): Promise<{ source: ByteSource; boxes: BoxNode[] }> {
  const source = await openSource(path);
  try {
    if (source.size === 0) throw new WorkbenchError('ENOTMP4', `${path} is empty: it is not an MP4 file.`);
    const boxes = await parseBoxTree(source);
    if (!looksLikeIsoBmff(boxes)) {
      throw new WorkbenchError('ENOTMP4', `${path} is not an MP4/ISO BMFF file (it does not start with a known box such as ftyp, styp, moov or moof).`);
    }
    if (role === 'init') {
      visit(boxes, (n) => {
        n.path = INIT_PREFIX + n.path;
      });
    }
    return { source, boxes };
  } catch (err) {
    await source.close();
    if (err instanceof WorkbenchError) throw err;
    throw new WorkbenchError('EIO', `${path} could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Track ids, handlers and timescales, from `moov` (the init's, when given) and from fragments. */
function describe(boxes: BoxNode[]): TrackRef[] {
  const tracks: TrackRef[] = [];
  const perHandler = new Map<string, number>();
  const moov = boxes.find((b) => b.type === 'moov');
  for (const trak of childrenOf(moov, 'trak')) {
    const id = num(child(trak, 'tkhd'), 'track_id');
    if (id === undefined || tracks.some((t) => t.id === id)) continue;
    const mdia = child(trak, 'mdia');
    const handler = str(child(mdia, 'hdlr'), 'handler') ?? '????';
    const n = perHandler.get(handler) ?? 0;
    perHandler.set(handler, n + 1);
    const base = handlerLabel(handler);
    tracks.push({
      id,
      handler,
      key: `${handler}#${n}`,
      label: n === 0 ? base : `${base} ${n + 1}`,
      timescale: num(child(mdia, 'mdhd'), 'timescale') ?? 0,
      trak,
    });
  }
  for (const moof of boxes) {
    if (moof.type !== 'moof') continue;
    for (const traf of childrenOf(moof, 'traf')) {
      const id = num(child(traf, 'tfhd'), 'track_id');
      if (id === undefined || tracks.some((t) => t.id === id)) continue;
      tracks.push({ id, handler: '', key: `track#${id}`, label: `track ${id}`, timescale: 0 });
    }
  }
  return tracks;
}

export async function loadSide(input: SideInput): Promise<LoadedSide> {
  const init = input.init ? await parseFile(input.init, 'init') : undefined;
  let main: Awaited<ReturnType<typeof parseFile>>;
  try {
    main = await parseFile(input.file, 'main');
  } catch (err) {
    await init?.source.close();
    throw err;
  }
  const boxes = [...(init?.boxes ?? []), ...main.boxes];
  let nodeCount = 0;
  visit(boxes, () => {
    nodeCount++;
  });
  const tracks = describe(boxes);
  const moofs = main.boxes.filter((b) => b.type === 'moof');
  const mdats = main.boxes.filter((b) => b.type === 'mdat');
  return {
    input,
    boxes,
    main: main.boxes,
    init: init?.boxes ?? [],
    mainSize: main.source.size,
    initSize: init?.source.size ?? 0,
    nodeCount,
    tracks,
    trackById: new Map(tracks.map((t) => [t.id, t])),
    moofs,
    mdats,
    readMain: (offset, length) => main.source.read(offset, length).then((b) => b.slice()),
    async close() {
      await main.source.close();
      await init?.source.close();
    },
  };
}

export function sideInfo(side: LoadedSide): SideInfo {
  const brandBox = side.boxes.find((b) => b.type === 'ftyp') ?? side.boxes.find((b) => b.type === 'styp');
  const hasMoov = side.boxes.some((b) => b.type === 'moov');
  const fragmented = side.moofs.length > 0 || !!descend(side.boxes.find((b) => b.type === 'moov'), 'mvex');
  let kind: SideInfo['kind'] = 'other';
  if (hasMoov && side.moofs.length) kind = 'init-and-media';
  else if (hasMoov && fragmented) kind = 'init';
  else if (hasMoov) kind = 'progressive';
  else if (side.moofs.length) kind = 'media';
  const info: SideInfo = { file: side.input.file, size: side.mainSize, fragmented, boxes: side.nodeCount, kind };
  if (side.input.init) info.init = side.input.init;
  const brand = str(brandBox, 'major_brand');
  if (brand) info.majorBrand = brand;
  return info;
}
