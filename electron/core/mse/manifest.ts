/**
 * HLS (fMP4) and DASH manifests, local or remote → the streams the lint and the Player read: per
 * stream an init segment and media segments, each a whole file (or URL) or a byte range of one.
 *
 * A local manifest leads only to files beside it (or below its folder): it cannot make the
 * workbench read other places, and remote URLs in it are refused with a message. A remote
 * manifest (http/https) leads only to http(s) URLs, resolved against its own URL.
 */
import path from 'node:path';
import { WorkbenchError } from '../errors';
import { checkHttpUrl, isHttpUrl, urlName } from '../net/http';
import { Parser, type M3u8Manifest, type M3u8Playlist } from 'm3u8-parser';
import type { DeclaredStream } from './types';
import { children, first, parseXml, type XmlElement } from './xml';

export type { DeclaredStream };

export interface PartSpec {
  path: string;
  /** Byte range; the whole file when absent. */
  offset?: number;
  size?: number;
  /**
   * `init`: an init segment; `segment`: exactly one media segment; `auto`: split by its boxes into
   * an init part (if any) and media segments (a whole fMP4, or a DASH SegmentBase file).
   */
  role: 'init' | 'segment' | 'auto';
  /** HLS live playlists: the segment's media sequence number (`EXT-X-MEDIA-SEQUENCE` + position). */
  sequence?: number;
}

export interface StreamSpec {
  label: string;
  parts: PartSpec[];
  /** What a manifest says about it (absent for files given directly). */
  declared?: DeclaredStream;
  /**
   * HLS: a live playlist (no `EXT-X-ENDLIST`, not `PLAYLIST-TYPE:VOD`), which its server keeps
   * changing: the media playlist to reload and the media sequence of its first segment.
   */
  live?: { playlist: string; mediaSequence: number };
}

/** Resolve a manifest reference inside `dir`; refuse URLs and anything outside the folder. */
export function resolveInside(dir: string, ref: string, manifestName: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref)) {
    throw new WorkbenchError('EREMOTE', `${manifestName} refers to ${ref}: remote segments are not fetched. Download the stream into a folder and open its manifest there.`);
  }
  const clean = decodeURIComponent(ref.split(/[?#]/)[0]!);
  const resolved = path.resolve(dir, clean);
  const rel = path.relative(dir, resolved);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new WorkbenchError('EOUTSIDE', `${manifestName} refers to ${ref}, outside its folder ${dir}; only files beside the manifest are read.`);
  }
  return resolved;
}

/** A manifest's or segment's name for messages: the file name, or the URL's last segment. */
export function nameOf(file: string): string {
  return isHttpUrl(file) ? urlName(file) : path.basename(file);
}

/** The extension (lower case, with the dot) of a path or of a URL's path. */
export function extOf(file: string): string {
  const p = isHttpUrl(file) ? new URL(file).pathname : file;
  return path.posix.extname(p.replace(/\\/g, '/')).toLowerCase();
}

/** Resolve a reference in the manifest `file`: beside it for a local one, an http(s) URL for a remote one. */
export function resolveRef(file: string, ref: string): string {
  const name = nameOf(file);
  if (!isHttpUrl(file)) return resolveInside(path.dirname(file), ref, name);
  let url: URL;
  try {
    url = new URL(ref, file);
  } catch {
    throw new WorkbenchError('EMANIFEST', `${name} refers to ${ref}, which is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WorkbenchError('EREMOTE', `${name} refers to ${ref}: a remote manifest can only lead to http(s) URLs.`);
  }
  return checkHttpUrl(url.href);
}

/** Read an HLS playlist with m3u8-parser (a maintained parser used by video.js). */
function parseM3u8(text: string): M3u8Manifest {
  const parser = new Parser();
  parser.push(text);
  parser.end();
  return parser.manifest;
}

const isTsName = (p: string) => ['.ts', '.m2ts', '.mts'].includes(extOf(p));

/**
 * An HLS playlist. A media playlist is one stream; a master playlist yields one stream per variant,
 * per alternate rendition (EXT-X-MEDIA with a URI) and per I-frame playlist, each read through `load`.
 * Subtitle renditions (WebVTT) are not MP4 and are left out of the lint.
 */
export async function hlsStreams(
  file: string,
  text: string,
  load: (p: string) => Promise<string>,
  /** A child playlist that cannot be read: reported here (and skipped) instead of failing the whole master. */
  onUnavailable?: (p: string, err: unknown) => boolean,
  /** Number every segment with its media sequence (`PartSpec.sequence`), not only a live playlist's. */
  options: { sequences?: boolean } = {},
): Promise<StreamSpec[]> {
  const name = nameOf(file);
  if (!text.trimStart().startsWith('#EXTM3U')) throw new WorkbenchError('EMANIFEST', `${name} is not an HLS playlist (no #EXTM3U header).`);
  const m = parseM3u8(text);
  if (m.playlists?.length || m.iFramePlaylists?.length) {
    const streams: StreamSpec[] = [];
    const seen = new Set<string>();
    const add = async (uri: string, label: string, declared: DeclaredStream) => {
      const p = resolveRef(file, uri);
      if (seen.has(p)) return;
      seen.add(p);
      let child: string;
      try {
        child = await load(p);
      } catch (err) {
        if (onUnavailable?.(p, err)) return;
        throw err;
      }
      const sub = await hlsStreams(p, child, load, onUnavailable, options);
      for (const s of sub) streams.push({ ...s, label: `${label} · ${s.label}`, declared: { ...s.declared, ...declared, kind: declared.kind, playlist: p } });
    };
    for (const [type, groups] of Object.entries(m.mediaGroups ?? {})) {
      if (type === 'SUBTITLES' || type === 'CLOSED-CAPTIONS') continue;
      for (const [group, renditions] of Object.entries(groups)) {
        for (const [renditionName, r] of Object.entries(renditions)) {
          if (!r.uri) continue;
          const declared: DeclaredStream = { kind: type === 'VIDEO' ? 'video' : 'audio', ladder: `${type} ${group}` };
          if (renditionName) declared.name = renditionName;
          if (r.default) declared.default = true;
          await add(r.uri, `${type} ${renditionName || group}`.trim(), declared);
        }
      }
    }
    const variantLabel = (a: M3u8Playlist['attributes']) =>
      `${a.RESOLUTION ? `${a.RESOLUTION.width}x${a.RESOLUTION.height}` : ''} ${a.BANDWIDTH ? `${Math.round(a.BANDWIDTH / 1000)} kb/s` : ''}`.replace(/\s+/g, ' ').trim();
    for (const v of m.playlists ?? []) {
      const a = v.attributes;
      const declared: DeclaredStream = { kind: 'variant', ladder: 'variants' };
      if (typeof a.CODECS === 'string') declared.codecs = a.CODECS;
      if (typeof a.BANDWIDTH === 'number') declared.bandwidth = a.BANDWIDTH;
      if (a.RESOLUTION) declared.resolution = { width: a.RESOLUTION.width, height: a.RESOLUTION.height };
      if (typeof a.AUDIO === 'string') declared.audioGroup = a.AUDIO;
      await add(v.uri, `variant ${variantLabel(a)}`.trim(), declared);
    }
    for (const v of m.iFramePlaylists ?? []) {
      const a = v.attributes;
      const declared: DeclaredStream = { kind: 'iframe' };
      if (typeof a.CODECS === 'string') declared.codecs = a.CODECS;
      await add(v.uri, `I-frames ${variantLabel(a)}`.trim(), declared);
    }
    return streams;
  }
  const parts: PartSpec[] = [];
  const durations: number[] = [];
  let lastMap = '';
  let transportStream = false;
  const discontinuities: number[] = [];
  const live = !m.endList && m.playlistType?.toUpperCase() !== 'VOD';
  const firstSequence = m.mediaSequence ?? 0;
  for (const [k, seg] of m.segments.entries()) {
    if (seg.discontinuity && durations.length > 0) discontinuities.push(durations.length);
    if (seg.map) {
      if (!seg.map.uri) throw new WorkbenchError('EMANIFEST', `${name}: #EXT-X-MAP without a URI.`);
      const key = `${seg.map.uri}@${seg.map.byterange?.offset ?? ''}`;
      // A map applies to every segment after it: a new init part only where it changes (a discontinuity).
      if (key !== lastMap) {
        lastMap = key;
        const part: PartSpec = { path: resolveRef(file, seg.map.uri), role: 'init' };
        if (seg.map.byterange) Object.assign(part, { offset: seg.map.byterange.offset, size: seg.map.byterange.length });
        parts.push(part);
      }
    }
    const p = resolveRef(file, seg.uri);
    if (isTsName(p)) transportStream = true;
    const part: PartSpec = { path: p, role: parts.length === 0 ? 'auto' : 'segment' };
    if (seg.byterange) Object.assign(part, { offset: seg.byterange.offset, size: seg.byterange.length });
    if (live || options.sequences) part.sequence = firstSequence + k;
    parts.push(part);
    durations.push(seg.duration ?? 0);
  }
  if (!parts.length) throw new WorkbenchError('EMANIFEST', `${name} lists no segments.`);
  const declared: DeclaredStream = { kind: 'playlist', durations };
  if (m.targetDuration !== undefined) declared.targetDuration = m.targetDuration;
  if (transportStream) declared.transportStream = true;
  else if (!lastMap) declared.mapMissing = true;
  if (discontinuities.length) declared.discontinuities = discontinuities;
  return [{ label: name, parts, declared, ...(live && { live: { playlist: file, mediaSequence: firstSequence } }) }];
}

/** ISO 8601 duration (`PT4.0S`, `PT1H2M`) in seconds. */
export function isoDuration(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s.trim());
  if (!m) return undefined;
  const [, d, h, min, sec] = m;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(sec ?? 0);
}

/** `$RepresentationID$`, `$Number%05d$`, `$Time$`, `$Bandwidth$`, `$$`. */
export function fillTemplate(template: string, values: { RepresentationID?: string; Number?: number; Time?: number; Bandwidth?: string }): string {
  return template.replace(/\$(\w*)(%0(\d+)d)?\$/g, (whole, key: string, _fmt: string | undefined, width: string | undefined) => {
    if (key === '') return '$';
    const v = (values as Record<string, string | number | undefined>)[key];
    if (v === undefined) return whole;
    const s = String(v);
    return width ? s.padStart(Number(width), '0') : s;
  });
}

function rangeOf(spec: string | undefined): { offset: number; size: number } | undefined {
  if (!spec) return undefined;
  const m = /^(\d+)-(\d+)$/.exec(spec.trim());
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return b >= a ? { offset: a, size: b - a + 1 } : undefined;
}

/** Join a BaseURL (or segment reference) onto the base so far, with URL semantics (`../`, absolute URLs). */
function joinBase(base: string, ref: string): string {
  if (!ref) return base;
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref)) return ref;
  if (/^[a-z][a-z0-9+.-]*:/i.test(base)) return new URL(ref, base).href;
  // A relative base: resolve under a deep placeholder folder and count how far the result climbed
  // (above the manifest's folder is refused later by resolveRef for a local manifest).
  const pad = '_mwb_base_/';
  const depth = 32;
  let rest = new URL(ref, `http://base.invalid/${pad.repeat(depth)}${base}`).pathname.slice(1);
  let kept = 0;
  while (rest.startsWith(pad)) {
    rest = rest.slice(pad.length);
    kept++;
  }
  return '../'.repeat(depth - kept) + decodeURI(rest);
}

/**
 * A DASH MPD: one stream per Representation of every Period, from SegmentTemplate (with or without
 * SegmentTimeline, `r="-1"` repeating to the Period's end), SegmentList or SegmentBase, with BaseURL
 * at every level (MPD, Period, AdaptationSet, Representation). Template numbers run for the count the
 * durations imply (a missing one is kept, so the lint names it: `segment-unavailable`), and on while
 * local files exist; `exists` answers `undefined` for remote ones (not probed).
 */
export function dashStreams(file: string, text: string, exists: (p: string) => boolean | undefined): StreamSpec[] {
  const name = nameOf(file);
  let mpd: XmlElement;
  try {
    mpd = parseXml(text);
  } catch (err) {
    throw new WorkbenchError('EMANIFEST', `${name} is not well-formed XML: ${(err as Error).message}.`);
  }
  if (mpd.name !== 'MPD') throw new WorkbenchError('EMANIFEST', `${name} is not a DASH manifest (root element <${mpd.name}>).`);
  const periods = children(mpd, 'Period');
  if (!periods.length) throw new WorkbenchError('EMANIFEST', `${name} has no Period.`);
  const total = isoDuration(mpd.attrs.mediaPresentationDuration);
  const baseUrl = (el: XmlElement | undefined) => first(el, 'BaseURL')?.text.trim() ?? '';
  const streams: StreamSpec[] = [];
  let periodStart = 0;
  for (const [pi, period] of periods.entries()) {
    const start = isoDuration(period.attrs.start) ?? periodStart;
    const nextStart = isoDuration(periods[pi + 1]?.attrs.start);
    const periodDuration =
      isoDuration(period.attrs.duration) ?? (nextStart !== undefined ? nextStart - start : total !== undefined ? total - start : undefined);
    periodStart = start + (periodDuration ?? 0);
    const periodLabel = periods.length > 1 ? `Period ${period.attrs.id ?? pi} · ` : '';
    for (const [ai, set] of children(period, 'AdaptationSet').entries()) {
      for (const [ri, rep] of children(set, 'Representation').entries()) {
        const id = rep.attrs.id ?? `${ai}.${ri}`;
        const kind = rep.attrs.mimeType ?? set.attrs.mimeType ?? set.attrs.contentType ?? '';
        const label = `${periodLabel}Representation ${id}${kind ? ` (${kind})` : ''}`;
        const base = [mpd, period, set, rep].map(baseUrl).reduce(joinBase, '');
        const at = (ref: string) => resolveRef(file, joinBase(base, ref));
        const template = first(rep, 'SegmentTemplate') ?? first(set, 'SegmentTemplate') ?? first(period, 'SegmentTemplate');
        const list = first(rep, 'SegmentList') ?? first(set, 'SegmentList');
        const vars = { RepresentationID: id, Bandwidth: rep.attrs.bandwidth };
        const parts: PartSpec[] = [];
        const durations: number[] = [];
        if (template) {
          // Attributes inherit from the AdaptationSet's (and Period's) template when the Representation has its own.
          const outer = [first(set, 'SegmentTemplate'), first(period, 'SegmentTemplate')];
          const attr = (k: string) => template.attrs[k] ?? outer.find((o) => o?.attrs[k] !== undefined)?.attrs[k];
          const init = attr('initialization');
          if (init) parts.push({ path: at(fillTemplate(init, vars)), role: 'init' });
          const media = attr('media');
          if (!media) throw new WorkbenchError('EMANIFEST', `${name}: ${label} has a SegmentTemplate without @media.`);
          const timescale = Number(attr('timescale') ?? 1) || 1;
          const startNumber = Number(attr('startNumber') ?? 1);
          const pto = Number(attr('presentationTimeOffset') ?? 0);
          const timeline = first(template, 'SegmentTimeline') ?? outer.map((o) => first(o, 'SegmentTimeline')).find(Boolean);
          if (timeline) {
            let t = 0;
            let n = startNumber;
            const entries = children(timeline, 'S');
            for (const [si, s] of entries.entries()) {
              if (s.attrs.t !== undefined) t = Number(s.attrs.t);
              const d = Number(s.attrs.d);
              if (!(d > 0)) throw new WorkbenchError('EMANIFEST', `${name}: ${label} has a SegmentTimeline entry without a positive @d.`);
              let r = Number(s.attrs.r ?? 0);
              if (r < 0) {
                // r="-1": repeat until the next entry's @t, or the end of the Period.
                const nextT = entries[si + 1]?.attrs.t;
                const end = nextT !== undefined ? Number(nextT) : periodDuration !== undefined ? pto + periodDuration * timescale : t + d;
                r = Math.max(0, Math.ceil((end - t) / d - 1e-9) - 1);
              }
              for (let k = 0; k <= r && parts.length < 200_000; k++) {
                parts.push({ path: at(fillTemplate(media, { ...vars, Number: n, Time: t })), role: 'segment' });
                durations.push(d / timescale);
                n++;
                t += d;
              }
            }
          } else {
            const duration = Number(attr('duration'));
            const implied = periodDuration && duration > 0 ? Math.ceil((periodDuration * timescale) / duration - 1e-9) : 0;
            for (let n = startNumber; n < startNumber + 100_000; n++) {
              const p = at(fillTemplate(media, { ...vars, Number: n }));
              if (n - startNumber >= implied && !exists(p)) break;
              parts.push({ path: p, role: 'segment' });
              // The last segment of the Period is cut at its end.
              const left = periodDuration !== undefined ? periodDuration - ((n - startNumber) * duration) / timescale : duration / timescale;
              durations.push(duration > 0 ? Math.max(0, Math.min(duration / timescale, left)) : 0);
            }
          }
        } else if (list) {
          const init = first(list, 'Initialization');
          const timescale = Number(list.attrs.timescale ?? 1) || 1;
          const duration = Number(list.attrs.duration);
          if (init) parts.push({ path: at(init.attrs.sourceURL ?? ''), role: 'init', ...rangeOf(init.attrs.range) });
          for (const seg of children(list, 'SegmentURL')) {
            parts.push({ path: at(seg.attrs.media ?? ''), role: 'segment', ...rangeOf(seg.attrs.mediaRange) });
            if (duration > 0) durations.push(duration / timescale);
          }
        } else {
          if (!base) throw new WorkbenchError('EMANIFEST', `${name}: ${label} has no SegmentTemplate, SegmentList or BaseURL.`);
          // SegmentBase (on-demand profile): one file, init then sidx-indexed fragments.
          parts.push({ path: resolveRef(file, base), role: 'auto' });
        }
        if (!parts.some((p) => p.role !== 'init')) throw new WorkbenchError('EMANIFEST', `${name}: ${label} lists no media segments.`);
        const declared: DeclaredStream = { kind: 'representation', ladder: `period ${pi} · set ${ai}`, period: pi, periodStart: start };
        const codecs = rep.attrs.codecs ?? set.attrs.codecs;
        if (codecs) declared.codecs = codecs;
        if (rep.attrs.bandwidth) declared.bandwidth = Number(rep.attrs.bandwidth);
        const width = Number(rep.attrs.width ?? set.attrs.width);
        const height = Number(rep.attrs.height ?? set.attrs.height);
        if (width > 0 && height > 0) declared.resolution = { width, height };
        if (durations.length) declared.durations = durations;
        streams.push({ label, parts, declared });
      }
    }
  }
  if (!streams.length) throw new WorkbenchError('EMANIFEST', `${name} has no Representation.`);
  return streams;
}
