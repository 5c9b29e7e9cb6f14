/**
 * The playback summary: what differs between two files in terms that decide whether and how they
 * play (codec strings, timescales, parameter sets, edit lists, fragment structure, encryption…),
 * each topic tied to the lint rule it touches (`../shared/design/MSE_RULES.md`).
 *
 * Each topic has a display text and a key; topics differ when their keys differ. When two keys
 * differ but the compact texts read the same, the first differing element is appended, so the
 * summary never shows two equal-looking values as a difference.
 */
import { child, childrenOf, descend, num, numbers, str, visit, type BoxNode, type FieldValue, type SampleTable } from '../boxes';
import { codecString, configParameterSets, drmSystemName, isEncryptedEntry, originalFormat, TFHD, trackKind } from '../boxes/vocabulary';
import { plural } from '../format';
import type { RuleId } from '../mse/catalogue';
import { inbandParameterSets } from './inband';
import type { Layout } from './layout';
import type { LoadedSide, TrackRef } from './load';
import type { SummaryEntry } from './types';

interface Value {
  text: string;
  /** Equality key (the text when absent). */
  key?: string;
  /** Per-element details shown when texts are equal but keys are not. */
  items?: string[];
  /** Numeric topics: equal when within the larger of the two tolerances (then `key` is not used). */
  near?: { value: number; tolerance: number };
  /** Per-element numbers to chart (seconds per fragment). */
  series?: number[];
}

interface Topic {
  id: string;
  topic: string;
  /** The lint rule, or a choice of rule from the two values (e.g. by which flag is set). */
  rule?: RuleId | ((a: Value | undefined, b: Value | undefined) => RuleId | undefined);
  track?: string;
  trackKey?: string;
  /** Compute the topic for one side; `undefined` leaves the topic out for that side ("—"). */
  of(side: SideFacts): Value | undefined | Promise<Value | undefined>;
}

/** What the summary needs of one side. */
export interface SideFacts {
  side: LoadedSide;
  layout: Layout;
  moov?: BoxNode;
}

function seconds(ticks: number, timescale: number): string {
  if (!timescale) return `${ticks} ticks`;
  return `${(ticks / timescale).toFixed(3)} s`;
}

function fnv(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

function bytesText(bytes: Uint8Array): string {
  return bytes.length <= 40 ? hex(bytes) : `${hex(bytes.subarray(0, 12))}… (${bytes.length} B, #${fnv(bytes)})`;
}

/** Samples of one track from the side's layout, or null. */
function tableOf(facts: SideFacts, track: TrackRef): SampleTable | null {
  return facts.layout.tables.get(track.id) ?? null;
}

function sampleEntries(track: TrackRef): BoxNode[] {
  return descend(track.trak, 'mdia', 'minf', 'stbl', 'stsd')?.children ?? [];
}

function configOf(entry: BoxNode | undefined): BoxNode | undefined {
  return entry?.children?.find((c) => c.type === 'avcC' || c.type === 'hvcC' || c.type === 'vvcC');
}

function describeEdits(trak: BoxNode | undefined, movieTimescale: number, mediaTimescale: number): Value {
  const elst = descend(trak, 'edts', 'elst');
  if (!elst) return { text: 'none' };
  const entries = Array.isArray(elst.fields.entries) ? elst.fields.entries : [];
  const items = entries.map((x) => {
    const e = (x && typeof x === 'object' && !Array.isArray(x) && !ArrayBuffer.isView(x) ? x : {}) as Record<string, FieldValue>;
    const dur = typeof e.segment_duration === 'number' ? e.segment_duration : 0;
    const mt = typeof e.media_time === 'number' ? e.media_time : 0;
    const rate = typeof e.media_rate_integer === 'number' ? e.media_rate_integer : 1;
    const frac = typeof e.media_rate_fraction === 'number' ? e.media_rate_fraction : 0;
    const length = dur === 0 ? 'to the end' : seconds(dur, movieTimescale);
    if (mt === -1 || mt === 0xffffffff) return `empty edit for ${length}`;
    const rateText = rate === 1 && frac === 0 ? '' : `, rate ${rate + frac / 65536}`;
    return `media time ${mt} (${seconds(mt, mediaTimescale)}) for ${length}${rateText}`;
  });
  if (!items.length) return { text: 'edts/elst with no entries' };
  return { text: `${plural(items.length, 'entry', 'entries')}: ${items.join('; ')}` };
}

function median(values: Uint32Array, count: number): number {
  if (!count) return 0;
  const sorted = values.slice(0, count).sort();
  return sorted[count >> 1]!;
}

function syncPattern(table: SampleTable | null, timescale: number): Value | undefined {
  if (!table || table.count === 0) return undefined;
  const sync: number[] = [];
  for (let i = 0; i < table.count; i++) if (table.isSync[i]) sync.push(i);
  if (sync.length === table.count) return { text: 'every sample is a sync sample' };
  if (!sync.length) return { text: `no sync sample in ${table.count} samples` };
  const prefix = sync[0] !== 0 ? `first sample is not a sync sample; ` : '';
  if (sync.length === 1) return { text: `${prefix}one sync sample (sample ${sync[0]! + 1} of ${table.count})` };
  const distances: number[] = [];
  for (let i = 1; i < sync.length; i++) distances.push(sync[i]! - sync[i - 1]!);
  // Seconds from the typical sample duration: a first sample stretched by the muxer does not count.
  const typical = median(table.duration, table.count);
  const min = Math.min(...distances);
  const max = Math.max(...distances);
  const key = distances.join(',');
  if (min === max) return { text: `${prefix}every ${min} samples (${seconds(min * typical, timescale)})`, key: `${prefix}${key}` };
  return {
    text: `${prefix}every ${min}–${max} samples`,
    key: `${prefix}${key}`,
    items: distances.map((d, i) => `GOP ${i + 1}: ${d} samples`),
  };
}

/** Points charted per side (a 24-hour stream of 2 s fragments has 43,200). */
const SERIES_MAX = 50_000;

function fragmentDurations(table: SampleTable | null, timescale: number): Value | undefined {
  if (!table || table.count === 0) return undefined;
  const durations: number[] = [];
  let current = -2;
  for (let i = 0; i < table.count; i++) {
    const f = table.fragment[i]!;
    if (f < 0) continue;
    if (f !== current) {
      durations.push(0);
      current = f;
    }
    durations[durations.length - 1]! += table.duration[i]!;
  }
  if (!durations.length) return undefined;
  const text = (d: number) => seconds(d, timescale);
  const texts = durations.map(text);
  const body = texts.slice(0, -1);
  const last = texts[texts.length - 1]!;
  const distinct = [...new Set(body)];
  let summary: string;
  if (durations.length === 1) summary = `1 fragment of ${last}`;
  else if (distinct.length === 1) summary = `${durations.length} fragments: ${distinct[0]} each${last !== distinct[0] ? `, last ${last}` : ''}`;
  else {
    const sorted = [...durations].sort((x, y) => x - y);
    summary = `${durations.length} fragments: ${text(sorted[0]!)}–${text(sorted[sorted.length - 1]!)}`;
  }
  return {
    text: summary,
    key: texts.join(','),
    items: texts.map((t, i) => `fragment ${i + 1}: ${t}`),
    series: timescale ? durations.slice(0, SERIES_MAX).map((d) => d / timescale) : undefined,
  };
}

function tfhdModes(side: LoadedSide): Value | undefined {
  const counts = new Map<string, number>();
  let total = 0;
  for (const moof of side.moofs) {
    for (const traf of childrenOf(moof, 'traf')) {
      const flags = child(traf, 'tfhd')?.flags ?? 0;
      const mode =
        flags & TFHD.BASE_DATA_OFFSET
          ? 'base-data-offset (absolute offsets)'
          : flags & TFHD.DEFAULT_BASE_IS_MOOF
            ? 'default-base-is-moof'
            : 'neither flag (implicit base)';
      counts.set(mode, (counts.get(mode) ?? 0) + 1);
      total++;
    }
  }
  if (!total) return undefined;
  if (counts.size === 1) return { text: [...counts.keys()][0]! };
  const parts = [...counts].sort().map(([m, n]) => `${m} in ${n} of ${total} trafs`);
  return { text: parts.join('; ') };
}

function countTop(side: LoadedSide, type: string): number {
  return side.main.filter((b) => b.type === type).length;
}

function presence(n: number, type: string, where = ''): Value {
  return { text: n === 0 ? 'none' : `${n} ${type}${n === 1 ? '' : ' boxes'}${where}` };
}

function fileKind(side: LoadedSide): string {
  const moov = side.boxes.some((b) => b.type === 'moov');
  const mvex = !!descend(side.boxes.find((b) => b.type === 'moov'), 'mvex');
  const moofs = side.moofs.length;
  if (moov && mvex && moofs) return 'fragmented (init and fragments)';
  if (moov && mvex) return 'init segment (fragmented, no fragments)';
  if (moov && moofs) return 'moof boxes but no mvex';
  if (moov) return 'progressive (not fragmented)';
  if (moofs) return 'media segment (fragments, no moov)';
  return 'no moov and no moof';
}

function brands(side: LoadedSide, type: 'ftyp' | 'styp'): Value | undefined {
  const box = side.boxes.find((b) => b.type === type);
  if (!box) return undefined;
  const major = str(box, 'major_brand') ?? '?';
  const compat = box.fields.compatible_brands;
  const list = Array.isArray(compat) ? compat.filter((x): x is string => typeof x === 'string') : [];
  return { text: `${major} (${list.join(', ')})` };
}

interface TrafStats {
  trafs: number;
  withoutTfdt: number;
  trunVersions: Set<number>;
  senc: number;
  saiz: number;
  saio: number;
}

const trafStatsCache = new WeakMap<LoadedSide, TrafStats>();

function trafStats(side: LoadedSide): TrafStats {
  const cached = trafStatsCache.get(side);
  if (cached) return cached;
  const s: TrafStats = { trafs: 0, withoutTfdt: 0, trunVersions: new Set<number>(), senc: 0, saiz: 0, saio: 0 };
  for (const moof of side.moofs) {
    for (const traf of childrenOf(moof, 'traf')) {
      s.trafs++;
      if (!child(traf, 'tfdt')) s.withoutTfdt++;
      for (const c of traf.children ?? []) {
        if (c.type === 'trun') s.trunVersions.add(c.version ?? 0);
        else if (c.type === 'senc' || (c.type === 'uuid' && c.uuid === 'a2394f525a9b4f14a2446c427c648df4')) s.senc++;
        else if (c.type === 'saiz') s.saiz++;
        else if (c.type === 'saio') s.saio++;
      }
    }
  }
  trafStatsCache.set(side, s);
  return s;
}

function sequencePattern(side: LoadedSide): Value | undefined {
  const seqs = side.moofs.map((m) => num(child(m, 'mfhd'), 'sequence_number'));
  if (!seqs.length) return undefined;
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i] === undefined || seqs[i - 1] === undefined || seqs[i]! <= seqs[i - 1]!) return { text: `not increasing (at fragment ${i + 1})` };
  }
  return { text: 'increasing' };
}

function psshSystems(side: LoadedSide): Value {
  const ids: string[] = [];
  visit(side.boxes, (n) => {
    if (n.type === 'pssh') {
      const id = str(n, 'system_id') ?? '?';
      ids.push(drmSystemName(id) ?? id);
    }
    return n.type !== 'mdat';
  });
  return { text: ids.length ? ids.join(', ') : 'none' };
}

function boxErrors(side: LoadedSide): Value {
  const rules = new Map<string, number>();
  visit(side.boxes, (n) => {
    if (n.error) rules.set(n.error.rule, (rules.get(n.error.rule) ?? 0) + 1);
  });
  if (!rules.size) return { text: 'none' };
  return { text: [...rules].map(([r, n]) => `${n}× ${r}`).join(', ') };
}

function trackTopics(key: string, label: string, fragmented: boolean): Topic[] {
  const trackOf = (f: SideFacts) => f.side.tracks.find((t) => t.key === key);
  const withTrack = (fn: (t: TrackRef, f: SideFacts) => Value | undefined | Promise<Value | undefined>) => (f: SideFacts) => {
    const t = trackOf(f);
    return t ? fn(t, f) : undefined;
  };
  const entry = (t: TrackRef) => sampleEntries(t)[0];
  const t = (id: string, topic: string, of: Topic['of'], rule?: RuleId): Topic => ({ id, topic: `${topic} (${label})`, track: label, trackKey: key, of, ...(rule ? { rule } : {}) });
  const topics: Topic[] = [
    t('track', 'Track', (f) => {
      const tr = trackOf(f);
      return { text: tr ? `track ${tr.id}, ${tr.handler}${entry(tr) ? ` ${entry(tr)!.type}` : ''}` : 'absent', key: tr ? 'present' : 'absent' };
    }),
    t('track-id', 'Track id', withTrack((tr) => ({ text: String(tr.id) }))),
    t('sample-entry', 'Sample entry', withTrack((tr) => {
      const types = sampleEntries(tr).map((e) => e.type);
      return types.length ? { text: types.join(', ') } : undefined;
    }), 'parameter-sets-missing'),
    t('codec', 'Codec string', withTrack((tr) => {
      const e = entry(tr);
      if (!e) return undefined;
      // The MSE lint's RFC 6381 strings, so that diff and lint name codecs alike.
      const { codec } = codecString(e);
      return { text: e.type !== originalFormat(e) ? `${codec} (encrypted as ${e.type})` : codec };
    }), 'codec-string'),
    t('timescale', 'Timescale', withTrack((tr) => (tr.trak ? { text: String(tr.timescale) } : undefined)), 'timescale-zero'),
    t('dimensions', 'Picture size', withTrack((tr) => {
      const e = entry(tr);
      const w = num(e, 'width');
      const h = num(e, 'height');
      return trackKind(tr.handler) === 'video' && w && h ? { text: `${w}×${h}` } : undefined;
    })),
    t('audio-format', 'Audio format', withTrack((tr) => {
      const e = entry(tr);
      const ch = num(e, 'channel_count');
      const rate = num(e, 'samplerate');
      return trackKind(tr.handler) === 'audio' && ch !== undefined ? { text: `${ch} ch, ${rate ?? '?'} Hz` } : undefined;
    })),
    t('parameter-sets', 'Parameter sets in the sample entry', withTrack((tr) => {
      const cfg = configOf(entry(tr));
      if (!cfg) return undefined;
      const sets = configParameterSets(cfg);
      if (!sets.length) return { text: `none in ${cfg.type}` };
      return { text: sets.map((s) => `${s.kind} ${bytesText(s.data)}`).join(', '), key: sets.map((s) => `${s.kind}:${hex(s.data)}`).join(',') };
    }), 'parameter-sets-missing'),
    t('inband-parameter-sets', 'In-band parameter sets', withTrack(async (tr, f) => {
      const e = entry(tr);
      const cfg = configOf(e);
      if (!e || !cfg || cfg.type === 'vvcC') return undefined;
      const text = await inbandParameterSets(f.side, tableOf(f, tr), (num(cfg, 'lengthSizeMinusOne') ?? 3) + 1, cfg.type === 'hvcC');
      return text === undefined ? undefined : { text };
    }), 'parameter-sets-missing'),
    t('edit-list', 'Edit list', withTrack((tr, f) => (tr.trak ? describeEdits(tr.trak, num(child(f.moov, 'mvhd'), 'timescale') ?? 0, tr.timescale) : undefined)), 'edit-list-complex'),
    t('gop', 'Sync samples (GOP)', withTrack((tr, f) => (trackKind(tr.handler) === 'video' || tr.handler === '' ? syncPattern(tableOf(f, tr), tr.timescale) : undefined)), 'segment-starts-non-sync'),
  ];
  if (fragmented) {
    topics.push(
      t('fragment-durations', 'Fragment durations', withTrack((tr, f) => fragmentDurations(tableOf(f, tr), tr.timescale)), 'segment-starts-non-sync'),
      t('trex', 'Track defaults (trex)', withTrack((tr, f) => {
        if (!tr.trak || (!descend(f.moov, 'mvex') && !f.side.moofs.length)) return undefined;
        const trex = childrenOf(descend(f.moov, 'mvex'), 'trex').find((x) => num(x, 'track_id') === tr.id);
        return { text: trex ? 'present' : 'missing' };
      }), 'init-trex-missing'),
    );
  }
  topics.push(
    t('start', 'First decode time', withTrack((tr, f) => {
      const table = tableOf(f, tr);
      return table && table.count ? { text: seconds(table.dts[0]!, tr.timescale) } : undefined;
    })),
    t('duration', 'Media duration', withTrack((tr, f) => {
      const table = tableOf(f, tr);
      if (!table || !table.count) return undefined;
      const span = table.dts[table.count - 1]! + table.duration[table.count - 1]! - table.dts[0]!;
      // Equal within one sample duration: muxers round the last sample differently.
      let longest = 0;
      for (let i = 0; i < table.count; i++) longest = Math.max(longest, table.duration[i]!);
      return { text: seconds(span, tr.timescale), near: { value: tr.timescale ? span / tr.timescale : 0, tolerance: tr.timescale ? longest / tr.timescale : 0 } };
    })),
    t('encryption', 'Encryption scheme', withTrack((tr) => {
      const e = entry(tr);
      if (!e) return undefined;
      const schm = descend(e, 'sinf', 'schm');
      return { text: schm ? `${str(schm, 'scheme_type') ?? '?'}` : isEncryptedEntry(e.type) ? 'encrypted, no schm' : 'clear' };
    }), 'encryption-scheme-unsupported'),
    t('tenc', 'Default key (tenc)', withTrack((tr) => {
      const e = entry(tr);
      const tenc = descend(e, 'sinf', 'schi', 'tenc');
      if (!tenc) return e ? { text: 'none' } : undefined;
      const kid = tenc.fields.default_KID;
      const iv = num(tenc, 'default_Per_Sample_IV_Size');
      const crypt = num(tenc, 'default_crypt_byte_block');
      const skip = num(tenc, 'default_skip_byte_block');
      const parts = [`KID ${kid instanceof Uint8Array ? hex(kid) : typeof kid === 'string' ? kid : '?'}`, `IV size ${iv ?? '?'}`];
      if (tenc.version && crypt !== undefined && skip !== undefined) parts.push(`pattern ${crypt}:${skip}`);
      return { text: parts.join(', ') };
    })),
  );
  return topics;
}

function either(a: Value | undefined, b: Value | undefined, test: (text: string) => boolean): boolean {
  return (!!a && test(a.text)) || (!!b && test(b.text));
}

function fileTopics(fragmented: boolean): Topic[] {
  const topics: Topic[] = [
    {
      id: 'kind',
      topic: 'File kind',
      rule: (a, b) => (either(a, b, (t) => t.startsWith('moof boxes but no mvex')) ? 'init-missing-mvex' : either(a, b, (t) => t.startsWith('progressive')) ? 'not-fragmented' : undefined),
      of: (f) => ({ text: fileKind(f.side) }),
    },
    {
      id: 'ftyp',
      topic: 'Brands (ftyp)',
      // Browsers do not look at brands; a missing ftyp is what some refuse.
      rule: (a, b) => (either(a, b, (t) => t === 'no ftyp') ? 'init-missing-ftyp' : undefined),
      of: (f) => brands(f.side, 'ftyp') ?? (f.moov ? { text: 'no ftyp' } : undefined),
    },
    { id: 'movie-timescale', topic: 'Movie timescale (mvhd)', rule: 'timescale-zero', of: (f) => (f.moov ? { text: String(num(child(f.moov, 'mvhd'), 'timescale') ?? 'no mvhd') } : undefined) },
    {
      id: 'moov-position',
      topic: 'Movie box position',
      of: (f) => {
        // Progressive download starts playing early only when moov comes first ("fast start").
        const moov = f.side.main.findIndex((b) => b.type === 'moov');
        const mdat = f.side.main.findIndex((b) => b.type === 'mdat');
        if (moov < 0 || mdat < 0 || f.side.moofs.length) return undefined;
        return { text: moov < mdat ? 'moov before mdat (fast start)' : 'moov after mdat' };
      },
    },
    {
      id: 'sample-data',
      topic: 'Sample data inside mdat',
      rule: 'trun-data-out-of-bounds',
      of: (f) => {
        const { outside, samples } = f.layout;
        if (!samples) return undefined;
        return { text: outside ? `${outside} of ${samples} samples lie outside the mdat` : `all ${samples} samples` };
      },
    },
    {
      id: 'box-errors',
      topic: 'Box structure errors',
      rule: (a, b) => (either(a, b, (t) => t.includes('box-truncated')) ? 'box-truncated' : either(a, b, (t) => t.includes('box-size-invalid')) ? 'box-size-invalid' : undefined),
      of: (f) => boxErrors(f.side),
    },
  ];
  if (fragmented) {
    topics.push(
      { id: 'styp', topic: 'Segment type boxes (styp)', of: (f) => presence(countTop(f.side, 'styp'), 'styp') },
      { id: 'sidx', topic: 'Segment index (sidx)', rule: 'sidx-mismatch', of: (f) => presence(countTop(f.side, 'sidx'), 'sidx') },
      { id: 'emsg', topic: 'Event messages (emsg)', of: (f) => presence(countTop(f.side, 'emsg'), 'emsg') },
      { id: 'prft', topic: 'Producer reference times (prft)', of: (f) => presence(countTop(f.side, 'prft'), 'prft') },
      {
        id: 'tfhd-base',
        topic: 'Fragment data offsets (tfhd flags)',
        rule: (a, b) => (either(a, b, (t) => t.includes('base-data-offset')) ? 'tfhd-base-data-offset' : 'tfhd-no-default-base-is-moof'),
        of: (f) => tfhdModes(f.side),
      },
      {
        id: 'tfdt',
        topic: 'Fragment decode times (tfdt)',
        rule: 'traf-missing-tfdt',
        of: (f) => {
          const s = trafStats(f.side);
          if (!s.trafs) return undefined;
          return { text: s.withoutTfdt ? `${s.withoutTfdt} of ${s.trafs} trafs without tfdt` : 'in every traf' };
        },
      },
      {
        id: 'trun-version',
        topic: 'Track run version (trun)',
        rule: 'negative-cts-without-trun-v1',
        of: (f) => {
          const s = trafStats(f.side);
          if (!s.trunVersions.size) return undefined;
          return { text: `version ${[...s.trunVersions].sort().join(' and ')}` };
        },
      },
      { id: 'mfhd-sequence', topic: 'Fragment sequence numbers (mfhd)', rule: 'mfhd-sequence', of: (f) => sequencePattern(f.side) },
      {
        id: 'samples-in-moov',
        topic: 'Samples in the init segment (moov)',
        rule: 'init-has-samples',
        of: (f) => {
          if (!f.moov || !descend(f.moov, 'mvex')) return undefined;
          let n = 0;
          for (const trak of childrenOf(f.moov, 'trak')) n += numbers(descend(trak, 'mdia', 'minf', 'stbl', 'stsz'), 'sample_sizes').length || (num(descend(trak, 'mdia', 'minf', 'stbl', 'stsz'), 'sample_count') ?? 0);
          return { text: n ? plural(n, 'sample') : 'none' };
        },
      },
      {
        id: 'sample-encryption',
        topic: 'Sample encryption boxes (senc/saiz/saio)',
        of: (f) => {
          const s = trafStats(f.side);
          if (!s.trafs) return undefined;
          if (!s.senc && !s.saiz && !s.saio) return { text: 'none' };
          return { text: `senc in ${s.senc}, saiz in ${s.saiz}, saio in ${s.saio} of ${s.trafs} trafs` };
        },
      },
    );
  }
  topics.push({ id: 'pssh', topic: 'Content protection systems (pssh)', of: (f) => psshSystems(f.side) });
  return topics;
}

function facts(side: LoadedSide, layout: Layout): SideFacts {
  const f: SideFacts = { side, layout };
  const moov = side.boxes.find((b) => b.type === 'moov');
  if (moov) f.moov = moov;
  return f;
}

function firstDifference(a: Value, b: Value): [string, string] {
  const ia = a.items ?? [];
  const ib = b.items ?? [];
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    if (ia[i] !== ib[i]) return [`${a.text}; first difference: ${ia[i] ?? 'none'}`, `${b.text}; first difference: ${ib[i] ?? 'none'}`];
  }
  return [a.text, b.text];
}

/** Every topic for both sides (call while the sides' files are still open: in-band checks read one sample). */
export async function playbackSummary(A: LoadedSide, layoutA: Layout, B: LoadedSide, layoutB: Layout): Promise<SummaryEntry[]> {
  const fa = facts(A, layoutA);
  const fb = facts(B, layoutB);
  const fragmented = A.moofs.length > 0 || B.moofs.length > 0 || !!descend(fa.moov, 'mvex') || !!descend(fb.moov, 'mvex');
  const keys: { key: string; label: string }[] = [];
  for (const t of [...A.tracks, ...B.tracks]) if (!keys.some((k) => k.key === t.key)) keys.push({ key: t.key, label: t.label });
  const topics = [...fileTopics(fragmented), ...keys.flatMap((k) => trackTopics(k.key, k.label, fragmented))];
  const out: SummaryEntry[] = [];
  const hasTrack = (f: SideFacts, key: string) => f.side.tracks.some((t) => t.key === key);
  for (const topic of topics) {
    // A track only one file has is one topic ("Track"), not one per property.
    if (topic.trackKey && topic.id !== 'track' && (!hasTrack(fa, topic.trackKey) || !hasTrack(fb, topic.trackKey))) continue;
    const va = await topic.of(fa);
    const vb = await topic.of(fb);
    // A topic that does not apply to one file (fragment topics for a progressive file, samples of
    // an init segment) is left out: the topic that says why ("File kind", "Track") is there.
    if (!va || !vb) continue;
    const ka = va ? (va.key ?? va.text) : undefined;
    const kb = vb ? (vb.key ?? vb.text) : undefined;
    const same =
      va?.near && vb?.near ? Math.abs(va.near.value - vb.near.value) <= Math.max(va.near.tolerance, vb.near.tolerance) : ka === kb;
    let ta = va?.text ?? '—';
    let tb = vb?.text ?? '—';
    if (!same && va && vb && ta === tb) [ta, tb] = firstDifference(va, vb);
    const entry: SummaryEntry = { id: topic.id, topic: topic.topic, a: ta, b: tb, same };
    if (topic.track) entry.track = topic.track;
    if (va.series && vb.series) entry.series = { a: va.series, b: vb.series };
    const rule = typeof topic.rule === 'function' ? topic.rule(va, vb) : topic.rule;
    if (rule) entry.rule = rule;
    out.push(entry);
  }
  return out;
}
