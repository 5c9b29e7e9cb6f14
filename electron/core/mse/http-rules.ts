/**
 * The "Streams" rules about servers (MSE_RULES.md): what a browser would meet fetching a URL
 * input and every URL a manifest leads to. The Node side fetches without CORS limits, so it reads
 * each answer as a page on another origin would: the `Origin` it sent (net/http.ts) and the
 * headers that came back. `segment-unavailable` comes from the stream model (parts that could not
 * be read, local or remote).
 *
 * One finding per rule and stream (with the first URL and how many requests had the problem), so a
 * CDN without CORS gives one line, not one per segment.
 */
import { PROBE_ORIGIN, preflightRange, type HttpExchange, type HttpLog, type PreflightResult } from '../net/http';
import { extOf, nameOf } from './manifest';
import type { StreamModel } from './model';
import { RULES } from './catalogue';
import type { FindingSink } from './rules';
import type { Finding, RuleId } from './types';

const PLAYLIST_TYPES = ['application/vnd.apple.mpegurl', 'application/x-mpegurl'];
const MPD_TYPES = ['application/dash+xml'];
const SEGMENT_TYPES = ['video/mp4', 'audio/mp4', 'video/iso.segment', 'audio/iso.segment', 'video/mp2t'];

/** The `Content-Type`s a browser player accepts for a URL, by extension (and role). */
export function expectedTypes(url: string, role: 'media' | 'manifest'): string[] {
  const ext = extOf(url);
  if (ext === '.m3u8' || ext === '.m3u') return PLAYLIST_TYPES;
  if (ext === '.mpd') return MPD_TYPES;
  if (role === 'manifest') return [...PLAYLIST_TYPES, ...MPD_TYPES];
  if (ext === '.mov' || ext === '.qt') return [...SEGMENT_TYPES, 'video/quicktime'];
  return SEGMENT_TYPES;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function listHas(header: string | undefined, name: string): boolean {
  return (header ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .some((h) => h === '*' || h === name);
}

/** What is wrong with one answer, per rule (a sentence each). */
export function exchangeProblems(ex: HttpExchange, role: 'media' | 'manifest'): { rule: RuleId; message: string }[] {
  if (ex.status === 0 || ex.status >= 300) return [];
  const out: { rule: RuleId; message: string }[] = [];
  const name = nameOf(ex.url);
  if (ex.range && ex.status === 200) {
    out.push({ rule: 'http-no-range', message: `${name}: the server ignored "Range: ${ex.range.slice(6)}" and answered 200 with the whole body: seeking and byte-range segments download everything.` });
  } else if (ex.range && ex.status === 206 && !listHas(ex.acceptRanges, 'bytes')) {
    out.push({ rule: 'http-no-range', message: `${name}: the server answers ranges but does not send "Accept-Ranges: bytes"; players that check it fall back to whole downloads.` });
  }
  const allow = ex.allowOrigin?.trim();
  if (allow !== '*' && allow !== PROBE_ORIGIN) {
    out.push({
      rule: 'http-cors-missing',
      message: allow
        ? `${name}: Access-Control-Allow-Origin is "${allow}", so a page on another origin (a web player) cannot read the answer.`
        : `${name}: no Access-Control-Allow-Origin header, so a page on another origin (a web player) cannot read the answer; it works in curl, not in a browser.`,
    });
  } else if (ex.status === 206 && !listHas(ex.exposeHeaders, 'content-range')) {
    out.push({ rule: 'http-cors-missing', message: `${name}: the range answer does not expose Content-Range (Access-Control-Expose-Headers), so a web player cannot tell which bytes it got.` });
  }
  const type = mediaType(ex.contentType);
  const expected = expectedTypes(ex.url, role);
  if (!expected.includes(type)) {
    out.push({ rule: 'http-content-type', message: `${name} is served as "${ex.contentType ?? '(no Content-Type)'}", expected ${expected.join(' or ')}.` });
  }
  return out;
}

/**
 * One CORS preflight per origin that answered ranges (206) and the CORS headers: whether a page may
 * send `Range` at all (browsers that do not treat a simple range as safe ask first).
 */
export async function rangePreflights(log: HttpLog): Promise<Map<string, PreflightResult>> {
  const byOrigin = new Map<string, string>();
  for (const ex of log.exchanges) {
    if (ex.status !== 206) continue;
    const origin = new URL(ex.finalUrl).origin;
    if (!byOrigin.has(origin)) byOrigin.set(origin, ex.finalUrl);
  }
  const out = new Map<string, PreflightResult>();
  for (const [origin, url] of [...byOrigin].slice(0, 8)) out.set(origin, await preflightRange(url, { log }));
  return out;
}

/** The preflight's problem, if any: `Range` not allowed for another origin. */
function preflightProblem(p: PreflightResult | undefined, name: string): string | null {
  if (!p) return null;
  const origin = p.allowOrigin?.trim();
  const headers = (p.allowHeaders ?? '').split(',').map((h) => h.trim().toLowerCase());
  if (p.status >= 200 && p.status < 300 && (origin === '*' || origin === PROBE_ORIGIN) && (headers.includes('range') || headers.includes('*'))) return null;
  return `${name}: the CORS preflight (OPTIONS with Access-Control-Request-Headers: range) ${p.status ? `answered ${p.status}` : 'failed'}${p.allowHeaders !== undefined ? ` allowing "${p.allowHeaders}"` : ' without Access-Control-Allow-Headers'}, so browsers that ask first (Safari, XHR players) cannot send Range.`;
}

/**
 * Findings for every answer in `log`. `streamOf` maps a part's URL to its stream; URLs in no
 * stream are manifests (or the input itself).
 */
export function httpFindings(
  log: HttpLog,
  streamOf: Map<string, number>,
  options: { multiStream: boolean; input: string; preflights?: Map<string, PreflightResult> },
): Finding[] {
  const groups = new Map<string, { rule: RuleId; message: string; url: string; stream?: number; count: number }>();
  for (const ex of log.exchanges) {
    const stream = streamOf.get(ex.url);
    const role = stream === undefined && ex.url === options.input ? (/\.(m3u8?|mpd)$/.test(extOf(ex.url)) ? 'manifest' : 'media') : stream === undefined ? 'manifest' : 'media';
    const problems = exchangeProblems(ex, role);
    if (ex.status === 206 && !problems.some((p) => p.rule === 'http-cors-missing')) {
      const pre = preflightProblem(options.preflights?.get(new URL(ex.finalUrl).origin), nameOf(ex.url));
      if (pre) problems.push({ rule: 'http-cors-missing', message: pre });
    }
    for (const p of problems) {
      const key = `${p.rule}\0${stream ?? -1}\0${p.rule === 'http-content-type' ? mediaType(ex.contentType) + extOf(ex.url) : ''}`;
      const g = groups.get(key);
      if (g) g.count++;
      else groups.set(key, { ...p, url: ex.url, ...(stream !== undefined ? { stream } : {}), count: 1 });
    }
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const f: Finding = {
      rule: g.rule,
      severity: RULES[g.rule].severity,
      message: g.count > 1 ? `${g.message} (${g.count} URLs answer like this.)` : g.message,
      path: '',
      offset: 0,
      url: g.url,
    };
    if (options.multiStream && g.stream !== undefined) f.stream = g.stream;
    const fix = RULES[g.rule].fix;
    if (fix) f.fix = fix;
    out.push(f);
  }
  return out;
}

/** `segment-unavailable`: a part of the stream (init, segment, child playlist) could not be read. */
export function checkUnavailable(stream: StreamModel, sink: FindingSink): void {
  for (const part of stream.unavailable) {
    const what = part.role === 'init' ? 'the init segment' : part.segment !== undefined ? `segment ${part.segment}` : 'a part';
    sink.add('segment-unavailable', `${what} of the stream cannot be read: ${part.message}`, {
      path: '',
      offset: 0,
      url: part.path,
      ...(part.segment !== undefined ? { segment: part.segment } : {}),
    });
  }
}
