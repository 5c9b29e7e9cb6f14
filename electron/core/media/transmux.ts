/**
 * MPEG-TS → fragmented MP4 on the fly, for the Player (HLS with `.ts` segments, which MSE cannot
 * take): one ffmpeg per segment, `-c copy`, the segment's bytes streamed into its stdin and the
 * fMP4 streamed out of its stdout, nothing written to disk and nothing cached.
 *
 * Timestamps are the TS's own (`-copyts`, no shift to zero, no edit list, `+frag_discont` so each
 * run's first `tfdt` is the first packet's decode time): segments remuxed by separate runs line up
 * on one timeline, as an fMP4 HLS stream's would. AAC in ADTS frames becomes a raw AAC track with
 * its AudioSpecificConfig (`aac_adtstoasc`; `delay_moov` holds the moov back until the filter has
 * produced that config, else the esds would lack it and the codec string be `mp4a.40`). Only video and audio are mapped (ID3 and SCTE-35 data
 * streams of broadcast TS would stop the MP4 muxer).
 *
 * What each request gets (`part`): `init` is the `ftyp`+`moov` (ffmpeg is stopped once it is out),
 * `media` the `moof`+`mdat` fragments with the repeated `ftyp`/`moov` and the closing `mfra`
 * dropped, so the Player appends one init segment and then media segments like any fMP4 stream;
 * `all` is ffmpeg's whole output; `head` (for the plan) the `ftyp`+`moov`+first `moof`.
 *
 * Input is only ever an opened file (or a part a manifest the user opened leads to): callers look
 * it up by id in the `FileRegistry`, so this is not a proxy. ffmpeg reads `pipe:0` with the input
 * format forced to `mpegts` and `pipe` as its only protocol: bytes that are not TS fail, they are
 * never probed as a playlist or another format that could open further inputs.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { resolveBinary } from '../binaries';
import { describeFsError, errorCode, errorMessage, WorkbenchError } from '../errors';
import type { OpenedFile } from '../files-types';
import { isHttpUrl, safeFetch, statusError, urlName, type HttpLog } from '../net/http';
import { slice, type RelayedResponse } from '../net/relay';
import { TailBuffer } from '../process';
import { TopLevelBoxes } from './box-stream';

export type TransmuxPart = 'init' | 'media' | 'all' | 'head';

/** A TS segment: a local file or an http(s) URL, whole or a byte range of it. */
export interface TransmuxInput {
  /** Local path or http(s) URL. */
  path: string;
  offset?: number;
  size?: number;
}

export interface TransmuxOptions {
  part: TransmuxPart;
  /** Convert AAC from ADTS (default); false for a TS whose audio is not AAC (the filter refuses it). */
  aac?: boolean;
  signal?: AbortSignal;
  /** Whole run, input included (default TRANSMUX_TIMEOUT_MS). */
  timeoutMs?: number;
  log?: HttpLog;
  /** ffmpeg to run (default: the one the jobs use). */
  ffmpegPath?: string;
  /**
   * `mfhd.sequence_number` of the first fragment (default 1). Separate runs all start at 1; the
   * Player gives segment k the numbers from k × 1000 + 1 on (see transport.ts), so they increase
   * through the stream as ISO BMFF asks.
   */
  firstFragment?: number;
  /** Told ffmpeg's process id once it runs (tests check that it is gone afterwards). */
  onSpawn?: (pid: number) => void;
}

/** One segment is seconds of media: a minute is plenty even on a slow link, and bounds a stuck run. */
export const TRANSMUX_TIMEOUT_MS = 60_000;
/** `head` is metadata only (ftyp, moov, one moof): anything bigger is not a plausible first fragment. */
const HEAD_LIMIT = 16 * 1024 * 1024;

/**
 * The one cache: the heads (ftyp+moov+first moof, a few KiB) of the first segments the plan
 * remuxed, so the Player's `part=init` request right after the plan, and the lint that follows it,
 * do not run ffmpeg on the same segment again (the first frame waits for the one, the other
 * competes with the segments' remuxes). In memory only, at most INIT_CACHE_ENTRIES of at most
 * INIT_CACHE_BYTES each, oldest out first.
 */
const initCache = new Map<string, { head: Uint8Array; init: Uint8Array }>();
const INIT_CACHE_ENTRIES = 64;
const INIT_CACHE_BYTES = 256 * 1024;
/** A local file's size and modification time are part of the key: a file rewritten in place is remuxed again. */
async function initKey(input: TransmuxInput, aac: boolean): Promise<string> {
  const version = isHttpUrl(input.path) ? null : await stat(input.path).then((i) => [i.size, i.mtimeMs], () => null);
  return JSON.stringify([input.path, input.offset ?? null, input.size ?? null, aac, version]);
}

async function rememberInit(input: TransmuxInput, aac: boolean, head: Uint8Array): Promise<void> {
  const split = new TopLevelBoxes();
  let end = 0;
  for (const p of split.push(head)) {
    if (p.type === 'moof') break;
    end += p.data.byteLength;
  }
  if (end === 0 || head.byteLength > INIT_CACHE_BYTES) return;
  const key = await initKey(input, aac);
  initCache.delete(key);
  const copy = head.slice();
  initCache.set(key, { head: copy, init: copy.subarray(0, end) });
  while (initCache.size > INIT_CACHE_ENTRIES) initCache.delete(initCache.keys().next().value!);
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes.slice());
      c.close();
    },
  });
}

/** ffmpeg's arguments: stdin is MPEG-TS, stdout fragmented MP4 with the TS's own timestamps. */
export function transmuxArgs(aac = true, firstFragment = 1): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-protocol_whitelist', 'pipe', '-f', 'mpegts', '-i', 'pipe:0',
    '-map', '0:v?', '-map', '0:a?', '-c', 'copy',
    ...(aac ? ['-bsf:a', 'aac_adtstoasc'] : []),
    '-copyts', '-avoid_negative_ts', 'disabled', '-use_editlist', '0',
    '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+delay_moov+default_base_moof+frag_discont', '-fragment_index', String(firstFragment),
    'pipe:1',
  ];
}

/** The name a message uses for the input: file name or URL, and the byte range when there is one. */
export function inputLabel(input: TransmuxInput): string {
  const name = isHttpUrl(input.path) ? urlName(input.path) : input.path.split(/[\\/]/).pop()!;
  return input.offset !== undefined && input.size !== undefined ? `${name} (bytes ${input.offset}–${input.offset + input.size - 1})` : name;
}

function describeInput(input: TransmuxInput): string {
  const where = input.path;
  return input.offset !== undefined && input.size !== undefined ? `${where} (bytes ${input.offset}–${input.offset + input.size - 1})` : where;
}

/** The segment's bytes as a Node stream (ranged when asked); errors name the file or URL. */
async function openInput(input: TransmuxInput, options: TransmuxOptions): Promise<Readable> {
  const ranged = input.offset !== undefined && input.size !== undefined;
  if (ranged && input.size! <= 0) throw new WorkbenchError('EEMPTY', `${describeInput(input)} is empty: there is nothing to remux.`);
  if (isHttpUrl(input.path)) {
    const range = ranged ? { start: input.offset!, end: input.offset! + input.size! - 1 } : undefined;
    const fetched = await safeFetch(input.path, { range, signal: options.signal, log: options.log });
    const res = fetched.response;
    if ((res.status !== 200 && res.status !== 206) || !res.body) {
      fetched.abort();
      throw statusError(fetched.exchange);
    }
    // A server that ignores Range sends the whole file: skip to the range ourselves.
    const body = ranged && res.status === 200 ? slice(res.body, input.offset!, input.size!, () => fetched.abort()) : ranged ? slice(res.body, 0, input.size!, () => fetched.abort()) : res.body;
    const stream = Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
    stream.on('close', () => fetched.abort());
    return stream;
  }
  try {
    const info = await stat(input.path);
    if (!info.isFile()) throw new WorkbenchError('ENOTFILE', `${input.path} is not a regular file.`);
    if (!ranged && info.size === 0) throw new WorkbenchError('EEMPTY', `${input.path} is empty: there is nothing to remux.`);
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    throw describeFsError(err, input.path);
  }
  return createReadStream(input.path, ranged ? { start: input.offset!, end: input.offset! + input.size! - 1 } : {});
}

/** Which top-level boxes of ffmpeg's output a part keeps, and after which box it is complete. */
const KEEP: Record<TransmuxPart, { keep: (type: string) => boolean; doneAfter?: string }> = {
  init: { keep: (t) => t === 'ftyp' || t === 'moov', doneAfter: 'moov' },
  head: { keep: (t) => t === 'ftyp' || t === 'moov' || t === 'moof', doneAfter: 'moof' },
  media: { keep: (t) => t === 'moof' || t === 'mdat' || t === 'emsg' || t === 'prft' },
  all: { keep: () => true },
};

/** ffmpeg's complaint in one line, with its stdin named as the segment and its stdout as the output. */
function ffmpegReason(stderr: string, label: string): string {
  const lines = [...new Set(stderr.split(/\r?\n/).map((l) => l.replace(/^\[[^\]]+\]\s*/, '').trim()).filter((l) => l && l !== 'Conversion failed!'))];
  const text = lines.slice(-3).join('; ').replace(/pipe:0\b/g, label).replace(/pipe:1\b/g, 'the fMP4 output') || 'no message';
  return text.length > 400 ? text.slice(0, 400) + '…' : text;
}

/**
 * Remux one TS segment; resolves with the fMP4 bytes of `part` as a stream once ffmpeg has produced
 * the first of them, or rejects (naming the segment) when it cannot: the input is not MPEG-TS or is
 * corrupt (`ETRANSMUX`), its audio is not AAC while `aac` is set (`ETRANSMUXAAC`), it cannot be read
 * (the fs or HTTP error), or the time limit passed (`ETIMEDOUT`). Cancelling the returned stream,
 * or `signal`, stops ffmpeg and the input.
 */
/** The init segment the plan's remux of this segment left (see initCache), if any. */
export async function cachedInit(input: TransmuxInput, aac = true): Promise<Uint8Array | undefined> {
  return initCache.get(await initKey(input, aac))?.init;
}

export async function transmux(input: TransmuxInput, options: TransmuxOptions): Promise<ReadableStream<Uint8Array>> {
  if (options.part === 'init') {
    const hit = await cachedInit(input, options.aac ?? true);
    if (hit) return streamOf(hit);
  }
  const label = inputLabel(input);
  const where = describeInput(input);
  const bin = options.ffmpegPath ?? resolveBinary('ffmpeg').path;
  const source = await openInput(input, options);
  const rule = KEEP[options.part];
  const timeoutMs = options.timeoutMs ?? TRANSMUX_TIMEOUT_MS;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let settle!: { resolve: () => void; reject: (err: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  let sent = 0;
  /** Finished (closed, failed or cancelled): later events change nothing. */
  let over = false;
  let sawDone = false;
  const boxes = new TopLevelBoxes();
  const stderr = new TailBuffer(8192);
  const child = spawn(bin, transmuxArgs(options.aac ?? true, options.firstFragment ?? 1), { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, shell: false });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);

  const stop = () => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    source.unpipe(child.stdin);
    source.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const fail = (err: Error) => {
    if (over) return;
    over = true;
    stop();
    if (sent === 0) settle.reject(err);
    else controller.error(err);
  };
  const finish = () => {
    if (over) return;
    over = true;
    stop();
    controller.close();
    settle.resolve();
  };
  const inputError = (err: unknown) => (err instanceof WorkbenchError ? err : new WorkbenchError(errorCode(err) === 'EINTERNAL' ? 'EIO' : errorCode(err), `${where} could not be read: ${errorMessage(err)}`, { cause: err }));
  const onAbort = () => fail(new WorkbenchError('EABORTED', `The remux of ${label} was cancelled.`));
  const timer = setTimeout(() => fail(new WorkbenchError('ETIMEDOUT', `ffmpeg did not finish remuxing ${where} to fMP4 within ${Math.round(timeoutMs / 1000)} s and was stopped.`)), timeoutMs);

  const stream = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: () => void child.stdout.resume(),
      cancel: () => {
        over = true;
        stop();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 1024 * 1024 }),
  );

  child.stderr.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  child.stdin.on('error', () => {}); // EPIPE when ffmpeg gives up before reading everything
  source.on('error', (err) => fail(inputError(err)));
  source.pipe(child.stdin);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  child.stdout.on('data', (chunk: Buffer) => {
    if (over) return;
    let pieces;
    try {
      pieces = boxes.push(chunk);
    } catch (err) {
      return fail(new WorkbenchError('ETRANSMUX', `ffmpeg's fMP4 output for ${where} is malformed: ${errorMessage(err)}`));
    }
    for (const p of pieces) {
      if (!rule.keep(p.type)) continue;
      controller.enqueue(p.data);
      if (sent === 0) settle.resolve();
      sent += p.data.byteLength;
      if (p.last && p.type === rule.doneAfter) {
        sawDone = true;
        return finish();
      }
    }
    if ((controller.desiredSize ?? 1) <= 0) child.stdout.pause();
  });
  child.on('error', (err) => fail(new WorkbenchError('ESPAWN', `ffmpeg (${bin}) could not be started to remux ${where}: ${err.message}`, { cause: err })));
  child.on('close', (code) => {
    if (over) return;
    const reason = ffmpegReason(stderr.toString(), label);
    if (code !== 0) {
      if (/not supported by the bitstream filter 'aac_adtstoasc'/.test(stderr.toString())) {
        return fail(new WorkbenchError('ETRANSMUXAAC', `${where}: its audio is not AAC, so it cannot go through aac_adtstoasc (${reason}).`));
      }
      const notTs = /could not find codec parameters|Invalid data found/i.test(reason) ? ' Is it MPEG-TS? The bytes do not read as a transport stream with audio or video.' : '';
      return fail(new WorkbenchError('ETRANSMUX', `ffmpeg could not remux ${where} from MPEG-TS to fMP4 (exit code ${code}): ${reason}.${notTs}`));
    }
    if (rule.doneAfter && !sawDone) return fail(new WorkbenchError('ETRANSMUX', `ffmpeg's fMP4 output for ${where} has no ${rule.doneAfter} box: the segment holds no complete audio or video frame.`));
    if (sent === 0) return fail(new WorkbenchError('ETRANSMUX', `ffmpeg found no audio or video to remux in ${where}.`));
    finish();
  });

  await ready;
  return stream;
}

/** `head` bytes collected (small: ftyp, moov, the first moof), and whether AAC went through aac_adtstoasc. */
export async function transmuxHead(input: TransmuxInput, options: Omit<TransmuxOptions, 'part' | 'aac'> = {}): Promise<{ bytes: Uint8Array; aac: boolean }> {
  for (const aac of [true, false]) {
    const hit = initCache.get(await initKey(input, aac));
    if (hit) return { bytes: hit.head.slice(), aac };
  }
  for (const aac of [true, false]) {
    let stream: ReadableStream<Uint8Array>;
    try {
      stream = await transmux(input, { ...options, part: 'head', aac });
    } catch (err) {
      // A TS whose audio is MP3 or AC-3: the same remux without the AAC filter.
      if (aac && errorCode(err) === 'ETRANSMUXAAC') continue;
      throw err;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const c of stream as unknown as AsyncIterable<Uint8Array>) {
      total += c.byteLength;
      if (total > HEAD_LIMIT) {
        await stream.cancel().catch(() => {});
        throw new WorkbenchError('ETRANSMUX', `The first fragment ffmpeg made of ${describeInput(input)} is over 16 MiB of metadata; that is not a plausible segment.`);
      }
      chunks.push(c);
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    await rememberInit(input, aac, bytes);
    return { bytes, aac };
  }
  throw new WorkbenchError('ETRANSMUX', `ffmpeg could not remux ${describeInput(input)}.`);
}

const PARTS = new Set(['init', 'media', 'all']);

function intParam(params: URLSearchParams, key: string): number | undefined | null {
  const v = params.get(key);
  if (v === null) return undefined;
  return /^\d{1,15}$/.test(v) ? Number(v) : null;
}

function text(status: number, message: string): RelayedResponse {
  const bytes = new TextEncoder().encode(message + '\n');
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body: new ReadableStream({
      start(c) {
        c.enqueue(bytes);
        c.close();
      },
    }),
  };
}

/** HTTP status for a failed remux: the segment is bad (422), could not be fetched (502), too slow (504). */
function statusOf(code: string): number {
  if (code === 'ETRANSMUX' || code === 'ETRANSMUXAAC' || code === 'EEMPTY') return 422;
  if (code === 'ETIMEDOUT') return 504;
  if (code === 'ESPAWN') return 500;
  return 502;
}

/**
 * The HTTP answer to `GET /transmux/<id>?part=init|media|all[&offset=N&size=N][&aac=0][&seq=N]` for an
 * opened file (web mode and the desktop app's `app://` protocol alike): 200 with the fMP4 as it
 * comes out of ffmpeg, or an error status with one line naming the segment and what went wrong.
 */
export async function transmuxReply(file: OpenedFile, params: URLSearchParams, signal?: AbortSignal): Promise<RelayedResponse> {
  const part = params.get('part') ?? 'all';
  if (!PARTS.has(part)) return text(400, `part must be init, media or all, not ${JSON.stringify(part).slice(0, 40)}.`);
  const offset = intParam(params, 'offset');
  const size = intParam(params, 'size');
  if (offset === null || size === null || (offset === undefined) !== (size === undefined)) return text(400, 'offset and size go together, as whole numbers of bytes.');
  if (offset !== undefined && size !== undefined && (size === 0 || offset + size > file.size)) return text(416, `bytes ${offset}+${size} are not inside ${file.name} (${file.size} bytes).`);
  const aac = params.get('aac') !== '0';
  const seq = intParam(params, 'seq');
  if (seq === null || seq === 0 || (seq ?? 0) > 0xffff_ffff) return text(400, 'seq is the first fragment number, from 1 to 2^32 − 1.');
  // The whole file asked as a range is the whole file (one request, and the plan's cached init).
  const whole = offset === 0 && size === file.size;
  const input: TransmuxInput = { path: file.url ?? file.path, ...(offset !== undefined && !whole && { offset, size }) };
  try {
    // Says where an init segment came from, so the Player's log does not call a cache hit a remux.
    const remux = part === 'init' && (await cachedInit(input, aac)) ? 'plan' : 'ffmpeg';
    const body = await transmux(input, { part: part as TransmuxPart, aac, signal, firstFragment: seq });
    return { status: 200, headers: { 'Content-Type': 'video/mp4', 'Cache-Control': 'no-store', 'X-Remux': remux }, body };
  } catch (err) {
    return text(statusOf(errorCode(err)), errorMessage(err));
  }
}
