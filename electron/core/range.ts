/** HTTP byte ranges for media served to the renderer (web mode and Electron's protocol alike). */

export type RangeResult = { start: number; end: number } | 'unsatisfiable' | null;

/**
 * Parse a `Range` header against a resource of `size` bytes. Only single ranges are honoured
 * (media elements and fetch() ask for one); anything else means "send the whole body".
 * `end` is inclusive, as in Content-Range.
 */
export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** What to answer a (possibly ranged) GET of `size` bytes: status, the range headers, and which bytes to send. */
export interface RangeReply {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /**
   * Inclusive byte span to send, and how much to read from the file at a time (pass it all to
   * `createReadStream`); null when there is no body (416, or an empty file).
   */
  body: { start: number; end: number; highWaterMark: number } | null;
}

/**
 * Bytes read from a file per chunk while sending a range. Node's default (64 KiB) costs the
 * serving process about 2.5 ms of CPU per MB on the 2-core development machine, 1 MiB about
 * 1 ms (48 MB: 100–180 ms against 40–48 ms): that CPU is what a Player that appends while it
 * reads competes with.
 */
export const SEND_CHUNK = 1024 * 1024;

/**
 * The one byte-range responder: Electron's app:// protocol (`main.ts`) and web mode (`web.ts`) both
 * answer file reads from this, so a player sees the same `206`/`416`/`Content-Range` everywhere.
 */
export function rangeReply(header: string | null | undefined, size: number): RangeReply {
  const range = parseRange(header, size);
  if (range === 'unsatisfiable') return { status: 416, headers: { 'Accept-Ranges': 'bytes', 'Content-Range': `bytes */${size}` }, body: null };
  const start = range ? range.start : 0;
  const end = range ? range.end : size - 1;
  return {
    status: range ? 206 : 200,
    headers: {
      'Accept-Ranges': 'bytes',
      'Content-Length': String(size === 0 ? 0 : end - start + 1),
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    },
    body: size === 0 ? null : { start, end, highWaterMark: SEND_CHUNK },
  };
}

const types: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.cmfv': 'video/mp4',
  '.cmfa': 'audio/mp4',
  '.m4a': 'audio/mp4',
  '.mov': 'video/quicktime',
  '.3gp': 'video/3gpp',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.gif': 'image/gif',
  '.mp3': 'audio/mpeg',
  '.aac': 'audio/aac',
  '.ts': 'video/mp2t',
  '.m2ts': 'video/mp2t',
  '.mts': 'video/mp2t',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot >= 0 && types[name.slice(dot).toLowerCase()]) || 'application/octet-stream';
}
