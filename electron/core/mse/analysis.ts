/**
 * The MSE lint and playback plan over streams of files opened through a `MediaFiles` (see
 * model.ts): findings from the rule catalogue, and how the Player should feed each stream to MSE
 * (byte ranges, expected times, codec strings). Imports nothing from Node: the browser worker runs
 * it on dropped files; `analyze.ts` is the Node entry (paths, URLs, manifests, HTTP rules).
 */
import { child, childrenOf, num, str, type BoxNode } from '../boxes';
import { mimeType } from './codec-string';
import { liveWindowOf } from './live';
import { checkLadders, checkManifestStream, looksLikeTransportStream, transportStreamFinding, type LadderStream } from './ladder';
import type { PartSpec, StreamSpec } from './manifest';
import { buildStream, DocCache, trafOf, type MediaFiles, type StreamModel } from './model';
import { planTransportStream, type TransportHead } from './transport';
import { checkCodecs, checkFragments, checkInit, checkMovie, checkSidx, checkStructure, checkTiming, FindingSink, type RuleContext } from './rules';
import type { ByteRange, DeclaredStream, Finding, InputKind, LintReport, MediaSegment, MseAnalysis, MseStream, PlanDeclaration, SegmentBox, SegmentTrack, TrackCodec } from './types';

export interface AnalyzeOptions {
  /**
   * Turn a file path (or URL) into the id the Player fetches it by (the handler opens files here;
   * `size` is known for parts already read). Default: the path.
   */
  fileId?: (file: string, size?: number) => string | Promise<string>;
  /**
   * Run the rules (default). `false` gives the playback plan only (streams, byte ranges, expected
   * times, codec strings) with no findings: the Player starts appending on it while the full
   * lint runs (issue #18).
   */
  lint?: boolean;
  /**
   * The longest the lint waits, in seconds, to read a live playlist again (`live-window-stalled`:
   * 1.5 × its target duration); 0 does not reload. Default `DEFAULT_LIVE_WAIT` (live.ts).
   */
  liveWait?: number;
}

/** Let the event loop serve what waits (in the app, the Player's segment reads while the lint runs). */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** What the caller adds around the rules (the Node side: unavailable parts, HTTP findings). */
export interface AnalyzeHooks extends AnalyzeOptions {
  /** The streams came from a manifest (parts that cannot be read are reported, not thrown). */
  fromManifest?: boolean;
  /** Extra checks per stream, before the catalogue's. */
  checkStream?: (stream: StreamModel, sink: FindingSink) => void;
  /** Findings about the input as a whole, after every stream's. */
  moreFindings?: (streams: StreamModel[]) => Promise<Finding[]>;
  /**
   * The first segment of an MPEG-TS stream remuxed to fMP4 (the Node side runs ffmpeg): with it,
   * the stream is planned for playback through the remux (`transport.ts`); without it (the
   * browser worker), it is planned empty.
   */
  transportHead?: (part: PartSpec) => Promise<TransportHead>;
}

/**
 * Lint the streams `specs` describe and plan their playback. `files` opens what the specs name
 * (paths and URLs on the Node side: see `analyzeMse` in `./analyze`; file ids in the browser worker).
 */
export async function analyzeStreams(input: { kind: InputKind; name: string }, specs: StreamSpec[], files: MediaFiles, options: AnalyzeHooks = {}): Promise<MseAnalysis> {
  const { kind } = input;
  const cache = new DocCache(files);
  const idOf = options.fileId ?? ((p: string) => p);
  try {
    const fromManifest = options.fromManifest ?? false;
    const streams: StreamModel[] = [];
    const transport = new Set<number>();
    for (const [i, spec] of specs.entries()) {
      if (await isTransportStream(spec, files)) {
        // MPEG-TS is not MP4: reported (hls-ts-needs-transmux), and its media are not linted as fMP4.
        transport.add(i);
        streams.push(await buildStream(i, { ...spec, parts: [] }, cache, { fromManifest }));
      } else streams.push(await buildStream(i, spec, cache, { fromManifest }));
    }
    const findings: Finding[] = [];
    let omitted = 0;
    let fragmented = false;
    const planned: MseStream[] = [];
    const ladder: LadderStream[] = [];
    for (const stream of streams) {
      const spec = specs[stream.index]!;
      if (transport.has(stream.index)) {
        if (options.lint !== false) findings.push(transportStreamFinding(stream.index, spec));
        const head = options.transportHead;
        const plan = head ? await planTransportStream(stream.index, spec, files, { head, idOf, planModel: (m) => planStream(m, new Map(), () => '') }) : await planStream(stream, new Map(), idOf);
        fragmented ||= plan.tracks.length > 0;
        if (spec.declared) plan.declared = planDeclaration(spec.declared);
        planned.push(plan);
        continue;
      }
      const sink = new FindingSink(stream, streams.length > 1, undefined, fromManifest);
      const ctx: RuleContext = { stream, sink, badData: new Set() };
      if (options.lint === false) {
        // checkInit also says whether MSE can take the file at all; its findings are not kept.
        fragmented ||= checkInit(ctx).fragmented;
        planned.push(await planStream(stream, new Map(), idOf, spec.declared));
        continue;
      }
      // Between rule groups, let the event loop serve what waits.
      options.checkStream?.(stream, sink);
      checkStructure(ctx);
      const init = checkInit(ctx);
      fragmented ||= init.fragmented;
      checkMovie(ctx);
      await breathe();
      await checkCodecs(ctx);
      await breathe();
      if (init.fragmented) {
        checkFragments(ctx);
        await breathe();
        await checkTiming(ctx);
        await breathe();
        checkSidx(ctx);
      }
      findings.push(...sink.findings);
      omitted += sink.omitted;
      if (spec.declared) {
        // What the manifest declares against the media (ladder.ts).
        const entry: LadderStream = { model: stream, spec, timing: segmentTiming(stream) };
        ladder.push(entry);
        findings.push(...checkManifestStream(stream.index, entry));
      }
      planned.push(await planStream(stream, sink.perSegment, idOf, spec.declared));
    }
    for (const p of planned) {
      // A live playlist: what the Player needs to follow it (live.ts).
      const w = liveWindowOf(specs[p.index]!);
      if (w) p.live = { playlist: await idOf(w.playlist), url: w.playlist, targetDuration: w.targetDuration, mediaSequence: w.mediaSequence, count: w.count, last: w.last, ended: false };
    }
    // (A plan has no findings: these come with the lint too.)
    if (options.lint !== false) findings.push(...checkLadders(ladder));
    if (options.moreFindings && options.lint !== false) findings.push(...(await options.moreFindings(streams)));
    const order = { error: 0, warning: 1, info: 2 } as const;
    findings.sort((a, b) => (a.stream ?? 0) - (b.stream ?? 0) || order[a.severity] - order[b.severity] || (a.segment ?? -1) - (b.segment ?? -1));
    const tracks = planned.flatMap((s) => s.tracks);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of findings) counts[f.severity]++;
    const allFiles = new Set(streams.flatMap((s) => s.docs.map((d) => d.path)));
    // MPEG-TS parts are not parsed as MP4 (no docs), but they are the stream's files.
    for (const i of transport) for (const part of specs[i]!.parts) allFiles.add(part.path);
    const analysis: MseAnalysis = {
      input: { kind, name: input.name, files: allFiles.size },
      fragmented,
      streams: planned,
      tracks,
      mime: mimeType(
        tracks.map((t) => t.kind),
        tracks.map((t) => t.codec),
      ),
      findings,
      counts,
      omitted,
      linted: options.lint !== false,
    };
    return analysis;
  } finally {
    await cache.closeAll();
  }
}

/**
 * Whether an HLS stream's segments are MPEG-TS: by name, or (for a playlist without EXT-X-MAP) by
 * the TS sync byte every 188 bytes at the start of its first segment. A part that cannot be read is
 * left to the lint (`segment-unavailable`).
 */
async function isTransportStream(spec: StreamSpec, files: MediaFiles): Promise<boolean> {
  const d = spec.declared;
  if (!d || d.kind === 'representation') return false;
  if (d.transportStream) return true;
  if (!d.mapMissing) return false;
  const part = spec.parts.find((p) => p.role !== 'init');
  if (!part) return false;
  let source;
  try {
    source = await files.open(part.path);
  } catch {
    return false;
  }
  try {
    const head = await source.read(part.offset ?? 0, 188 * 2 + 1);
    if (!looksLikeTransportStream(head)) return false;
    d.transportStream = true;
    delete d.mapMissing;
    return true;
  } catch {
    return false;
  } finally {
    await source.close();
  }
}

/**
 * `mwb lint --json`: what to create (one SourceBuffer per stream, with the type naming every codec
 * its segments carry), the findings and each track's codec string.
 */
export function lintReport(analysis: MseAnalysis): LintReport {
  const media = (t: TrackCodec) => (t.kind === 'video' || t.kind === 'audio') && !!t.codec;
  const sourceBuffers = analysis.streams
    .filter((s) => s.tracks.some(media))
    .map((s) => ({ mime: s.mime, tracks: s.tracks.filter(media).map((t) => t.id), ...(analysis.streams.length > 1 ? { stream: s.label } : {}) }));
  return {
    mime: sourceBuffers.length === 1 ? sourceBuffers[0]!.mime : null,
    sourceBuffers,
    findings: analysis.findings,
    tracks: analysis.tracks.map((t) => ({ id: t.id, codec: t.codec, mime: t.mime })),
    ...(analysis.liveChecks && { live: analysis.liveChecks }),
  };
}

async function planStream(stream: StreamModel, perSegment: Map<number, { error: number; warning: number }>, idOf: (p: string, size?: number) => string | Promise<string>, declared?: DeclaredStream): Promise<MseStream> {
  const ids = new Map<string, string>();
  for (const d of stream.docs) ids.set(d.path, await idOf(d.path, d.size));
  const range = (doc: { path: string; name: string }, start: number, end: number): ByteRange => ({ fileId: ids.get(doc.path)!, name: doc.name, offset: start, size: end - start });
  const tracks: TrackCodec[] = stream.tracks.map((t) => {
    const entry = t.entry;
    const out: TrackCodec = {
      id: t.id,
      kind: t.kind,
      handler: t.handler,
      sampleEntry: entry?.type ?? '',
      codec: t.codec.codec,
      codecComplete: t.codec.complete,
      mime: mimeType([t.kind], t.codec.codec ? [t.codec.codec] : []),
      timescale: t.timescale,
    };
    const w = num(entry, 'width');
    const h = num(entry, 'height');
    if (t.kind === 'video' && w && h) Object.assign(out, { width: w, height: h });
    const ch = num(entry, 'channel_count');
    const rate = num(entry, 'samplerate');
    if (t.kind === 'audio' && ch) out.channels = ch;
    if (t.kind === 'audio' && rate) out.sampleRate = rate;
    if (t.encrypted) out.encrypted = true;
    return out;
  });
  const mediaTracks = tracks.filter((t) => t.kind === 'video' || t.kind === 'audio');
  const mime = mimeType(
    mediaTracks.map((t) => t.kind),
    mediaTracks.map((t) => t.codec).filter(Boolean),
  );
  const timing = segmentTiming(stream);
  const segments: MediaSegment[] = stream.segments.map((seg) => {
    const own = perSegment.get(seg.index) ?? { error: 0, warning: 0 };
    const moofs = seg.group.boxes.filter((b) => b.type === 'moof');
    return {
      index: seg.index,
      range: range(seg.doc, seg.group.start, seg.group.end),
      boxes: seg.group.boxes.map((b) => summarizeBox(b, stream)),
      tracks: timing.get(seg.index) ?? [],
      sequenceNumber: num(child(moofs[0], 'mfhd'), 'sequence_number'),
      fragmentCount: moofs.length,
      errors: own.error,
      warnings: own.warning,
      ...(seg.sequence !== undefined && { mediaSequence: seg.sequence }),
    };
  });
  return {
    index: stream.index,
    label: stream.label,
    mime,
    tracks,
    init: stream.init ? range(stream.init.doc, stream.init.group.start, stream.init.group.end) : null,
    initBoxes: stream.init ? stream.init.group.boxes.map((b) => summarizeBox(b, stream)) : [],
    segments,
    ...(declared && { declared: planDeclaration(declared) }),
  };
}

/** The part of a manifest's declaration the Player groups and picks renditions by (not the per-segment durations). */
function planDeclaration(d: DeclaredStream): PlanDeclaration {
  const out: PlanDeclaration = { kind: d.kind };
  for (const key of ['ladder', 'codecs', 'bandwidth', 'resolution', 'audioGroup', 'name', 'default', 'period', 'periodStart'] as const) {
    if (d[key] !== undefined) (out as Record<string, unknown>)[key] = d[key];
  }
  return out;
}

/** Per segment and track: decode time, duration, samples, first-sample sync flag, presentation span. */
function segmentTiming(stream: StreamModel): Map<number, SegmentTrack[]> {
  const out = new Map<number, SegmentTrack[]>();
  const timescales = new Map(stream.tracks.map((t) => [t.id, t.timescale] as const));
  for (const [id, table] of stream.tables) {
    const ts = timescales.get(id) ?? table.timescale;
    const bySeg = new Map<number, SegmentTrack & { minCts: number; maxEnd: number; firstDts: number }>();
    for (let i = 0; i < table.count; i++) {
      const f = table.fragment[i]!;
      if (f < 0) continue;
      const frag = stream.fragments[f];
      if (!frag) continue;
      let st = bySeg.get(frag.segment);
      if (!st) {
        const tfdt = child(trafOf(frag.moof, id), 'tfdt');
        st = { id, duration: 0, sampleCount: 0, firstSampleSync: table.isSync[i] === 1, minCts: Infinity, maxEnd: -Infinity, firstDts: table.dts[i]! };
        const bmdt = num(tfdt, 'baseMediaDecodeTime');
        if (bmdt !== undefined) st.baseMediaDecodeTime = bmdt;
        bySeg.set(frag.segment, st);
      }
      st.duration += table.duration[i]!;
      st.sampleCount++;
      st.minCts = Math.min(st.minCts, table.cts[i]!);
      st.maxEnd = Math.max(st.maxEnd, table.cts[i]! + table.duration[i]!);
    }
    for (const [seg, st] of bySeg) {
      const { minCts, maxEnd, firstDts, ...rest } = st;
      const row: SegmentTrack = rest;
      if (ts > 0) {
        row.start = firstDts / ts;
        row.end = (firstDts + st.duration) / ts;
        row.presentationStart = minCts / ts;
        row.presentationEnd = maxEnd / ts;
      }
      const list = out.get(seg) ?? [];
      list.push(row);
      out.set(seg, list);
    }
  }
  return out;
}

const starts = new WeakMap<StreamModel, Map<BoxNode, Map<number, boolean>>>();

/**
 * Per moof and track: whether the fragment's first sample is a sync sample. One pass over the
 * sample tables per stream (looking it up per moof was quadratic: seconds for a 10-minute file).
 */
function fragmentStarts(stream: StreamModel): Map<BoxNode, Map<number, boolean>> {
  let out = starts.get(stream);
  if (out) return out;
  out = new Map();
  for (const [id, table] of stream.tables) {
    let last = -1;
    for (let i = 0; i < table.count; i++) {
      const f = table.fragment[i]!;
      if (f < 0 || f === last) continue;
      last = f;
      const moof = stream.fragments[f]?.moof;
      if (!moof) continue;
      let byTrack = out.get(moof);
      if (!byTrack) out.set(moof, (byTrack = new Map()));
      if (!byTrack.has(id)) byTrack.set(id, table.isSync[i] === 1);
    }
  }
  starts.set(stream, out);
  return out;
}

function summarizeBox(b: BoxNode, stream: StreamModel): SegmentBox {
  const out: SegmentBox = { type: b.type, offset: b.offset, size: b.size, path: b.path };
  switch (b.type) {
    case 'ftyp':
    case 'styp': {
      const brands = b.fields.compatible_brands;
      out.summary = `${str(b, 'major_brand') ?? '?'}${Array.isArray(brands) ? ` · ${brands.join(' ')}` : ''}`;
      break;
    }
    case 'moov':
      out.summary = childrenOf(b, 'trak').length + ' tracks' + (child(b, 'mvex') ? ' · mvex' : ' · no mvex');
      break;
    case 'sidx': {
      const refs = (b.fields.references as { referenced_size?: number; subsegment_duration?: number }[] | undefined) ?? [];
      const ts = num(b, 'timescale') ?? 0;
      const dur = refs.reduce((s, r) => s + (r.subsegment_duration ?? 0), 0);
      out.summary = `track ${num(b, 'reference_ID')} · ${refs.length} ref${refs.length === 1 ? '' : 's'}${ts ? ` · ${(dur / ts).toFixed(3)} s` : ''}`;
      break;
    }
    case 'emsg':
      out.summary = `${str(b, 'scheme_id_uri') ?? ''} ${str(b, 'value') ?? ''}`.trim();
      break;
    case 'mdat':
      out.summary = `${(b.size - b.headerSize).toLocaleString('en-US')} B of media`;
      break;
    case 'moof':
      out.summary = `seq ${num(child(b, 'mfhd'), 'sequence_number') ?? '?'}`;
      out.children = childrenOf(b, 'traf').map((traf) => {
        const tfhd = child(traf, 'tfhd');
        const id = num(tfhd, 'track_id');
        const tfdt = child(traf, 'tfdt');
        const count = childrenOf(traf, 'trun').reduce((s, t) => s + (num(t, 'sample_count') ?? 0), 0);
        const first = id !== undefined ? fragmentStarts(stream).get(b)?.get(id) : undefined;
        const sync = first === undefined ? '' : first ? ' · starts sync' : ' · starts NON-sync';
        return {
          type: 'traf',
          offset: traf.offset,
          size: traf.size,
          path: traf.path,
          summary: `track ${id} · ${tfdt ? `tfdt ${num(tfdt, 'baseMediaDecodeTime')}` : 'no tfdt'} · ${count} samples${sync}${(tfhd?.flags ?? 0) & 0x1 ? ' · base_data_offset' : ''}`,
        };
      });
      break;
  }
  return out;
}
