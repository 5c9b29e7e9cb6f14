/**
 * How a job's input reaches ffmpeg, on top of `core/ffmpeg-input.ts` (the project's one place for
 * turning user paths and URLs into argv elements): a local path is always `file:<absolute path>`
 * with `-protocol_whitelist file`, so a name that begins with `-` or contains `|`, `concat:`,
 * `subfile,` or a newline is a plain file and a playlist on disk cannot reach the network. A URL is
 * accepted only where the user chose one explicitly (the remux preset): http(s) or rtsp(s), never
 * `file:`, with I/O timeouts so a dead server cannot hang a job forever.
 */
import { fileArg as coreFileArg, inputArg, isAllowedInputUrl, LOCAL_PROTOCOL_WHITELIST, URL_PROTOCOL_WHITELIST } from '../ffmpeg-input';
import { WorkbenchError } from '../errors';

export type MediaInput =
  | { kind: 'file'; path: string }
  /** `rtspTransport`: TCP unless asked otherwise; `auto` is ffmpeg's own (UDP, then TCP), for servers without TCP. */
  | { kind: 'url'; url: string; rtspTransport?: 'auto' | 'tcp' | 'udp' };

/** A URL the user typed, checked: only http(s)/rtsp(s), with a host. */
export function parseInputUrl(text: string): URL {
  const t = text.trim();
  if (!isAllowedInputUrl(t)) {
    throw new WorkbenchError('EBADURL', `${t.slice(0, 200)} is not an input URL this app opens: use http://, https://, rtsp:// or rtsps://, or a local file.`);
  }
  return new URL(t);
}

/** Does this text look like a URL input rather than a path? (Only used to route CLI arguments.) */
export function looksLikeUrl(text: string): boolean {
  return /^(https?|rtsps?):\/\//i.test(text.trim());
}

/** The argument ffmpeg/ffprobe get for a local path. */
export function fileArg(p: string): string {
  return coreFileArg(p);
}

/** Input options (before `-i`) and the `-i` argument itself. */
export function inputArgs(input: MediaInput): { options: string[]; arg: string; label: string } {
  if (input.kind === 'file') {
    return { options: ['-protocol_whitelist', LOCAL_PROTOCOL_WHITELIST], arg: inputArg(input.path), label: input.path };
  }
  const url = parseInputUrl(input.url);
  const arg = inputArg(url.href, { allowUrl: true });
  const timeouts =
    url.protocol === 'rtsp:' || url.protocol === 'rtsps:'
      ? [...(input.rtspTransport === 'auto' ? [] : ['-rtsp_transport', input.rtspTransport ?? 'tcp']), '-timeout', '20000000']
      : ['-rw_timeout', '20000000', '-reconnect', '1'];
  return { options: [...timeouts, '-protocol_whitelist', URL_PROTOCOL_WHITELIST], arg, label: redactUrl(url) };
}

/** A URL for logs and messages, without a password. */
export function redactUrl(url: URL): string {
  if (!url.password) return url.toString();
  const copy = new URL(url.toString());
  copy.password = '***';
  return copy.toString();
}
