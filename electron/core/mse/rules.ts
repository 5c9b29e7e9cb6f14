/**
 * The rules of `../shared/design/MSE_RULES.md`, over a stream model. Each check reports where (box
 * path, file offset, segment, track) and what to do; checks that depend on something another rule
 * already reports as broken stay quiet, so one fault gives one finding.
 */
import { child, childrenOf, configSets, descend, neededParameterSets, num, numbers, str, TFHD, TRUN, visit, type BoxNode, type SampleTable } from '../boxes';
import { mimeType } from './codec-string';
import { fragmentSpans, trafOf, trexOf, type FileDoc, type StreamModel, type TrackModel } from './model';
import { avcNalName, hevcNalName, summarizeNals, type NalCodec } from './nal';
import { RULES } from './catalogue';
import type { Finding, RuleId, Severity } from './types';

export interface Where {
  node?: BoxNode;
  doc?: FileDoc;
  path?: string;
  offset?: number;
  segment?: number;
  track?: number;
  severity?: Severity;
  url?: string;
}

export class FindingSink {
  readonly findings: Finding[] = [];
  omitted = 0;
  private readonly perRule = new Map<RuleId, number>();
  /** Error/warning occurrences per media segment, including those folded into one finding. */
  readonly perSegment = new Map<number, { error: number; warning: number }>();
  constructor(
    private readonly stream: StreamModel,
    private readonly multiStream: boolean,
    private readonly limit = 50,
    /** A manifest's stream: every finding names its stream and a URL (the segment's, else the init segment's or first file's). */
    private readonly named = false,
  ) {}

  /** Count one occurrence against its segment (for the Player's per-segment badges). */
  count(severity: Severity, segment: number | undefined): void {
    if (segment === undefined || severity === 'info') return;
    const c = this.perSegment.get(segment) ?? { error: 0, warning: 0 };
    c[severity]++;
    this.perSegment.set(segment, c);
  }

  add(rule: RuleId, message: string, where: Where, options: { counted?: boolean } = {}): void {
    if (!options.counted) this.count(where.severity ?? RULES[rule].severity, where.segment);
    const n = (this.perRule.get(rule) ?? 0) + 1;
    this.perRule.set(rule, n);
    if (n > this.limit) {
      this.omitted++;
      return;
    }
    const f: Finding = {
      rule,
      severity: where.severity ?? RULES[rule].severity,
      message,
      path: where.path ?? where.node?.path ?? '',
      offset: where.offset ?? where.node?.offset ?? 0,
    };
    if (where.segment !== undefined) f.segment = where.segment;
    if (where.track !== undefined) f.track = where.track;
    if (where.url !== undefined) f.url = where.url;
    const fix = RULES[rule].fix;
    if (fix) f.fix = fix;
    if (where.doc && this.stream.docs.length > 1) f.file = where.doc.name;
    if (this.multiStream || this.named) f.stream = this.stream.index;
    if (this.named && f.url === undefined) {
      const doc = where.doc ?? (where.segment !== undefined ? this.stream.segments[where.segment]?.doc : undefined) ?? this.stream.init?.doc ?? this.stream.docs[0];
      if (doc) f.url = doc.path;
    }
    this.findings.push(f);
  }
}

const secs = (ticks: number, timescale: number) => (timescale > 0 ? ticks / timescale : NaN);
const fmtS = (s: number) => (Number.isFinite(s) ? `${s.toFixed(3)} s` : '?');

export interface RuleContext {
  stream: StreamModel;
  sink: FindingSink;
  /** Fragments whose sample data was found outside its mdat (later byte-level checks skip them), by `fragment:track`. */
  badData: Set<string>;
}

/** Every box error the engine met while parsing the stream's files. */
export function checkStructure(ctx: RuleContext): void {
  for (const doc of ctx.stream.docs) {
    visit(doc.boxes, (n) => {
      if (!n.error) return true;
      ctx.sink.add(n.error.rule, n.error.message, { node: n, doc });
      // Boxes inside a cut box are cut too: one finding, at the outermost box.
      return n.error.rule !== 'box-truncated';
    });
  }
}

export function checkInit(ctx: RuleContext): { fragmented: boolean } {
  const { stream, sink } = ctx;
  const moov = stream.moov;
  const hasMoof = stream.fragments.length > 0;
  const mvex = child(moov, 'mvex');
  const initDoc = stream.init?.doc ?? stream.docs[0];
  if (!moov) return { fragmented: hasMoof };
  const samplesInMoov = stream.tracks.filter((t) => stblSampleCount(t.trak) > 0);
  if (!hasMoof && !mvex) {
    if (samplesInMoov.length) {
      sink.add('not-fragmented', `This is a progressive MP4: moov holds the sample tables (${samplesInMoov.map((t) => `track ${t.id}: ${stblSampleCount(t.trak)} samples`).join(', ')}), there is no mvex and no moof, so MSE cannot take it.`, { node: moov, doc: initDoc });
    }
    return { fragmented: false };
  }
  const first = stream.init?.group.boxes[0];
  if (first && first.type !== 'ftyp') {
    sink.add('init-missing-ftyp', `The init segment starts with ${first.type}, not ftyp: Chromium accepts that, Firefox and Safari refuse it.`, { node: first, doc: initDoc });
  }
  if (!mvex && hasMoof) {
    sink.add('init-missing-mvex', 'moov has no mvex (movie extends) box although moof fragments follow: browsers take the file for a progressive MP4 and refuse it.', { node: moov, doc: initDoc });
  }
  if (mvex) {
    for (const t of stream.tracks) {
      if (!trexOf(stream, t.id)) {
        sink.add('init-trex-missing', `Track ${t.id} (${t.kind}) has no trex in moov/mvex, so its fragments have no defaults; Chromium reports "stream parsing failed" or "unfragmented MP4".`, { node: mvex, doc: initDoc, track: t.id });
      }
    }
  }
  for (const t of samplesInMoov) {
    const stbl = descend(t.trak, 'mdia', 'minf', 'stbl');
    sink.add('init-has-samples', `Track ${t.id}'s sample tables in the init segment list ${stblSampleCount(t.trak)} samples; MSE ignores them, so that media never plays (the first fragment starts later).`, { node: stbl, doc: initDoc, track: t.id });
  }
  return { fragmented: true };
}

function stblSampleCount(trak: BoxNode): number {
  const stbl = descend(trak, 'mdia', 'minf', 'stbl');
  const stsz = child(stbl, 'stsz') ?? child(stbl, 'stz2');
  const count = num(stsz, 'sample_count') ?? numbers(stsz, 'sample_sizes').length;
  const stts = numbers(child(stbl, 'stts'), 'sample_counts');
  let sttsTotal = 0;
  for (let i = 0; i < stts.length; i++) sttsTotal += stts[i]!;
  return Math.max(count, sttsTotal);
}

export function checkMovie(ctx: RuleContext): void {
  const { stream, sink } = ctx;
  const moov = stream.moov;
  if (!moov) return;
  const doc = stream.init?.doc ?? stream.docs[0];
  const mvhd = child(moov, 'mvhd');
  if (mvhd && num(mvhd, 'timescale') === 0) sink.add('timescale-zero', 'mvhd.timescale is 0: every movie-level duration is undefined.', { node: mvhd, doc });
  const seen = new Map<number, BoxNode>();
  for (const t of stream.tracks) {
    const mdhd = descend(t.trak, 'mdia', 'mdhd');
    if (mdhd && num(mdhd, 'timescale') === 0) {
      sink.add('timescale-zero', `Track ${t.id}'s mdhd.timescale is 0: its timestamps are undefined (Chromium: "Track media header's timescale must not be 0").`, { node: mdhd, doc, track: t.id });
    }
    const tkhd = child(t.trak, 'tkhd');
    const prev = seen.get(t.id);
    if (prev) sink.add('duplicate-track-id', `Two tracks have track_id ${t.id} (${prev.path} and ${tkhd?.path}): browsers refuse the init segment.`, { node: tkhd, doc, track: t.id });
    else if (tkhd) seen.set(t.id, tkhd);
    for (const elst of childrenOf(child(t.trak, 'edts'), 'elst')) {
      const all = (elst.fields.entries as { segment_duration?: number; media_time?: number; media_rate_integer?: number; media_rate_fraction?: number }[] | undefined) ?? [];
      // A leading empty edit of a few milliseconds is how muxers (ffmpeg among them) line a track up
      // with encoder priming in another; a browser that drops it shifts the track by less than anyone
      // can notice (below the ~45 ms A/V sync detection threshold), so it is not worth a warning.
      const movieTimescale = num(mvhd, 'timescale') ?? 0;
      const lead = all[0];
      const tinyLead = all.length > 1 && lead?.media_time === -1 && movieTimescale > 0 && (lead.segment_duration ?? 0) / movieTimescale < 0.05;
      const entries = tinyLead ? all.slice(1) : all;
      const odd = entries.find((e) => (e.media_rate_integer ?? 1) !== 1 || (e.media_rate_fraction ?? 0) !== 0);
      if (entries.length > 1 || odd) {
        const what = entries.length > 1 ? `${entries.length} entries${entries.some((e) => e.media_time === -1) ? ' (with an empty edit)' : ''}` : `a rate of ${odd?.media_rate_integer}`;
        sink.add('edit-list-complex', `Track ${t.id}'s edit list has ${what}; browsers honour at most one rate-1 edit, so timing will differ between players.`, { node: elst, doc, track: t.id });
      }
    }
    if (t.entry) {
      const schm = descend(t.entry, 'sinf', 'schm');
      const scheme = str(schm, 'scheme_type');
      if (scheme && scheme !== 'cenc' && scheme !== 'cbcs') {
        sink.add('encryption-scheme-unsupported', `Track ${t.id} is encrypted with scheme '${scheme}'; browsers (EME) decrypt only 'cenc' and 'cbcs'.`, { node: schm, doc, track: t.id });
      }
    }
  }
}

/** Codec strings (info) and missing parameter sets. */
export async function checkCodecs(ctx: RuleContext): Promise<void> {
  const { stream, sink } = ctx;
  const doc = stream.init?.doc ?? stream.docs[0];
  // Tracks muxed in one file go to one SourceBuffer, whose type must name every codec: a type
  // naming only the video makes Chromium refuse the append when it meets the audio.
  const muxed = stream.tracks.filter((t) => t.entry && t.codec.codec && (t.kind === 'video' || t.kind === 'audio'));
  const combined = muxed.length > 1 ? mimeType(muxed.map((t) => t.kind), muxed.map((t) => t.codec.codec)) : null;
  for (const t of stream.tracks) {
    if (!t.entry) continue;
    const own = mimeType([t.kind], [t.codec.codec]);
    const what = `Track ${t.id} (${t.kind}, ${t.entry.type}${t.format !== t.entry.type ? ` of ${t.format}` : ''}): ${t.codec.codec}${t.codec.complete ? '' : ' (configuration box missing or unreadable)'}`;
    const message =
      combined && muxed.includes(t)
        ? `${what}; its segments also carry track${muxed.length > 2 ? 's' : ''} ${muxed.filter((m) => m !== t).map((m) => m.id).join(', ')}, so one SourceBuffer takes them all → addSourceBuffer('${combined}') (a type naming one track, '${own}', makes the append fail)`
        : `${what} → addSourceBuffer('${own}')`;
    sink.add('codec-string', message, { node: t.entry, doc, track: t.id });
    await checkParameterSets(ctx, t, doc);
  }
}

function nalCodecOf(format: string): NalCodec | null {
  if (/^avc[1-4]$/.test(format)) return 'avc';
  if (/^(hvc[12]|hev[12])$/.test(format)) return 'hevc';
  return null;
}

async function checkParameterSets(ctx: RuleContext, t: TrackModel, doc: FileDoc | undefined): Promise<void> {
  const codec = nalCodecOf(t.format);
  if (!codec || !t.entry) return;
  const config = child(t.entry, codec === 'avc' ? 'avcC' : 'hvcC');
  const have = configSets(config);
  const missing = neededParameterSets(codec).filter((n) => !have.has(n));
  if (!missing.length) return;
  const inBand = /^(avc[34]|hev[12])$/.test(t.format);
  const where = config ?? t.entry;
  const names = missing.map((m) => m.toUpperCase()).join('/');
  if (!inBand) {
    ctx.sink.add('parameter-sets-missing', `${t.format} track ${t.id}: ${config ? `${config.type} has no ${names}` : `the sample entry has no ${codec === 'avc' ? 'avcC' : 'hvcC'}`}, and ${t.format} does not allow them in-band: the decoder cannot start.`, { node: where, doc, track: t.id });
    return;
  }
  // avc3/hev1: the parameter sets may come in-band; look at the first sample of the first segment.
  const table = ctx.stream.tables.get(t.id);
  const first = table ? firstFragmentSample(table) : -1;
  if (!table || first < 0 || t.encrypted) return;
  const nals = await readNals(ctx.stream, table, first, codec, config);
  if (!nals || nals.malformed) return;
  const stillMissing = missing.filter((m) => !nals.sets.has(m));
  if (stillMissing.length) {
    ctx.sink.add('parameter-sets-missing', `${t.format} track ${t.id}: neither ${config?.type ?? 'the sample entry'} nor the first sample of the first segment carries ${stillMissing.map((m) => m.toUpperCase()).join('/')}: the decoder cannot start.`, { node: where, doc, track: t.id, segment: 0 });
  }
}

function firstFragmentSample(table: SampleTable): number {
  for (let i = 0; i < table.count; i++) if (table.fragment[i]! >= 0) return i;
  return -1;
}

/** Read the start of sample `i` (up to 4 KiB) and list its NAL units. */
async function readNals(stream: StreamModel, table: SampleTable, i: number, codec: NalCodec, config: BoxNode | undefined) {
  const frag = stream.fragments[table.fragment[i]!];
  if (!frag) return null;
  const offset = table.offset[i]!;
  const size = table.size[i]!;
  if (size === 0 || offset + Math.min(size, 8) > frag.doc.size) return null;
  const bytes = await frag.doc.source.read(offset, Math.min(size, 4096));
  const lengthSize = (num(config, 'lengthSizeMinusOne') ?? 3) + 1;
  return summarizeNals(codec, bytes.slice(), lengthSize, size);
}

/** Per-fragment checks: tfdt presence, tfhd addressing, mfhd order, mdat presence and bounds, trun version. */
export function checkFragments(ctx: RuleContext): void {
  const { stream, sink } = ctx;
  let prevSeq: number | undefined;
  // Faults that repeat in every fragment become one finding (at the first) that says how many more.
  const once = new Map<string, { count: number; first: [RuleId, string, Where] }>();
  const aggregate = (key: string, rule: RuleId, message: string, where: Where) => {
    sink.count(where.severity ?? RULES[rule].severity, where.segment);
    const hit = once.get(key);
    if (hit) hit.count++;
    else once.set(key, { count: 1, first: [rule, message, where] });
  };
  stream.fragments.forEach((frag, k) => {
    const { moof, doc, segment } = frag;
    const mfhd = child(moof, 'mfhd');
    const seq = num(mfhd, 'sequence_number');
    if (seq !== undefined) {
      if (prevSeq !== undefined && seq <= prevSeq) {
        sink.add('mfhd-sequence', `Fragment ${k} has mfhd.sequence_number ${seq} after ${prevSeq}; sequence numbers should increase.`, { node: mfhd, doc, segment });
      }
      prevSeq = seq;
    }
    if (!frag.mdat) {
      sink.add('moof-without-mdat', `${moof.path} is not followed by an mdat before ${nextMoofName(stream, k)}: its samples have no media data.`, { node: moof, doc, segment });
    }
    const trafs = childrenOf(moof, 'traf');
    trafs.forEach((traf, ti) => {
      const tfhd = child(traf, 'tfhd');
      const id = num(tfhd, 'track_id');
      const tf = { flags: tfhd?.flags ?? 0 };
      if (!child(traf, 'tfdt')) {
        aggregate(`tfdt:${id}`, 'traf-missing-tfdt', `${traf.path} (track ${id}) has no tfdt, so the fragment's decode time is unknown; Chromium fails with "stream parsing failed".`, { node: traf, doc, segment, track: id });
      }
      if (tf.flags & TFHD.BASE_DATA_OFFSET) {
        aggregate(`bdo:${id}`, 'tfhd-base-data-offset', `${tfhd!.path} (track ${id}) sets an explicit base_data_offset (${num(tfhd, 'base_data_offset')}); MSE forbids it and Chromium refuses the segment.`, { node: tfhd, doc, segment, track: id });
      } else if (!(tf.flags & TFHD.DEFAULT_BASE_IS_MOOF)) {
        // Chromium counts every traf's data_offset from the moof; ISO counts later trafs from the end
        // of the previous traf's data. Only the first traf of a moof reads the same either way.
        const implicit = ti > 0;
        // The sample table reads these offsets from the moof, as Chromium does; bounds and bitstream checks would then report noise.
        if (implicit) ctx.badData.add(`${k}:${id}`).add(`implicit:${k}:${id}`);
        aggregate(`dbim:${id}`, 'tfhd-no-default-base-is-moof', implicit
          ? `${tfhd?.path} (track ${id}) has neither base_data_offset nor default-base-is-moof, and it is not the first traf: its data offsets count from the end of the previous track's data, which Chromium does not follow (it reads the wrong bytes and fails to decode).`
          : `${tfhd?.path} (track ${id}) has neither base_data_offset nor default-base-is-moof: its data offsets rely on the implicit base.`, { node: tfhd, doc, segment, track: id, severity: implicit ? 'error' : 'warning' });
      }
      for (const trun of childrenOf(traf, 'trun')) {
        if ((trun.version ?? 0) === 0 && (trun.flags ?? 0) & TRUN.SAMPLE_COMPOSITION_TIME_OFFSET) {
          const ctos = numbers(trun, 'sample_composition_time_offset');
          let bad = 0;
          for (let i = 0; i < ctos.length; i++) if (ctos[i]! >= 0x80000000) bad++;
          if (bad) {
            aggregate(`cts:${id}`, 'negative-cts-without-trun-v1', `${trun.path} (track ${id}) is version 0 but ${bad} of its composition offsets are only meaningful as negative numbers (e.g. ${ctos[firstIndex(ctos, (v) => v >= 0x80000000)]! - 0x100000000}); read unsigned they put frames ~13 hours late.`, { node: trun, doc, segment, track: id });
          }
        }
      }
    });
  });
  for (const { count, first } of once.values()) {
    const [rule, message, where] = first;
    sink.add(rule, count > 1 ? `${message} The same holds for ${count - 1} more fragment${count > 2 ? 's' : ''}.` : message, where, { counted: true });
  }
  checkDataBounds(ctx);
}

function firstIndex(arr: ArrayLike<number>, fn: (v: number) => boolean): number {
  for (let i = 0; i < arr.length; i++) if (fn(arr[i]!)) return i;
  return -1;
}

function nextMoofName(stream: StreamModel, k: number): string {
  const next = stream.fragments[k + 1];
  return next && next.doc === stream.fragments[k]!.doc ? `the next moof (offset ${next.moof.offset})` : 'the end of the segment';
}

/** The samples each trun lists must lie inside the mdat that follows the moof. */
function checkDataBounds(ctx: RuleContext): void {
  const { stream, sink } = ctx;
  for (const [id, table] of stream.tables) {
    for (const [k, span] of fragmentSpans(table)) {
      const frag = stream.fragments[k];
      if (!frag?.mdat || ctx.badData.has(`implicit:${k}:${id}`)) continue;
      const lo = frag.mdat.offset + frag.mdat.headerSize;
      const hi = frag.mdat.offset + frag.mdat.size;
      let outside = 0;
      let firstBad = -1;
      let maxEnd = 0;
      let minStart = Infinity;
      for (let i = span.first; i < span.first + span.count; i++) {
        const a = table.offset[i]!;
        const b = a + table.size[i]!;
        minStart = Math.min(minStart, a);
        maxEnd = Math.max(maxEnd, b);
        if (a < lo || b > hi) {
          outside++;
          if (firstBad < 0) firstBad = i - span.first;
        }
      }
      if (!outside) continue;
      ctx.badData.add(`${k}:${id}`);
      const traf = trafOf(frag.moof, id);
      const trun = childrenOf(traf, 'trun')[0];
      const where = maxEnd > hi ? `runs to byte ${maxEnd}, ${maxEnd - hi} bytes past the end of the mdat (${lo}–${hi})` : `starts at byte ${minStart}, before the mdat payload (${lo})`;
      sink.add('trun-data-out-of-bounds', `${trun?.path ?? traf?.path} (track ${id}): ${outside} of ${span.count} samples lie outside the mdat after their moof (sample ${firstBad} first); the data ${where}. Chromium stops buffering there.`, { node: trun ?? traf ?? frag.moof, doc: frag.doc, segment: frag.segment, track: id });
    }
  }
}

/** Segment starts: sync flag and bitstream; decode-time continuity between fragments. */
export async function checkTiming(ctx: RuleContext): Promise<void> {
  const { stream, sink } = ctx;
  const trackById = new Map(stream.tracks.map((t) => [t.id, t] as const));
  for (const [id, table] of stream.tables) {
    const track = trackById.get(id);
    const spans = [...fragmentSpans(table)].sort((a, b) => a[0] - b[0]);
    // Continuity: tfdt of fragment n against tfdt + durations of fragment n-1.
    let prev: { k: number; first: number; count: number; hasTfdt: boolean } | null = null;
    for (const [k, span] of spans) {
      const frag = stream.fragments[k]!;
      const traf = trafOf(frag.moof, id);
      const tfdt = child(traf, 'tfdt');
      const hasTfdt = !!tfdt && num(tfdt, 'baseMediaDecodeTime') !== undefined;
      if (prev && hasTfdt && prev.hasTfdt) {
        let dur = 0;
        for (let i = prev.first; i < prev.first + prev.count; i++) dur += table.duration[i]!;
        const expected = table.dts[prev.first]! + dur;
        const actual = table.dts[span.first]!;
        const diff = actual - expected;
        if (diff !== 0) {
          const frame = table.duration[prev.first + prev.count - 1]! || table.duration[span.first]! || 1;
          const ts = track?.timescale ?? table.timescale;
          const ms = ts > 0 ? `${Math.abs((diff / ts) * 1000).toFixed(1)} ms` : `${Math.abs(diff)} ticks`;
          const kind = diff > 0 ? 'gap' : 'overlap';
          const effect = diff > 0 ? 'playback stalls at the hole' : 'the overlapping frames are dropped';
          sink.add('tfdt-discontinuity', `Track ${id}: ${kind} of ${ms} before ${tfdt!.path}: tfdt is ${actual} but the previous fragment ends at ${expected}${ts > 0 ? ` (${fmtS(secs(expected, ts))} → ${fmtS(secs(actual, ts))})` : ''}; ${effect}.`, {
            node: tfdt,
            doc: frag.doc,
            segment: frag.segment,
            track: id,
            severity: Math.abs(diff) > frame ? 'error' : 'warning',
          });
        }
      }
      prev = { k, first: span.first, count: span.count, hasTfdt };
    }
    if (!track || track.kind !== 'video') continue;
    // Segment starts: the first sample of every media segment must be a sync sample, and an IDR/IRAP picture.
    const seenSegments = new Set<number>();
    const codec = nalCodecOf(track.format);
    const config = track.entry ? child(track.entry, codec === 'avc' ? 'avcC' : 'hvcC') : undefined;
    for (const [k, span] of spans) {
      const frag = stream.fragments[k]!;
      if (seenSegments.has(frag.segment)) continue;
      seenSegments.add(frag.segment);
      const i = span.first;
      const traf = trafOf(frag.moof, id)!;
      if (!flagsResolvable(stream, traf, id)) continue;
      const ts = track.timescale;
      if (!table.isSync[i]) {
        let next = -1;
        for (let j = i + 1; j < table.count; j++) if (table.isSync[j]) (next = j), (j = table.count);
        const wait = next >= 0 && ts > 0 ? `; the next sync sample comes ${fmtS(secs(table.dts[next]! - table.dts[i]!, ts))} later` : '';
        sink.add('segment-starts-non-sync', `Segment ${frag.segment} (track ${id}) starts with a non-sync sample at ${fmtS(secs(table.dts[i]!, ts))}${wait}: after a seek, a discontinuity or a rendition switch there is nothing to decode until then.`, {
          node: childrenOf(traf, 'trun')[0] ?? traf,
          doc: frag.doc,
          segment: frag.segment,
          track: id,
        });
        continue;
      }
      if (!codec || track.encrypted || ctx.badData.has(`${k}:${id}`)) continue;
      const nals = await readNals(stream, table, i, codec, config);
      if (!nals || nals.malformed || nals.firstVcl === undefined || nals.random) continue;
      const name = codec === 'avc' ? avcNalName(nals.firstVcl) : hevcNalName(nals.firstVcl);
      sink.add('segment-starts-non-idr', `Segment ${frag.segment} (track ${id}) is flagged to start with a sync sample, but its first picture is a ${name} (NAL type ${nals.firstVcl}), not ${codec === 'avc' ? 'an IDR' : 'an IRAP'} picture; browsers trust the bitstream and show garbage or nothing until the next real keyframe.`, {
        node: childrenOf(traf, 'trun')[0] ?? traf,
        doc: frag.doc,
        segment: frag.segment,
        track: id,
      });
    }
  }
}

/** Whether the first sample's flags come from somewhere real (trun, tfhd or trex), not from a missing default. */
function flagsResolvable(stream: StreamModel, traf: BoxNode, trackId: number): boolean {
  const trun = childrenOf(traf, 'trun')[0];
  const rf = trun?.flags ?? 0;
  if (rf & TRUN.FIRST_SAMPLE_FLAGS || rf & TRUN.SAMPLE_FLAGS) return true;
  const tf = child(traf, 'tfhd')?.flags ?? 0;
  if (tf & TFHD.DEFAULT_SAMPLE_FLAGS) return true;
  return !!trexOf(stream, trackId);
}

/** Each sidx reference must cover whole boxes and the duration of the media it points at. */
export function checkSidx(ctx: RuleContext): void {
  const { stream, sink } = ctx;
  const trackById = new Map(stream.tracks.map((t) => [t.id, t] as const));
  for (const doc of stream.docs) {
    const top = doc.boxes;
    const starts = new Set(top.map((b) => b.offset));
    const boundaries = new Set([...starts, doc.size, ...top.map((b) => b.offset + b.size)]);
    for (const sidx of top.filter((b) => b.type === 'sidx')) {
      const refs = (sidx.fields.references as { reference_type?: number; referenced_size?: number; subsegment_duration?: number }[] | undefined) ?? [];
      const timescale = num(sidx, 'timescale') ?? 0;
      const refId = num(sidx, 'reference_ID') ?? 0;
      const track = trackById.get(refId);
      const table = stream.tables.get(refId);
      let pos = sidx.offset + sidx.size + (num(sidx, 'first_offset') ?? 0);
      const segment = stream.segments.find((s) => s.doc === doc && sidx.offset >= s.group.start && sidx.offset < s.group.end)?.index;
      for (let r = 0; r < refs.length; r++) {
        const ref = refs[r]!;
        const size = ref.referenced_size ?? 0;
        const end = pos + size;
        // A reference into bytes this input does not hold (an index-only file, a cut-down sample) cannot be checked.
        if (pos >= doc.size || end > doc.size) break;
        const problem = (text: string) => sink.add('sidx-mismatch', `${sidx.path} (track ${refId}) reference ${r}: ${text}`, { node: sidx, doc, segment, track: refId });
        if (!starts.has(pos)) {
          problem(`points at byte ${pos}, which is not the start of a box.`);
          break;
        }
        if (!boundaries.has(end)) {
          const inside = top.find((b) => b.offset < end && b.offset + b.size > end);
          problem(`covers ${size} bytes from ${pos}, ending at byte ${end}${inside ? ` inside ${inside.path} (${inside.offset}–${inside.offset + inside.size})` : ''}, not at a box boundary.`);
          break;
        }
        const first = top.find((b) => b.offset === pos)!;
        if (ref.reference_type === 1) {
          if (first.type !== 'sidx') {
            problem(`is a reference to a sidx, but byte ${pos} holds ${first.type}.`);
            break;
          }
        } else if (table && track && track.timescale > 0 && timescale > 0) {
          let dur = 0;
          let maxFrame = 0;
          for (let i = 0; i < table.count; i++) {
            const frag = stream.fragments[table.fragment[i]!];
            if (!frag || frag.doc !== doc || frag.moof.offset < pos || frag.moof.offset >= end) continue;
            dur += table.duration[i]!;
            maxFrame = Math.max(maxFrame, table.duration[i]!);
          }
          const actual = (dur * timescale) / track.timescale;
          const declared = ref.subsegment_duration ?? 0;
          const tolerance = Math.max(1, (maxFrame * timescale) / track.timescale);
          if (Math.abs(actual - declared) > tolerance) {
            problem(`declares ${declared} (${fmtS(declared / timescale)}) but the fragments it covers last ${Math.round(actual)} (${fmtS(actual / timescale)}).`);
            break;
          }
        }
        pos = end;
      }
    }
  }
}
