/**
 * The manifest and ladder rules of MSE_RULES.md "Streams": what a manifest declares (CODECS,
 * BANDWIDTH, EXT-X-TARGETDURATION, EXTINF / SegmentTimeline durations, EXT-X-MAP) against what its
 * media hold, and the renditions of one ladder against each other (segment starts, keyframes,
 * timescales). Every finding names its `stream`, `segment` and `url`.
 *
 * No Node imports: it reads the stream models and the declared facts only.
 */
import { RULES } from './catalogue';
import type { StreamSpec } from './manifest';
import type { DeclaredStream } from './types';
import type { StreamModel } from './model';
import type { Finding, RuleId, SegmentTrack } from './types';

/** Per stream: the model, what its manifest declares, and the timing of its segments (from `segmentTiming`). */
export interface LadderStream {
  model: StreamModel;
  spec: StreamSpec;
  timing: Map<number, SegmentTrack[]>;
}

function finding(rule: RuleId, message: string, stream: number, where: { segment?: number; url?: string; track?: number }): Finding {
  const f: Finding = { rule, severity: RULES[rule].severity, message, path: '', offset: 0, stream };
  if (where.segment !== undefined) f.segment = where.segment;
  if (where.track !== undefined) f.track = where.track;
  if (where.url !== undefined) f.url = where.url;
  const fix = RULES[rule].fix;
  if (fix) f.fix = fix;
  return f;
}

/** MPEG-TS: the sync byte 0x47 at 0, 188 and 376 (what `hls-ts-needs-transmux` looks for). */
export function looksLikeTransportStream(head: Uint8Array): boolean {
  return head.length >= 188 * 2 + 1 && head[0] === 0x47 && head[188] === 0x47 && head[376] === 0x47;
}

/** `hls-ts-needs-transmux` for a stream whose segments are MPEG-TS (its media are not linted as MP4). */
export function transportStreamFinding(index: number, spec: StreamSpec): Finding {
  const part = spec.parts.find((p) => p.role !== 'init');
  return finding('hls-ts-needs-transmux', `${spec.label} uses MPEG-TS segments: MSE takes fMP4 only, so a web player must transmux them to fMP4 in JavaScript (hls.js does), and Safari plays them natively. The workbench's Player remuxes each segment to fMP4 with ffmpeg on the fly (-c copy, timestamps kept) to play it.`, index, {
    segment: 0,
    url: part?.path ?? spec.declared?.playlist ?? '',
  });
}

/** The track whose timing stands for a segment: video first, then audio, then any. */
function mainTrack(stream: StreamModel): { id: number; kind: string; timescale: number } | undefined {
  const t = stream.tracks.find((x) => x.kind === 'video') ?? stream.tracks.find((x) => x.kind === 'audio') ?? stream.tracks[0];
  return t ? { id: t.id, kind: t.kind, timescale: t.timescale } : undefined;
}

interface SegmentFacts {
  start?: number;
  duration?: number;
  /** One sample's duration in seconds (the tolerance of "one frame"). */
  frame?: number;
  sync?: boolean;
  bytes: number;
  url: string;
}

function segmentFacts(s: LadderStream): SegmentFacts[] {
  const main = mainTrack(s.model);
  return s.model.segments.map((seg) => {
    const row = main ? s.timing.get(seg.index)?.find((t) => t.id === main.id) : undefined;
    const facts: SegmentFacts = { bytes: seg.group.end - seg.group.start, url: seg.doc.path };
    if (row?.start !== undefined && row.end !== undefined) {
      facts.start = row.start;
      facts.duration = row.end - row.start;
      if (row.sampleCount) facts.frame = facts.duration / row.sampleCount;
    }
    if (row?.firstSampleSync !== undefined) facts.sync = row.firstSampleSync;
    return facts;
  });
}

/** The manifest's own codec list, split and trimmed. */
function codecList(codecs: string): string[] {
  return codecs
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
}

/** Per stream: the rules that compare a manifest's declarations with the stream's media. */
export function checkManifestStream(index: number, s: LadderStream): Finding[] {
  const out: Finding[] = [];
  const d: DeclaredStream | undefined = s.spec.declared;
  if (!d) return out;
  const label = s.spec.label;
  const playlist = d.playlist ?? s.spec.parts[0]?.path ?? '';
  const initUrl = s.model.init?.doc.path ?? playlist;
  const media = s.model.tracks.filter((t) => (t.kind === 'video' || t.kind === 'audio') && t.codec.codec);

  // Codecs: HLS variants and DASH representations carry them (an alternate rendition or a lone media playlist does not).
  if (d.kind === 'variant' || d.kind === 'representation') {
    if (!d.codecs) {
      out.push(finding('manifest-codecs-missing', `${label} declares no ${d.kind === 'variant' ? 'CODECS' : '@codecs'}: a player must guess ${media.map((t) => t.codec.codec).join(', ') || 'the codecs'} or download the init segment first.`, index, { url: playlist }));
    } else if (media.length) {
      const declared = codecList(d.codecs);
      const lower = declared.map((c) => c.toLowerCase());
      for (const t of media) {
        if (lower.includes(t.codec.codec.toLowerCase())) continue;
        out.push(
          finding('manifest-codecs-mismatch', `${label} declares CODECS "${d.codecs}" but its init segment's ${t.kind} track ${t.id} is ${t.codec.codec}: addSourceBuffer() built from the manifest asks for the wrong decoder.`, index, {
            url: initUrl,
            track: t.id,
          }),
        );
      }
    }
  }

  const facts = segmentFacts(s);

  // The media playlist's segments against its target duration and EXTINF values; DASH durations likewise.
  if (d.targetDuration !== undefined && d.kind !== 'iframe') {
    for (const [i, f] of facts.entries()) {
      const actual = f.duration ?? d.durations?.[i];
      if (actual === undefined || Math.round(actual) <= d.targetDuration) continue;
      out.push(
        finding('hls-target-duration-exceeded', `${label}: segment ${i} lasts ${actual.toFixed(3)} s, more than EXT-X-TARGETDURATION ${d.targetDuration} s (rounded ${Math.round(actual)} s).`, index, { segment: i, url: f.url }),
      );
    }
  }
  // An I-frame playlist's EXTINF is the time to the next I-frame, not the length of its one-frame byte range.
  if (d.durations && d.kind !== 'iframe') {
    for (const [i, f] of facts.entries()) {
      const declared = d.durations[i];
      if (declared === undefined || f.duration === undefined) continue;
      const tolerance = Math.max(f.frame ?? 0, 0.001);
      if (Math.abs(declared - f.duration) <= tolerance + 1e-6) continue;
      const what = d.kind === 'representation' ? 'the MPD declares' : 'EXTINF declares';
      out.push(
        finding('manifest-duration-mismatch', `${label}: segment ${i} lasts ${f.duration.toFixed(3)} s in its media but ${what} ${declared.toFixed(3)} s (more than one frame apart).`, index, { segment: i, url: f.url }),
      );
    }
  }

  if (d.mapMissing && !s.model.init) {
    const url = facts[0]?.url ?? playlist;
    out.push(finding('hls-map-missing', `${label} lists fMP4 segments without #EXT-X-MAP: a player has no init segment to append first.`, index, { segment: 0, url }));
  }

  // The measured peak against the declared BANDWIDTH / @bandwidth.
  if (d.bandwidth && d.kind !== 'iframe') {
    let peak = 0;
    let at = -1;
    const lengths = facts.map((f, i) => d.durations?.[i] || f.duration || 0);
    const typical = [...lengths].sort((a, b) => a - b)[Math.floor(lengths.length / 2)] ?? 0;
    for (const [i, f] of facts.entries()) {
      const seconds = lengths[i]!;
      if (!seconds || seconds <= 0) continue;
      // A short last segment (the remainder of the media) says little about the rate: its container overhead dominates.
      if (i === facts.length - 1 && facts.length > 1 && seconds < typical / 2) continue;
      const rate = (f.bytes * 8) / seconds;
      if (rate > peak) {
        peak = rate;
        at = i;
      }
    }
    if (at >= 0 && peak > d.bandwidth * 1.1) {
      out.push(
        finding('bandwidth-exceeded', `${label} peaks at ${Math.round(peak / 1000)} kb/s in segment ${at}, above its declared ${d.kind === 'representation' ? '@bandwidth' : 'BANDWIDTH'} of ${Math.round(d.bandwidth / 1000)} kb/s (+10%).`, index, {
          segment: at,
          url: facts[at]!.url,
        }),
      );
    }
  }
  return out;
}

/**
 * Across the renditions of each ladder (HLS variants, an EXT-X-MEDIA group, a DASH AdaptationSet):
 * `ladder-not-aligned` (segment starts more than one frame apart, or a segment that does not start
 * on a keyframe) and `ladder-timescale-mismatch`. The first rendition of a ladder is the reference.
 */
export function checkLadders(streams: LadderStream[]): Finding[] {
  const out: Finding[] = [];
  const ladders = new Map<string, number[]>();
  streams.forEach((s, i) => {
    const d = s.spec.declared;
    const main = mainTrack(s.model);
    if (!d?.ladder || !main || !s.model.segments.length) return;
    const key = `${d.ladder}|${main.kind}`;
    ladders.set(key, [...(ladders.get(key) ?? []), i]);
  });
  for (const members of ladders.values()) {
    if (members.length < 2) continue;
    const facts = members.map((i) => segmentFacts(streams[i]!));
    const ref = members[0]!;
    const refLabel = streams[ref]!.spec.label;
    const refMain = mainTrack(streams[ref]!.model)!;
    const refTrack = streams[ref]!.model.tracks.find((t) => t.id === refMain.id)!;
    for (const [k, i] of members.entries()) {
      const s = streams[i]!;
      const main = mainTrack(s.model)!;
      if (k > 0 && (main.timescale !== refMain.timescale || main.id !== refMain.id)) {
        out.push(
          finding(
            'ladder-timescale-mismatch',
            `${s.spec.label}: its ${main.kind} track ${main.id} has timescale ${main.timescale}, but ${refLabel}'s track ${refTrack.id} has ${refMain.timescale}${main.id !== refMain.id ? ' (and another track id)' : ''}; several players stumble when switching between them.`,
            i,
            { url: s.model.init?.doc.path ?? s.spec.declared?.playlist ?? '', track: main.id },
          ),
        );
      }
      // Keyframes: every segment of every rendition must start on one for a switch to land cleanly.
      const firstNonSync = facts[k]!.findIndex((f) => f.sync === false);
      if (firstNonSync >= 0) {
        out.push(
          finding('ladder-not-aligned', `${s.spec.label}: segment ${firstNonSync} does not start with a keyframe, so switching to this rendition there cannot decode.`, i, {
            segment: firstNonSync,
            url: facts[k]![firstNonSync]!.url,
          }),
        );
        continue;
      }
      if (k === 0) continue;
      const mine = facts[k]!;
      const theirs = facts[0]!;
      const n = Math.min(mine.length, theirs.length);
      for (let j = 0; j < n; j++) {
        const a = mine[j]!;
        const b = theirs[j]!;
        if (a.start === undefined || b.start === undefined) continue;
        const frame = Math.max(a.frame ?? 0, b.frame ?? 0, 0.001);
        if (Math.abs(a.start - b.start) <= frame + 1e-6) continue;
        out.push(
          finding('ladder-not-aligned', `${s.spec.label}: segment ${j} starts at ${a.start.toFixed(3)} s but at ${b.start.toFixed(3)} s in ${refLabel}: a quality switch there lands mid-GOP or jumps.`, i, { segment: j, url: a.url }),
        );
        break;
      }
      if (mine.length !== theirs.length && n > 0 && !out.some((f) => f.rule === 'ladder-not-aligned' && f.stream === i)) {
        out.push(
          finding('ladder-not-aligned', `${s.spec.label} has ${mine.length} segments but ${refLabel} has ${theirs.length}: the renditions are not cut at the same places.`, i, { segment: n, url: (mine[n] ?? mine[n - 1])!.url }),
        );
      }
    }
  }
  return out;
}
