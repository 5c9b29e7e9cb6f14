/**
 * Turning user-supplied file names and URLs into ffmpeg/ffprobe argv elements that cannot be
 * mistaken for anything else.
 *
 * ffmpeg reads a lot into an input or output "name":
 * - a leading `-` makes it an option (`-i -y`, a file called `-filter_complex ...`);
 * - a `proto:` prefix picks a protocol: `concat:a.mp4|/etc/passwd`, `subfile,,start,0,end,9,,:x`,
 *   `pipe:0`, `fd:3`, `data:…`, `http://…`, `tee:` (outputs), `crypto:`, `cache:`, `async:`…
 *   so a file named `concat:x|y.mp4` in the current folder is *not* read as that file;
 * - playlists and manifests (`.m3u8`, `.mpd`, concat lists) name further inputs, which ffmpeg opens
 *   with whatever protocols it is allowed to use.
 * Spawning with an argv array (never a shell) already stops `|`, `;`, quotes and newlines from
 * meaning anything to a shell; the helpers below close the ffmpeg-level holes:
 * - a local file always becomes `file:` + an absolute path: the `file` protocol is chosen
 *   explicitly, the element starts with neither `-` nor another protocol, and the rest of the name
 *   (`|`, `,`, `:`, newlines, `%`) is taken literally;
 * - a URL is accepted only when the caller says the user chose a URL input (`allowUrl`), and then
 *   only `http:`, `https:`, `rtsp:` or `rtsps:`;
 * - `inputArgs()` also puts `-protocol_whitelist` before `-i`, so a playlist inside a local file
 *   cannot make ffmpeg fetch `http://…` or open other protocols, and a remote playlist cannot reach
 *   `file:`.
 *
 * Use: `[...inputArgs(file.path), ..., outputArg(tmpTarget, { inputs: [file.path] })]`.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from './errors';

export interface InputOptions {
  /** The user explicitly chose a URL input (e.g. typed it into a URL box). Default false. */
  allowUrl?: boolean;
}

/** Protocols a URL input may use. Everything else (file:, concat:, subfile:, data:, pipe:…) is refused. */
export const URL_INPUT_PROTOCOLS = ['http:', 'https:', 'rtsp:', 'rtsps:'] as const;
/** What ffmpeg may open while reading a local file (and anything it references). */
export const LOCAL_PROTOCOL_WHITELIST = 'file';
/** What ffmpeg may open while reading a URL input (HLS/DASH segments, RTSP's RTP included): never `file`. */
export const URL_PROTOCOL_WHITELIST = 'http,https,tls,tcp,udp,crypto,rtsp,rtsps,rtp,srtp';

const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function refuse(code: string, message: string): never {
  throw new WorkbenchError(code, message);
}

function checkCommon(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0) refuse('EINVALIDPATH', `The ${what} is empty.`);
  if (value.includes('\0')) refuse('EINVALIDPATH', `The ${what} contains a NUL byte.`);
}

/** An absolute local path as the one argv element ffmpeg will read or write literally. */
export function fileArg(p: string): string {
  checkCommon(p, 'file name');
  return 'file:' + path.resolve(p);
}

/** Is `value` a URL the user may choose as an input (http(s)/rtsp(s) with a host, no control characters)? */
export function isAllowedInputUrl(value: string): boolean {
  if (!URL_LIKE.test(value) || /[\s\x00-\x1f\x7f]/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (URL_INPUT_PROTOCOLS as readonly string[]).includes(url.protocol) && url.hostname.length > 0;
}

/**
 * The argv element for one input. A local path becomes `file:<absolute path>`; with
 * `{ allowUrl: true }` an http(s)/rtsp(s) URL is passed on (normalised), any other scheme is refused.
 * Without `allowUrl`, something that looks like a URL is still just a (probably missing) file name.
 */
export function inputArg(value: string, options: InputOptions = {}): string {
  checkCommon(value, 'input');
  if (options.allowUrl && URL_LIKE.test(value)) {
    if (!isAllowedInputUrl(value)) {
      refuse('EINVALIDURL', `Only http://, https://, rtsp:// and rtsps:// URLs can be opened as inputs: ${value.slice(0, 200)}`);
    }
    return new URL(value).href;
  }
  return fileArg(value);
}

/**
 * `-protocol_whitelist … -i <inputArg>`: the input options that keep ffmpeg to the protocols this
 * input needs. Put them where the input goes (input options come right before their `-i`).
 */
export function inputArgs(value: string, options: InputOptions = {}): string[] {
  const arg = inputArg(value, options);
  const whitelist = arg.startsWith('file:') ? LOCAL_PROTOCOL_WHITELIST : URL_PROTOCOL_WHITELIST;
  return ['-protocol_whitelist', whitelist, '-i', arg];
}

export interface OutputOptions {
  /** Paths of the job's inputs: an output may never overwrite one of them. */
  inputs?: readonly string[];
}

function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino && x.ino !== 0;
  } catch {
    return false;
  }
}

/**
 * Check a user-chosen output target and return its argv element (`file:<absolute path>`).
 * Refuses: empty or NUL-containing names, URLs and protocol names (outputs are local files only),
 * existing folders, missing parent folders, and any input of the same job (so a transcode can never
 * destroy its source).
 */
export function outputArg(target: string, options: OutputOptions = {}): string {
  checkCommon(target, 'output file name');
  if (URL_LIKE.test(target)) refuse('EINVALIDPATH', `Outputs are local files, not URLs: ${target.slice(0, 200)}`);
  const absolute = path.resolve(target);
  if (absolute.endsWith(path.sep)) refuse('EINVALIDPATH', `${absolute} names a folder, not a file.`);
  let parent;
  try {
    parent = statSync(path.dirname(absolute));
  } catch {
    refuse('ENOENT', `The folder for ${absolute} does not exist.`);
  }
  if (!parent.isDirectory()) refuse('ENOTDIR', `${path.dirname(absolute)} is not a folder.`);
  try {
    if (statSync(absolute).isDirectory()) refuse('EISDIR', `${absolute} is a folder; choose a file name inside it.`);
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    // Does not exist yet: the usual case.
  }
  for (const input of options.inputs ?? []) {
    if (sameFile(absolute, input)) refuse('ESAMEFILE', `The output ${absolute} is one of the inputs; choose another name.`);
  }
  return 'file:' + absolute;
}
