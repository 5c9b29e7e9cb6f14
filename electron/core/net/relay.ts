/**
 * Remote bytes for the renderer (web mode's `/files/<id>` and the desktop app's `app://` files):
 * the Node side fetches a byte range of a URL the user *opened* (looked up by id; there is no way
 * to name a URL here, so this is never an open proxy) and answers like a local file would, with
 * `Range` semantics even when the remote server ignores `Range`.
 *
 * The `Content-Type` is chosen from the URL's extension, never copied from the remote server: a
 * remote `text/html` must not become a page on the workbench's own origin.
 */
import { contentTypeFor, rangeReply } from '../range';
import { safeFetch } from './http';

export interface RelayedResponse {
  status: number;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}

/** Skip `skip` bytes of a stream, then pass at most `length`. */
export function slice(stream: ReadableStream<Uint8Array>, skip: number, length: number, stop: () => void): ReadableStream<Uint8Array> {
  let toSkip = skip;
  let left = length;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        let c = chunk;
        if (toSkip > 0) {
          const n = Math.min(toSkip, c.length);
          toSkip -= n;
          c = c.subarray(n);
        }
        if (left <= 0 || !c.length) return;
        const out = c.length > left ? c.subarray(0, left) : c;
        left -= out.length;
        controller.enqueue(out);
        if (left <= 0) {
          controller.terminate();
          stop();
        }
      },
    }),
  );
}

/**
 * Answer a request for `[Range]` bytes of an opened remote file of `size` bytes (known since it
 * was opened).
 */
export async function relayRange(file: { url: string; size: number }, rangeHeader: string | null | undefined, method = 'GET'): Promise<RelayedResponse> {
  const size = file.size;
  const type = contentTypeFor(new URL(file.url).pathname);
  // The status and range headers are the one responder's (core/range.ts), as for a local file.
  const reply = rangeReply(rangeHeader, size);
  const headers: Record<string, string> = { 'Content-Type': type, ...reply.headers };
  const status = reply.status;
  if (method === 'HEAD' || !reply.body) return { status, headers, body: null };
  const { start, end } = reply.body;
  const length = end - start + 1;
  let fetched;
  try {
    fetched = await safeFetch(file.url, { range: { start, end } });
  } catch (err) {
    return { status: 502, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: textBody(err instanceof Error ? err.message : String(err)) };
  }
  const up = fetched.response;
  if ((up.status !== 206 && up.status !== 200) || !up.body) {
    fetched.abort();
    return { status: 502, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: textBody(`${file.url} answered HTTP ${up.status}.`) };
  }
  // A server without Range support sends everything from 0: skip to the start ourselves.
  const skip = up.status === 200 ? start : 0;
  return { status, headers, body: slice(up.body, skip, length, () => fetched.abort()) };
}

function textBody(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text + '\n');
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
