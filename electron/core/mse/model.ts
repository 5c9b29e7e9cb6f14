/**
 * The lint's view of an input: files parsed once by the box engine, grouped into streams (what one
 * SourceBuffer would get: an init segment and media segments in order), with each track's sample
 * table built from `trun`/`tfhd`/`trex` across all of the stream's fragments.
 */
import {
  child,
  childrenOf,
  descend,
  looksLikeIsoBmff,
  num,
  parseBoxTree,
  sampleTable,
  str,
  type BoxNode,
  type ByteSource,
  type OpenSource,
  type SampleTable,
} from '../boxes';
import { errorCode, errorMessage, WorkbenchError } from '../errors';
import { codecString, isEncryptedEntry, mediaKind, originalFormat, type CodecString, type MediaKind } from '../boxes/vocabulary';
import type { PartSpec, StreamSpec } from './manifest';
import { boxesIn, splitBoxes, type BoxGroup } from './split';

export interface FileDoc {
  path: string;
  name: string;
  size: number;
  source: ByteSource;
  boxes: BoxNode[];
}

export interface SegmentRef {
  index: number;
  doc: FileDoc;
  group: BoxGroup;
  /** Media sequence number, for a live HLS playlist's segments. */
  sequence?: number;
}

export interface TrackModel {
  id: number;
  trak: BoxNode;
  handler: string;
  kind: MediaKind;
  timescale: number;
  /** First sample entry of `stsd`. */
  entry?: BoxNode;
  /** Format after `frma` (`avc1` for an `encv` of AVC). */
  format: string;
  codec: CodecString;
  encrypted: boolean;
}

/** Where a fragment (k-th `moof` of the stream, the sample table's `fragment` index) lives. */
export interface FragmentRef {
  moof: BoxNode;
  doc: FileDoc;
  segment: number;
  /** The `mdat` after this `moof`, before the next `moof`, in the same file. */
  mdat?: BoxNode;
}

/** A part of a stream (init or media segment, file or URL) that could not be read. */
export interface UnavailablePart {
  path: string;
  role: PartSpec['role'];
  /** Media segment index it would have had (in manifest order), for media parts. */
  segment?: number;
  code: string;
  message: string;
}

export interface StreamModel {
  index: number;
  label: string;
  /** Parts that are missing (a file that does not exist, an HTTP error, a network failure). */
  unavailable: UnavailablePart[];
  /** Files of the stream, in order of first use. */
  docs: FileDoc[];
  init: { doc: FileDoc; group: BoxGroup } | null;
  moov?: BoxNode;
  segments: SegmentRef[];
  tracks: TrackModel[];
  fragments: FragmentRef[];
  tables: Map<number, SampleTable>;
  /** `moov` plus every segment's top-level boxes, in stream order (what `sampleTable` reads). */
  combined: BoxNode[];
}

/** How the lint reaches files: a path and `openFileSource` on the Node side, an id and a `File` in the browser. */
export interface MediaFiles {
  open: OpenSource;
  /** The name a person knows the file by (a path's last part; a `File`'s name). */
  baseName(file: string): string;
  /**
   * The file's box tree when the caller already parsed it (with the default options), so it is
   * not walked twice: the browser worker's Inspector session, where every read is a round trip.
   */
  parsed?(file: string): Promise<BoxNode[] | undefined>;
}

export class DocCache {
  private readonly docs = new Map<string, Promise<FileDoc>>();

  /** `files` are keys `io` understands, already canonical (the Node side resolves paths first). */
  constructor(private readonly io: MediaFiles) {}

  get(file: string): Promise<FileDoc> {
    const key = file;
    let hit = this.docs.get(key);
    if (!hit) {
      hit = (async () => {
        const source = await this.io.open(key);
        const boxes = (await this.io.parsed?.(key).catch(() => undefined)) ?? (await parseBoxTree(source));
        if (!looksLikeIsoBmff(boxes)) {
          await source.close();
          throw new WorkbenchError('ENOTMP4', `${source.name} is not an MP4/ISO BMFF file (it does not start with an ftyp, styp, moov, moof or similar box).`);
        }
        return { path: key, name: this.io.baseName(key), size: source.size, source, boxes };
      })();
      this.docs.set(key, hit);
      hit.catch(() => this.docs.delete(key));
    }
    return hit;
  }

  async closeAll(): Promise<void> {
    for (const p of this.docs.values()) {
      try {
        await (await p).source.close();
      } catch {
        // Already reported when it failed to open.
      }
    }
    this.docs.clear();
  }
}

function rangeOf(doc: FileDoc, part: PartSpec): { start: number; end: number } {
  const start = Math.min(doc.size, part.offset ?? 0);
  const end = part.size !== undefined ? Math.min(doc.size, start + part.size) : doc.size;
  return { start, end };
}

/** Build a stream from its parts: parse files, split them, collect tracks and sample tables. */
/** Errors that mean "this part is not there" (reported by `segment-unavailable`), not "the input is broken". */
export const UNAVAILABLE = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'EHTTP', 'ENETWORK', 'ETIMEDOUT', 'EREDIRECT']);

export async function buildStream(index: number, spec: StreamSpec, cache: DocCache, options: { fromManifest?: boolean } = {}): Promise<StreamModel> {
  const docs: FileDoc[] = [];
  let init: StreamModel['init'] = null;
  const segments: SegmentRef[] = [];
  const unavailable: UnavailablePart[] = [];
  // Only a manifest's parts may be missing (and are reported); a file the user named must open.
  const tolerant = options.fromManifest ?? false;
  let mediaParts = 0;
  for (const part of spec.parts) {
    const position = part.role === 'init' ? undefined : mediaParts++;
    let doc: FileDoc;
    try {
      doc = await cache.get(part.path);
    } catch (err) {
      if (!tolerant || !UNAVAILABLE.has(errorCode(err))) throw err;
      const missing: UnavailablePart = { path: part.path, role: part.role, code: errorCode(err), message: errorMessage(err) };
      if (position !== undefined) missing.segment = position;
      unavailable.push(missing);
      continue;
    }
    if (!docs.includes(doc)) docs.push(doc);
    const { start, end } = rangeOf(doc, part);
    const boxes = boxesIn(doc.boxes, start, end);
    if (part.role === 'init') {
      init ??= { doc, group: { boxes, start, end } };
    } else if (part.role === 'segment') {
      segments.push({ index: segments.length, doc, group: { boxes, start, end }, ...(part.sequence !== undefined && { sequence: part.sequence }) });
    } else {
      const split = splitBoxes(boxes, start, end);
      if (split.init && !init) init = { doc, group: split.init };
      const one = split.segments.length === 1 && part.sequence !== undefined;
      for (const g of split.segments) segments.push({ index: segments.length, doc, group: g, ...(one && { sequence: part.sequence }) });
    }
  }
  const moov = init?.group.boxes.find((b) => b.type === 'moov') ?? segments[0]?.group.boxes.find((b) => b.type === 'moov');
  const tracks: TrackModel[] = childrenOf(moov, 'trak').map((trak) => trackOf(trak));
  const combined: BoxNode[] = [...(moov ? [moov] : []), ...segments.flatMap((s) => s.group.boxes.filter((b) => b.type !== 'moov'))];
  const fragments: FragmentRef[] = [];
  for (const seg of segments) {
    const top = seg.group.boxes;
    top.forEach((b, i) => {
      if (b.type !== 'moof') return;
      let mdat: BoxNode | undefined;
      for (let j = i + 1; j < top.length && top[j]!.type !== 'moof'; j++) {
        if (top[j]!.type === 'mdat') {
          mdat = top[j];
          break;
        }
      }
      fragments.push({ moof: b, doc: seg.doc, segment: seg.index, mdat });
    });
  }
  const tables = new Map<number, SampleTable>();
  const ids = new Set<number>(tracks.map((t) => t.id));
  for (const f of fragments) for (const traf of childrenOf(f.moof, 'traf')) {
    const id = num(child(traf, 'tfhd'), 'track_id');
    if (id !== undefined) ids.add(id);
  }
  const maxSize = Math.max(...docs.map((d) => d.size), 0);
  for (const id of ids) {
    const table = sampleTable(combined, id, { fileSize: maxSize * Math.max(1, docs.length) });
    if (table) tables.set(id, table);
  }
  return { index, label: spec.label, unavailable, docs, init, moov, segments, tracks, fragments, tables, combined };
}

function trackOf(trak: BoxNode): TrackModel {
  const id = num(child(trak, 'tkhd'), 'track_id') ?? 0;
  const handler = str(descend(trak, 'mdia', 'hdlr'), 'handler') ?? '';
  const entry = descend(trak, 'mdia', 'minf', 'stbl', 'stsd')?.children?.[0];
  const codec = entry ? codecString(entry) : { codec: '', format: '', complete: false };
  return {
    id,
    trak,
    handler,
    kind: mediaKind(handler),
    timescale: num(descend(trak, 'mdia', 'mdhd'), 'timescale') ?? 0,
    entry,
    format: entry ? originalFormat(entry) : '',
    codec,
    encrypted: !!entry && isEncryptedEntry(entry.type),
  };
}

/** The track's `trex` in the stream's `moov`. */
export function trexOf(stream: StreamModel, trackId: number): BoxNode | undefined {
  return childrenOf(child(stream.moov, 'mvex'), 'trex').find((t) => num(t, 'track_id') === trackId);
}

/** `[first, last]` sample indices of a track's table per fragment. */
export function fragmentSpans(table: SampleTable): Map<number, { first: number; count: number }> {
  const spans = new Map<number, { first: number; count: number }>();
  for (let i = 0; i < table.count; i++) {
    const f = table.fragment[i]!;
    if (f < 0) continue;
    const s = spans.get(f);
    if (s) s.count++;
    else spans.set(f, { first: i, count: 1 });
  }
  return spans;
}

/** The `traf` of a track in a `moof`. */
export function trafOf(moof: BoxNode, trackId: number): BoxNode | undefined {
  return childrenOf(moof, 'traf').find((t) => num(child(t, 'tfhd'), 'track_id') === trackId);
}
