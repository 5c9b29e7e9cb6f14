import { analyzeMse, lintReport } from '../core/mse/analyze';
import type { Finding, MseAnalysis } from '../core/mse/types';
import { EXIT, parseVerbArgs, printJson, UsageError, type Verb } from './common';
import { OPTIONS, lintHelp } from './help/lint';

const LABEL = { error: 'ERROR', warning: 'WARN', info: 'info' } as const;

function where(f: Finding, a: MseAnalysis): string {
  const parts: string[] = [];
  if (f.stream !== undefined && a.streams.length > 1) parts.push(a.streams[f.stream]?.label ?? `stream ${f.stream}`);
  if (f.segment !== undefined) parts.push(`segment ${f.segment}`);
  if (f.track !== undefined) parts.push(`track ${f.track}`);
  if (f.url && !f.path) parts.push(f.url);
  else parts.push(`${f.file ? `${f.file}:` : ''}${f.path || '(file)'} @${f.offset}`);
  return parts.join(' · ');
}


export const lintVerb: Verb = {
  ...lintHelp,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('lint', argv, OPTIONS);
    if (!positionals.length) throw new UsageError('mwb lint: give a file, an init segment followed by media segments, or a .m3u8/.mpd manifest');
    const wait = values['live-wait'];
    const liveWait = wait === undefined ? undefined : Number(wait);
    if (liveWait !== undefined && !(wait!.trim() !== '' && Number.isFinite(liveWait) && liveWait >= 0)) throw new UsageError(`mwb lint: --live-wait takes a number of seconds ≥ 0, not "${wait}"`);
    const analysis = await analyzeMse(positionals, liveWait === undefined ? {} : { liveWait });
    const failed = analysis.counts.error > 0;
    if (values.json) {
      printJson(lintReport(analysis));
      return failed ? EXIT.failure : EXIT.ok;
    }
    const out = (s = '') => process.stdout.write(s + '\n');
    const segs = analysis.streams.reduce((n, s) => n + s.segments.length, 0);
    const kind = analysis.streams.length && analysis.streams.every((s) => s.transmux) ? 'MPEG-TS' : analysis.fragmented ? 'fragmented' : 'progressive';
    out(`${analysis.input.name}: ${kind} · ${analysis.streams.length} stream${analysis.streams.length === 1 ? '' : 's'} · ${segs} media segment${segs === 1 ? '' : 's'} · ${analysis.input.files} file${analysis.input.files === 1 ? '' : 's'}`);
    for (const s of analysis.streams) {
      if (analysis.streams.length > 1) out(`  ${s.label}`);
      for (const t of s.tracks) out(`  track ${String(t.id).padEnd(3)} ${t.kind.padEnd(6)} ${t.codec.padEnd(22)} ${t.mime}`);
      if (!s.tracks.length) out('  (no init segment in the input: track codecs and trex defaults are unknown)');
    }
    if (analysis.tracks.length > 1) out(`  combined  ${analysis.mime}`);
    out();
    for (const f of analysis.findings) {
      // codec-string is the track list above; other notes (hls-ts-needs-transmux) are shown.
      if (f.rule === 'codec-string') continue;
      out(`${LABEL[f.severity].padEnd(6)} ${f.rule}  ${where(f, analysis)}`);
      out(`       ${f.message}`);
      if (f.fix) out(`       fix: ${f.fix}`);
    }
    for (const c of analysis.liveChecks ?? []) {
      const what = c.waited === null ? c.note : `reloaded ${c.waited.toFixed(1)} s later: ${c.advanced ? `advancing (media sequence ${c.mediaSequence} → ${c.reloadedSequence ?? 'ended'})` : `stalled at media sequence ${c.mediaSequence}`}`;
      out(`live   ${c.url} · target duration ${c.targetDuration} s · ${what}`);
    }
    if (analysis.http) out(`fetched ${analysis.http.bytesFetched.toLocaleString('en-US')} bytes in ${analysis.http.requests} requests`);
    if (analysis.omitted) out(`(${analysis.omitted} more findings of rules that fired too often are not listed)`);
    const { error, warning } = analysis.counts;
    const ts = analysis.findings.some((f) => f.rule === 'hls-ts-needs-transmux');
    out(`${error} error${error === 1 ? '' : 's'}, ${warning} warning${warning === 1 ? '' : 's'}${!error && !warning ? (ts ? ': MPEG-TS plays only through a transmuxing player' : ': nothing stops MSE playback') : ''}`);
    return failed ? EXIT.failure : EXIT.ok;
  },
};
