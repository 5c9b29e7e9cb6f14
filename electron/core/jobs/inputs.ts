/**
 * How a job's input reaches ffmpeg. A local path is always passed as `file:<absolute path>`, so a
 * name that begins with `-`, or contains `|`, `concat:`, `subfile,` or a newline, is a plain file,
 * never an option or a protocol. Network inputs exist only where the user chose a URL explicitly
 * (the remux preset), limited to http(s) and rtsp(s), with timeouts so a dead server cannot hang
 * a job forever. Local inputs may only open local files: a playlist on disk cannot make ffmpeg
 * fetch from the network.
 */
import { WorkbenchError } from '../errors';
import path from 'node:path';

export type MediaInput = { kind: 'file'; path: string } | { kind: 'url'; url: string };

const URL_SCHEMES = new Set(['http:', 'https:', 'rtsp:', 'rtsps:']);

/** A URL the user typed, checked: only http(s)/rtsp(s), with a host. */
export function parseInputUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new WorkbenchError('EBADURL', `${text} is not a valid URL.`);
  }
  if (!URL_SCHEMES.has(url.protocol)) {
    throw new WorkbenchError('EBADURL', `${url.protocol}// inputs are not supported; use an http(s):// or rtsp:// URL, or a local file.`);
  }
  if (!url.hostname) throw new WorkbenchError('EBADURL', `${text} has no host.`);
  return url;
}

/** Does this text look like a URL input rather than a path? (Only used to route CLI arguments.) */
export function looksLikeUrl(text: string): boolean {
  return /^(https?|rtsps?):\/\//i.test(text.trim());
}

/** The argument ffmpeg/ffprobe get for a local path. */
export function fileArg(p: string): string {
  return `file:${path.resolve(p)}`;
}

/** Input options (before `-i`) and the `-i` argument itself. */
export function inputArgs(input: MediaInput): { options: string[]; arg: string; label: string } {
  if (input.kind === 'file') {
    return { options: ['-protocol_whitelist', 'file,crypto,data'], arg: fileArg(input.path), label: input.path };
  }
  const url = parseInputUrl(input.url);
  if (url.protocol === 'rtsp:' || url.protocol === 'rtsps:') {
    return {
      options: ['-rtsp_transport', 'tcp', '-timeout', '20000000'],
      arg: url.toString(),
      label: redactUrl(url),
    };
  }
  return {
    options: ['-protocol_whitelist', 'http,https,tcp,tls,crypto,data', '-rw_timeout', '20000000', '-reconnect', '1'],
    arg: url.toString(),
    label: redactUrl(url),
  };
}

/** A URL for logs and messages, without a password. */
export function redactUrl(url: URL): string {
  if (!url.password) return url.toString();
  const copy = new URL(url.toString());
  copy.password = '***';
  return copy.toString();
}

/** Replace `file:/abs/path` by the path in text shown to a user. */
export function unprefixPaths(text: string, paths: string[]): string {
  let out = text;
  for (const p of paths) out = out.split(`file:${p}`).join(p);
  return out;
}
