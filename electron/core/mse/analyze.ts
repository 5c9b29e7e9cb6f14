/**
 * `analyzeMse`: lint an fMP4, an init segment plus media segments, or a local or remote HLS/DASH
 * manifest (every rendition with the per-file rules, then the manifest and ladder rules of
 * `ladder.ts`), and describe how the Player should feed it to MSE (streams, byte ranges, expected
 * times). The Node entry: paths and URLs (`openSource`), manifests, unavailable parts and the
 * HTTP rules; the lint and plan themselves are `analysis.ts` (which the browser worker runs too).
 */
import { RULES } from './catalogue';
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, errorCode, errorMessage, WorkbenchError } from '../errors';
import { fetchText, HttpLog, isHttpUrl, MANIFEST_LIMIT } from '../net/http';
import { openSource } from '../net/open-source';
import { transmuxHead } from '../media/transmux';
import { analyzeStreams, type AnalyzeOptions } from './analysis';
import { checkUnavailable, httpFindings, rangePreflights } from './http-rules';
import { DEFAULT_LIVE_WAIT } from './live';
import { checkLiveWindows, reloadLivePlaylist } from './live-reload';
import { dashStreams, extOf, hlsStreams, nameOf, type StreamSpec } from './manifest';
import { UNAVAILABLE, type MediaFiles } from './model';
import type { Finding, InputKind, LiveReload, MseAnalysis } from './types';

export { lintReport, type AnalyzeOptions } from './analysis';


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
  // A live playlist is read again 1.5 × its target duration later (live-window-stalled), while the rest is linted.
  const liveCheck = options.lint === false ? undefined : checkLiveWindows(specs, (p) => readManifest(p, log), Date.now(), options.liveWait ?? DEFAULT_LIVE_WAIT);
  liveCheck?.catch(() => {});
  const files: MediaFiles = { open: (file) => openSource(file, { log }), baseName: nameOf };
  const analysis = await analyzeStreams({ kind, name: nameOf(paths[0]!) }, specs, files, {
    ...options,
    fromManifest: kind === 'hls' || kind === 'dash',
    checkStream: checkUnavailable,
    // MPEG-TS: the first segment remuxed by ffmpeg gives the plan its tracks (core/media/transmux.ts).
    transportHead: (part) => transmuxHead({ path: part.path, offset: part.offset, size: part.size }, { log }),
    async moreFindings(streams) {
      const findings: Finding[] = missing.map((m) => ({
        rule: 'segment-unavailable',
        severity: RULES['segment-unavailable'].severity,
        message: `the playlist ${nameOf(m.path)} named by ${nameOf(paths[0]!)} cannot be read: ${m.message}`,
        path: '',
        offset: 0,
        url: m.path,
        fix: RULES['segment-unavailable'].fix!,
      }));
      if (liveCheck) findings.push(...(await liveCheck).findings);
      if (log.requests) {
        const streamOf = new Map<string, number>();
        for (const spec of specs.values()) for (const part of spec.parts) if (!streamOf.has(part.path)) streamOf.set(part.path, specs.indexOf(spec));
        const preflights = await rangePreflights(log);
        findings.push(...httpFindings(log, streamOf, { multiStream: streams.length > 1, input: paths[0]!, preflights }));
      }
      return findings;
    },
  });
  if (log.requests) analysis.http = { bytesFetched: log.bytesFetched, requests: log.requests };
  const checks = liveCheck && (await liveCheck).checks;
  if (checks?.length) analysis.liveChecks = checks;
  return analysis;
}

/**
 * The Player's reload of a live HLS media playlist (a path or URL): the segments listed after
 * media sequence `after`, planned like `msePlan`'s, and the playlist's window now.
 */
export async function reloadLive(playlist: string, after: number, options: AnalyzeOptions = {}): Promise<LiveReload> {
  const log = new HttpLog();
  const files: MediaFiles = { open: (file) => openSource(file, { log }), baseName: nameOf };
  return reloadLivePlaylist(isHttpUrl(playlist) ? playlist : path.resolve(playlist), after, (p) => readManifest(p, log), files, options);
}
