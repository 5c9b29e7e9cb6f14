/**
 * `analyzeMse`: lint an fMP4, an init segment plus media segments, or a local HLS/DASH manifest,
 * and describe how the Player should feed it to MSE (streams, byte ranges, expected times).
 */
import { RULES } from './catalogue';
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { child, childrenOf, num, str, type BoxNode } from '../boxes';
import { describeFsError, errorCode, errorMessage, WorkbenchError } from '../errors';
import { mimeType } from './codec-string';
import { fetchText, HttpLog, isHttpUrl } from '../net/http';
import { checkUnavailable, httpFindings, rangePreflights } from './http-rules';
import { dashStreams, extOf, hlsStreams, nameOf, type StreamSpec } from './manifest';
import { buildStream, DocCache, trafOf, UNAVAILABLE, type StreamModel } from './model';
import { checkCodecs, checkFragments, checkInit, checkMovie, checkSidx, checkStructure, checkTiming, FindingSink, type RuleContext } from './rules';
import type { ByteRange, Finding, InputKind, LintReport, MediaSegment, MseAnalysis, MseStream, SegmentBox, SegmentTrack, TrackCodec } from './types';

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
}

const MANIFEST_LIMIT = 16 * 1024 * 1024;

/** A manifest's text: a local file, or a URL (requests counted in `log`; 16 MiB cap either way). */
async function readManifest(file: string, log?: HttpLog): Promise<string> {
  if (isHttpUrl(file)) return (await fetchText(file, { log, limit: MANIFEST_LIMIT })).text;
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw describeFsError(err, file);
  }
  if (info.size > MANIFEST_LIMIT) throw new WorkbenchError('ETOOBIG', `${file} is ${info.size} bytes; a manifest of more than 16 MiB is not plausible.`);
  const handle = await open(file, 'r').catch((err: unknown) => {
    throw describeFsError(err, file);
  });
  try {
    const buf = Buffer.alloc(info.size);
    await handle.read(buf, 0, info.size, 0);
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

export function inputKindOf(paths: string[]): InputKind {
  if (paths.length === 1 && /^\.m3u8?$/.test(extOf(paths[0]!))) return 'hls';
  if (paths.length === 1 && extOf(paths[0]!) === '.mpd') return 'dash';
  return paths.length > 1 ? 'segments' : 'file';
}

/** The streams an input describes (before any media file is parsed). */
/** A child playlist a master playlist names that could not be read (`segment-unavailable`). */
export interface MissingPlaylist {
  path: string;
  message: string;
}

export async function streamSpecs(paths: string[], log?: HttpLog, missing?: MissingPlaylist[]): Promise<{ kind: InputKind; specs: StreamSpec[] }> {
  if (!paths.length) throw new WorkbenchError('EUSAGE', 'Nothing to lint: give an fMP4, an init segment and media segments, or a manifest.');
  const kind = inputKindOf(paths);
  const where = (p: string) => (isHttpUrl(p) ? p : path.resolve(p));
  const first = where(paths[0]!);
  if (kind === 'hls') {
    const onUnavailable = missing
      ? (p: string, err: unknown) => {
          if (!UNAVAILABLE.has(errorCode(err))) return false;
          missing.push({ path: p, message: errorMessage(err) });
          return true;
        }
      : undefined;
    const specs = await hlsStreams(first, await readManifest(first, log), (p) => readManifest(p, log), onUnavailable);
    if (!specs.length && missing?.length) throw new WorkbenchError('ENOENT', `${nameOf(first)}: none of its playlists can be read (${missing[0]!.message})`);
    return { kind, specs };
  }
  if (kind === 'dash') return { kind, specs: dashStreams(first, await readManifest(first, log), (p) => (isHttpUrl(p) ? undefined : existsSync(p))) };
  if (paths.length > 1 && paths.some((p) => /^\.(m3u8?|mpd)$/.test(extOf(p)))) throw new WorkbenchError('EUSAGE', 'A manifest must be given alone; its segments are found beside it.');
  return {
    kind,
    specs: [{ label: nameOf(first), parts: paths.map((p, i) => ({ path: where(p), role: i === 0 ? 'auto' : 'segment' })) }],
  };
}

export async function analyzeMse(paths: string[], options: AnalyzeOptions = {}): Promise<MseAnalysis> {
  // Requests of a remote input and of everything its manifest leads to: cost, and the http-* rules.
  const log = new HttpLog();
  const missing: MissingPlaylist[] = [];
  const { kind, specs } = await streamSpecs(paths, log, missing);
  const cache = new DocCache(log);
  const idOf = options.fileId ?? ((p: string) => p);
  const fromManifest = kind === 'hls' || kind === 'dash';
  try {
    const streams: StreamModel[] = [];
    for (const [i, spec] of specs.entries()) streams.push(await buildStream(i, spec, cache, { fromManifest }));
    const findings: Finding[] = [];
    let omitted = 0;
    let fragmented = false;
    const planned: MseStream[] = [];
    for (const stream of streams) {
      const sink = new FindingSink(stream, streams.length > 1);
      const ctx: RuleContext = { stream, sink, badData: new Set() };
      if (options.lint === false) {
        // checkInit also says whether MSE can take the file at all; its findings are not kept.
        fragmented ||= checkInit(ctx).fragmented;
        planned.push(await planStream(stream, new Map(), idOf));
        continue;
      }
      // Between rule groups, let the event loop serve what waits (in the app, the Player's
      // segment reads while this lint runs alongside them).
      checkUnavailable(stream, sink);
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
      planned.push(await planStream(stream, sink.perSegment, idOf));
    }
    // (A plan has no findings: these come with the lint too.)
    for (const m of options.lint === false ? [] : missing) {
      findings.push({
        rule: 'segment-unavailable',
        severity: RULES['segment-unavailable'].severity,
        message: `the playlist ${nameOf(m.path)} named by ${nameOf(paths[0]!)} cannot be read: ${m.message}`,
        path: '',
        offset: 0,
        url: m.path,
        fix: RULES['segment-unavailable'].fix!,
      });
    }
    if (log.requests && options.lint !== false) {
      const streamOf = new Map<string, number>();
      for (const spec of specs.values()) for (const part of spec.parts) if (!streamOf.has(part.path)) streamOf.set(part.path, specs.indexOf(spec));
      const preflights = await rangePreflights(log);
      findings.push(...httpFindings(log, streamOf, { multiStream: streams.length > 1, input: paths[0]!, preflights }));
    }
    const order = { error: 0, warning: 1, info: 2 } as const;
    findings.sort((a, b) => (a.stream ?? 0) - (b.stream ?? 0) || order[a.severity] - order[b.severity] || (a.segment ?? -1) - (b.segment ?? -1));
    const tracks = planned.flatMap((s) => s.tracks);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of findings) counts[f.severity]++;
    const allFiles = new Set(streams.flatMap((s) => s.docs.map((d) => d.path)));
    const analysis: MseAnalysis = {
      input: { kind, name: nameOf(paths[0]!), files: allFiles.size },
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
    if (log.requests) analysis.http = { bytesFetched: log.bytesFetched, requests: log.requests };
    return analysis;
  } finally {
    await cache.closeAll();
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
  };
}

async function planStream(stream: StreamModel, perSegment: Map<number, { error: number; warning: number }>, idOf: (p: string, size?: number) => string | Promise<string>): Promise<MseStream> {
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
  };
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
