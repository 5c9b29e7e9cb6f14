/**
 * The Player's diagnosis: what went wrong while the browser played, tied to the lint finding that
 * explains it, in one sentence with the fix.
 *
 * Two sources of evidence: the browser's own messages (Chromium's MediaError text, mapped to rule
 * ids by the rule catalogue, measured on the broken fixtures), and the silent cases (the rules the
 * catalogue marks silent), found by comparing where the segments should have landed (tfdt and
 * durations) with what `buffered` actually holds.
 */
import { plural } from '../../../electron/core/format';
import { RULES, rulesForBrowserMessage, silentRules } from '../../../electron/core/mse/catalogue';
import type { Finding, MseAnalysis, RuleId } from '../../../electron/core/mse/types';
import type { AppendFailure, Placed } from './player';
import { formatSpans, gapsBetween, holes, intersects, type Span } from './ranges';

export interface DiagnosisLine {
  severity: 'error' | 'warning' | 'ok' | 'info';
  rule?: RuleId;
  segment?: number;
  stream?: number;
  text: string;
}

export interface DiagnoseInput {
  analysis: MseAnalysis | null;
  /** Played through on-the-fly fragmentation (the lint's not-fragmented finding is then answered). */
  fragmentedOnTheFly: boolean;
  failures: AppendFailure[];
  mediaError: { code: number; message: string } | null;
  /** Per stream: what was appended and where it landed. */
  placed: Placed[][];
  /** Per stream: `isTypeSupported` of its MIME type. */
  supported: boolean[];
  /** The element's buffered ranges. */
  buffered: Span[];
  /** Every segment of every stream was appended (so a hole cannot be "not appended yet"). */
  complete: boolean;
  /** The playhead is stuck waiting for data at this time (or null). */
  stalledAt: number | null;
}

const SILENT = silentRules();


function segmentsText(list: number[]): string {
  const uniq = [...new Set(list)].sort((a, b) => a - b);
  if (uniq.length === 1) return `segment ${uniq[0]}`;
  if (uniq.length <= 4) return `segments ${uniq.join(', ')}`;
  return `segments ${uniq.slice(0, 3).join(', ')} and ${uniq.length - 3} more`;
}

function withFix(f: Finding): string {
  return f.fix ? ` Fix: ${f.fix}.` : '';
}

/** Chromium's message without the pipeline status prefix and the spec link. */
export function browserText(message: string): string {
  return message.replace(/^PipelineStatus::\w+:\s*/, '').replace(/\s*See https?:\/\/\S+/g, '').trim();
}

/** Decode errors carry the frame's timestamp in microseconds: find the segment that holds it. */
function segmentAt(analysis: MseAnalysis, stream: number, seconds: number): number | undefined {
  const s = analysis.streams[stream];
  const seg = s?.segments.find((g) => g.tracks.some((t) => (t.presentationStart ?? t.start ?? Infinity) <= seconds + 1e-6 && seconds < (t.presentationEnd ?? t.end ?? -Infinity)));
  return seg?.index;
}

export function diagnose(input: DiagnoseInput): DiagnosisLine[] {
  const { analysis } = input;
  const lines: DiagnosisLine[] = [];
  // Fragmenting on the fly answers not-fragmented: what is left is about the browser and the media.
  const findings = (analysis?.findings ?? []).filter((f) => !(input.fragmentedOnTheFly && f.rule === 'not-fragmented'));
  const explained = new Set<Finding>();
  const errorsOf = (stream: number, segment: number | undefined, rules?: RuleId[]) =>
    findings.filter(
      (f) =>
        f.severity !== 'info' &&
        (f.stream ?? 0) === stream &&
        (rules ? rules.includes(f.rule) : f.severity === 'error') &&
        // Init-level findings (no segment) explain failures of any segment.
        (segment === undefined || f.segment === undefined || f.segment === segment),
    );

  if (analysis && !analysis.fragmented && !input.fragmentedOnTheFly) {
    const f = findings.find((x) => x.rule === 'not-fragmented');
    if (f) explained.add(f);
    lines.push({ severity: 'error', rule: 'not-fragmented', text: `${analysis.input.name} is a progressive MP4: MSE only takes fragmented MP4 [not-fragmented]. Fix: ${f?.fix ?? RULES['not-fragmented'].fix}.` });
  }

  input.supported.forEach((ok, i) => {
    if (ok || !analysis) return;
    const s = analysis.streams[i];
    lines.push({ severity: 'error', stream: i, rule: 'codec-string', text: `This browser does not support ${s?.mime ?? 'the stream type'} (MediaSource.isTypeSupported is false), so ${s?.label ?? `stream ${i}`} cannot play here whatever the boxes say; transcode to a codec it supports (H.264/AAC plays everywhere).` });
  });

  // Failures the browser reported, one sentence each.
  for (const failure of input.failures) {
    const message = browserText(failure.kind === 'error' ? failure.message : `${failure.kind}: ${failure.message}`);
    const where = failure.segment < 0 ? 'the init segment' : `segment ${failure.segment}`;
    const mapped = rulesForBrowserMessage(message);
    const candidates = analysis ? errorsOf(failure.stream, failure.segment < 0 ? undefined : failure.segment, mapped?.rules) : [];
    const fallback = analysis && !candidates.length ? errorsOf(failure.stream, failure.segment < 0 ? undefined : failure.segment) : [];
    const f = candidates[0] ?? fallback[0];
    if (f) {
      explained.add(f);
      lines.push({ severity: 'error', rule: f.rule, segment: failure.segment, stream: failure.stream, text: `The browser refused ${where} (“${message}”) because ${lowerFirst(f.message)} [${f.rule}].${withFix(f)}` });
    } else if (mapped) {
      lines.push({ severity: 'error', segment: failure.segment, stream: failure.stream, rule: mapped.rules[0], text: `The browser refused ${where} (“${message}”), which in Chromium means ${mapped.what} (${mapped.rules.join(' or ')}); the lint found none of these in it, so look at the box tree of ${where} in the Inspector.` });
    } else {
      lines.push({ severity: 'error', segment: failure.segment, stream: failure.stream, text: `The browser refused ${where} (“${message}”), and the lint found no error in it: open ${where} in the Inspector and compare it with a segment that plays.` });
    }
  }

  // A decode error after appends succeeded (the element's error, no append failure).
  if (input.mediaError && !input.failures.length) {
    const msg = browserText(input.mediaError.message) || `MediaError ${input.mediaError.code}`;
    const mapped = rulesForBrowserMessage(msg);
    const us = /timestamp=(-?\d+)/.exec(msg);
    const at = us ? Number(us[1]) / 1e6 : undefined;
    const stream = /audio/i.test(msg) && analysis ? Math.max(0, analysis.streams.findIndex((s) => s.tracks.some((t) => t.kind === 'audio'))) : 0;
    const seg = analysis && at !== undefined ? segmentAt(analysis, stream, at) : undefined;
    const f = analysis ? (errorsOf(stream, seg, mapped?.rules)[0] ?? errorsOf(stream, seg)[0]) : undefined;
    const when = at !== undefined ? ` at ${at.toFixed(3)} s${seg !== undefined ? ` (segment ${seg})` : ''}` : '';
    if (f) {
      explained.add(f);
      lines.push({ severity: 'error', rule: f.rule, segment: f.segment, text: `Playback failed${when} (“${msg}”) because ${lowerFirst(f.message)} [${f.rule}].${withFix(f)}` });
    } else {
      lines.push({ severity: 'error', text: `Playback failed${when} (“${msg}”)${mapped ? `, which in Chromium means ${mapped.what}` : ''}; the lint found nothing that explains it.` });
    }
  }

  // Silent cases: holes in buffered where segments should be, and gaps between segments.
  if (analysis && input.complete && !input.failures.length) {
    const expected = input.placed.flat().map((p) => p.span);
    const gaps: Span[] = [];
    for (const placed of input.placed) gaps.push(...gapsBetween(placed.map((p) => p.span), 0.1));
    const missing = holes(expected, input.buffered, 0.1);
    const reported: Span[] = [];
    for (const hole of [...missing, ...gaps.filter((g) => !missing.some((m) => intersects(m, g)))]) {
      if (reported.some((r) => intersects(r, hole))) continue;
      reported.push(hole);
      const segs: { stream: number; segment: number }[] = [];
      input.placed.forEach((list, stream) => {
        list.forEach((p, i) => {
          const next = list[i + 1];
          // The segment covering the hole, or the one right after a gap.
          if (intersects(p.span, hole) || (next && p.span[1] <= hole[0] + 0.05 && next.span[0] >= hole[1] - 0.05)) segs.push({ stream, segment: next && !intersects(p.span, hole) ? next.segment : p.segment });
        });
      });
      // A silent rule's finding on the segment at the hole explains it; a stream-wide one (the init
      // segment's samples, a cut file) explains a hole anywhere.
      const f = segs.map((s) => errorsOf(s.stream, s.segment, SILENT).find((x) => x.segment !== undefined || RULES[x.rule].silent === 'stream')).find(Boolean)
        ?? findings.find((x) => RULES[x.rule].silent === 'stream');
      const stuck = input.stalledAt !== null && input.stalledAt >= hole[0] - 0.25 && input.stalledAt <= hole[1] ? ` (playback is stuck at ${input.stalledAt.toFixed(3)} s)` : '';
      const span = `${hole[0].toFixed(3)}–${hole[1].toFixed(3)} s${stuck}`;
      const segText = segs.length ? ` (${segmentsText(segs.map((s) => s.segment))})` : '';
      if (f) {
        explained.add(f);
        lines.push({ severity: 'error', rule: f.rule, segment: f.segment, text: `The browser reported nothing, but ${span} is missing from buffered${segText}: ${lowerFirst(f.message)} [${f.rule}].${withFix(f)}` });
      } else {
        lines.push({ severity: 'warning', text: `The browser reported nothing, but ${span} is missing from buffered${segText} and the lint has no finding there; playback will stall at ${hole[0].toFixed(3)} s.` });
      }
    }
  }

  // Lint errors the browser did not (yet) trip over: still worth one sentence per rule.
  const rest = findings.filter((f) => !explained.has(f) && f.severity !== 'info' && !lines.some((l) => l.rule === f.rule && l.rule !== undefined));
  const byRule = new Map<RuleId, Finding[]>();
  for (const f of rest) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  for (const [rule, list] of byRule) {
    const f = list[0]!;
    const segs = list.filter((x) => x.segment !== undefined).map((x) => x.segment!);
    const scope = segs.length ? ` (${segmentsText(segs)})` : '';
    const played = input.complete && !input.failures.length && !input.mediaError ? 'The browser took every segment, but ' : '';
    const text = list.length > 1 ? `${played}${plural(list.length, 'finding')} of ${rule}${scope}: ${lowerFirst(f.message)}` : `${played}${lowerFirst(f.message)}`;
    lines.push({ severity: f.severity === 'error' ? 'error' : 'warning', rule, segment: f.segment, text: `${capitalize(text)} [${rule}]${consequence(rule)}.${withFix(f)}` });
  }

  if (!lines.length) {
    const total = input.placed.reduce((n, p) => n + p.length, 0);
    // A plan (appends start before the lint ends) has no findings yet: do not call it clean.
    const lint = analysis?.linted === false ? 'the lint is still running' : 'the lint found no problem';
    lines.push({
      severity: 'ok',
      text: input.complete
        ? `All ${plural(total, 'segment')} appended and buffered where expected (${formatSpans(input.buffered)}); ${lint}.`
        : `${plural(total, 'segment')} appended so far, all buffered where expected; ${lint}.`,
    });
  }
  if (input.stalledAt !== null && lines.every((l) => l.severity === 'ok')) {
    lines.push({ severity: 'warning', text: `Playback is waiting at ${input.stalledAt.toFixed(3)} s although nothing is missing from buffered yet: append more segments, or check the decoder (dropped frames).` });
  }
  return lines;
}

function consequence(rule: RuleId): string {
  const browsers = RULES[rule].browsers;
  return browsers ? `: ${browsers}` : '';
}

function lowerFirst(s: string): string {
  // Keep box paths, track names and codes as written; only soften a leading capitalised word.
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
