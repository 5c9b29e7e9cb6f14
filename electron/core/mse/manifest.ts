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
import { children, first, parseXml, type XmlElement } from './xml';

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
}

export interface StreamSpec {
  label: string;
  parts: PartSpec[];
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

function parseByteRange(spec: string, previousEnd: number): { offset: number; size: number } {
  const [len, off] = spec.split('@');
  const size = Number(len);
  const offset = off !== undefined ? Number(off) : previousEnd;
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(offset) || offset < 0) throw new Error(`bad byte range "${spec}"`);
  return { offset, size };
}

function attrList(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Z0-9-]+)=("([^"]*)"|[^,]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out[m[1]!] = m[3] ?? m[2]!;
  return out;
}

/**
 * An HLS playlist. A media playlist is one stream; a master playlist yields one stream per variant
 * and per alternative rendition with its own URI (each read through `load`).
 */
export async function hlsStreams(
  file: string,
  text: string,
  load: (p: string) => Promise<string>,
  /** A child playlist that cannot be read: reported here (and skipped) instead of failing the whole master. */
  onUnavailable?: (p: string, err: unknown) => boolean,
): Promise<StreamSpec[]> {
  const name = nameOf(file);
  if (!text.trimStart().startsWith('#EXTM3U')) throw new WorkbenchError('EMANIFEST', `${name} is not an HLS playlist (no #EXTM3U header).`);
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => l.startsWith('#EXT-X-STREAM-INF'))) {
    const streams: StreamSpec[] = [];
    const seen = new Set<string>();
    const add = async (uri: string, label: string) => {
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
      const sub = await hlsStreams(p, child, load, onUnavailable);
      for (const s of sub) streams.push({ ...s, label: `${label} · ${s.label}` });
    };
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.startsWith('#EXT-X-MEDIA:')) {
        const a = attrList(l.slice(13));
        if (a.URI) await add(a.URI, `${a.TYPE ?? 'media'} ${a.NAME ?? a['GROUP-ID'] ?? ''}`.trim());
      } else if (l.startsWith('#EXT-X-STREAM-INF')) {
        const uri = lines.slice(i + 1).find((x) => x && !x.startsWith('#'));
        const a = attrList(l.slice(l.indexOf(':') + 1));
        if (uri) await add(uri, `variant ${a.RESOLUTION ?? ''} ${a.BANDWIDTH ? `${Math.round(Number(a.BANDWIDTH) / 1000)} kb/s` : ''}`.replace(/\s+/g, ' ').trim());
      }
    }
    return streams;
  }
  const parts: PartSpec[] = [];
  let pendingRange: string | null = null;
  const lastEnd = new Map<string, number>();
  for (const l of lines) {
    if (!l) continue;
    if (l.startsWith('#EXT-X-MAP:')) {
      const a = attrList(l.slice(11));
      if (!a.URI) throw new WorkbenchError('EMANIFEST', `${name}: #EXT-X-MAP without a URI.`);
      const p = resolveRef(file, a.URI);
      const part: PartSpec = { path: p, role: 'init' };
      if (a.BYTERANGE) Object.assign(part, parseByteRange(a.BYTERANGE, 0));
      parts.push(part);
    } else if (l.startsWith('#EXT-X-BYTERANGE:')) {
      pendingRange = l.slice(17);
    } else if (!l.startsWith('#')) {
      const p = resolveRef(file, l);
      if (extOf(p) === '.ts') throw new WorkbenchError('ENOTFMP4', `${name} uses MPEG-TS segments (${nameOf(p)}); the MSE lab reads fMP4 HLS (#EXT-X-MAP with .m4s/.mp4 segments).`);
      const part: PartSpec = { path: p, role: parts.length === 0 ? 'auto' : 'segment' };
      if (pendingRange) {
        const r = parseByteRange(pendingRange, lastEnd.get(p) ?? 0);
        Object.assign(part, r);
        lastEnd.set(p, r.offset + r.size);
        pendingRange = null;
      }
      parts.push(part);
    }
  }
  if (!parts.length) throw new WorkbenchError('EMANIFEST', `${name} lists no segments.`);
  return [{ label: name, parts }];
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

/**
 * A DASH MPD: one stream per Representation of the first Period, from SegmentTemplate (with or
 * without SegmentTimeline), SegmentList or SegmentBase. Template numbers run for the count the
 * durations imply (a missing one is kept, so the lint names it: `segment-unavailable`), and on
 * while local files exist; `exists` answers `undefined` for remote ones (not probed).
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
  const period = first(mpd, 'Period');
  if (!period) throw new WorkbenchError('EMANIFEST', `${name} has no Period.`);
  const periodDuration = isoDuration(period.attrs.duration) ?? isoDuration(mpd.attrs.mediaPresentationDuration);
  const baseOf = (...els: (XmlElement | undefined)[]) => els.map((e) => first(e, 'BaseURL')?.text.trim() ?? '').reduce((acc, b) => (b ? (/^[a-z]+:/i.test(b) ? b : acc + b) : acc), '');
  const streams: StreamSpec[] = [];
  for (const [ai, set] of children(period, 'AdaptationSet').entries()) {
    for (const [ri, rep] of children(set, 'Representation').entries()) {
      const id = rep.attrs.id ?? `${ai}.${ri}`;
      const kind = rep.attrs.mimeType ?? set.attrs.mimeType ?? set.attrs.contentType ?? '';
      const label = `Representation ${id}${kind ? ` (${kind})` : ''}`;
      const base = baseOf(mpd, period, set, rep);
      const at = (ref: string) => resolveRef(file, base + ref);
      const template = first(rep, 'SegmentTemplate') ?? first(set, 'SegmentTemplate') ?? first(period, 'SegmentTemplate');
      const list = first(rep, 'SegmentList') ?? first(set, 'SegmentList');
      const vars = { RepresentationID: id, Bandwidth: rep.attrs.bandwidth };
      const parts: PartSpec[] = [];
      if (template) {
        // Attributes inherit from the AdaptationSet's template when the Representation has its own.
        const outer = first(set, 'SegmentTemplate');
        const attr = (k: string) => template.attrs[k] ?? outer?.attrs[k];
        const init = attr('initialization');
        if (init) parts.push({ path: at(fillTemplate(init, vars)), role: 'init' });
        const media = attr('media');
        if (!media) throw new WorkbenchError('EMANIFEST', `${name}: ${label} has a SegmentTemplate without @media.`);
        const timescale = Number(attr('timescale') ?? 1);
        const startNumber = Number(attr('startNumber') ?? 1);
        const timeline = first(template, 'SegmentTimeline') ?? first(outer, 'SegmentTimeline');
        if (timeline) {
          let t = 0;
          let n = startNumber;
          for (const s of children(timeline, 'S')) {
            if (s.attrs.t !== undefined) t = Number(s.attrs.t);
            const d = Number(s.attrs.d);
            const r = Number(s.attrs.r ?? 0);
            for (let k = 0; k <= (r < 0 ? 0 : r); k++) {
              parts.push({ path: at(fillTemplate(media, { ...vars, Number: n, Time: t })), role: 'segment' });
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
          }
        }
      } else if (list) {
        const init = first(list, 'Initialization');
        const fileOf = (ref: string | undefined) => at(ref ?? '');
        if (init) parts.push({ path: fileOf(init.attrs.sourceURL), role: 'init', ...rangeOf(init.attrs.range) });
        for (const seg of children(list, 'SegmentURL')) parts.push({ path: fileOf(seg.attrs.media), role: 'segment', ...rangeOf(seg.attrs.mediaRange) });
      } else {
        if (!base) throw new WorkbenchError('EMANIFEST', `${name}: ${label} has no SegmentTemplate, SegmentList or BaseURL.`);
        // SegmentBase (on-demand profile): one file, init then sidx-indexed fragments.
        parts.push({ path: resolveRef(file, base), role: 'auto' });
      }
      if (!parts.some((p) => p.role !== 'init')) throw new WorkbenchError('EMANIFEST', `${name}: ${label} lists no media segments.`);
      streams.push({ label, parts });
    }
  }
  if (!streams.length) throw new WorkbenchError('EMANIFEST', `${name} has no Representation.`);
  return streams;
}
