/**
 * The one ffmpeg pass of a GIF export: decode the trim range, resample to the GIF's rate, scale, and
 * write raw RGB frames to a temporary file that the encoder then reads (several times: palettes
 * first). A file rather than a pipe keeps the pass an ordinary ffmpeg job (progress, cancel, log) and
 * keeps memory flat on long clips.
 */
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { WorkbenchError } from '../errors';
import type { FrameSource } from './encoder';
import type { GifSettings } from './gif-types';
import { frameCount } from './plan';
import { fileArg, inputArgs } from '../ffmpeg-input';
import type { PassContext } from '../jobs/types';

/** Scaling as the benchmark's reference frames are made: Lanczos with full chroma precision. */
export function scaleFilter(width: number, height: number): string {
  return `scale=${width}:${height}:flags=lanczos+accurate_rnd+full_chroma_int`;
}

/** The video filter chain: constant rate first (drops/duplicates at source resolution), then scale. */
export function frameFilter(s: Pick<GifSettings, 'fps' | 'width' | 'height'>): string {
  return `fps=${s.fps},${scaleFilter(s.width, s.height)},format=rgb24`;
}

/** ffmpeg arguments that decode `duration` seconds from `start` into raw RGB frames at `out`. */
export function decodeArgs(input: string, range: { start: number; duration: number }, s: Pick<GifSettings, 'fps' | 'width' | 'height'>, out: string, maxFrames: number): string[] {
  return [
    // -ss before -i seeks to the keyframe before and decodes up to the exact time (frame-accurate).
    ...(range.start > 0 ? ['-ss', range.start.toFixed(6)] : []),
    '-t',
    range.duration.toFixed(6),
    ...inputArgs(input),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    frameFilter(s),
    '-frames:v',
    String(maxFrames),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    fileArg(out),
  ];
}

/** Frames in a raw RGB file, read by offset; small files are kept in memory after the first read. */
export class RawFrameFile implements FrameSource {
  private cache: Uint8Array[] | null = null;

  private constructor(
    private readonly handle: FileHandle,
    readonly count: number,
    readonly frameSize: number,
    keepInMemory: boolean,
  ) {
    if (keepInMemory) this.cache = [];
  }

  static async open(file: string, width: number, height: number, maxMemory = 256 * 1024 * 1024): Promise<RawFrameFile> {
    const frameSize = width * height * 3;
    const { size } = await stat(file);
    const count = Math.floor(size / frameSize);
    return new RawFrameFile(await open(file, 'r'), count, frameSize, size <= maxMemory);
  }

  async frame(index: number): Promise<Uint8Array> {
    if (index < 0 || index >= this.count) throw new RangeError(`frame ${index} of ${this.count}`);
    const hit = this.cache?.[index];
    if (hit) return hit;
    const buf = new Uint8Array(this.frameSize);
    let done = 0;
    while (done < this.frameSize) {
      const { bytesRead } = await this.handle.read(buf, done, this.frameSize - done, index * this.frameSize + done);
      if (bytesRead === 0) throw new WorkbenchError('EIO', `The decoded frames ended early (frame ${index}).`);
      done += bytesRead;
    }
    if (this.cache) this.cache[index] = buf;
    return buf;
  }

  async close(): Promise<void> {
    this.cache = null;
    await this.handle.close();
  }
}

/**
 * Frames of a raw file that ffmpeg is still writing: `frame(i)` waits until frame i is complete on
 * disk, so the encoder's palette pass runs while ffmpeg decodes (two cores, two jobs). `count` is
 * the number of frames expected; if ffmpeg ends one or two short (rounding at the end of the input),
 * the last frame stands in for them, which the encoder merges into the previous delay.
 */
export class GrowingRawFrames implements FrameSource {
  private handle: FileHandle | null = null;
  private readonly cache: (Uint8Array | undefined)[] | null;
  private finished = false;
  private failure: unknown = null;
  private written = 0;
  private waiters: (() => void)[] = [];
  readonly frameSize: number;

  constructor(
    private readonly file: string,
    width: number,
    height: number,
    readonly count: number,
    maxMemory = 256 * 1024 * 1024,
  ) {
    this.frameSize = width * height * 3;
    this.cache = this.frameSize * count <= maxMemory ? [] : null;
  }

  /** Frames fully written so far (exact once finished). */
  get available(): number {
    return Math.floor(this.written / this.frameSize);
  }

  /** ffmpeg finished: no more frames will come. */
  async finish(): Promise<void> {
    await this.refresh();
    this.finished = true;
    this.wake();
  }

  /** Make every pending and future read fail with `err` (ffmpeg failed, the input is damaged, cancel). */
  fail(err: unknown): void {
    this.failure = err;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async refresh(): Promise<void> {
    try {
      this.written = (await stat(this.file)).size;
    } catch {
      this.written = 0; // not created yet
    }
  }

  private async waitFor(index: number): Promise<void> {
    for (let delay = 5; ; delay = Math.min(50, delay * 2)) {
      if (this.failure) throw this.failure;
      if (this.available > index || this.finished) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      if (!this.finished) await this.refresh();
    }
  }

  async frame(index: number): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    const hit = this.cache?.[index];
    if (hit) return hit;
    await this.waitFor(index);
    if (this.failure) throw this.failure;
    const have = this.available;
    if (have === 0) throw new WorkbenchError('EDAMAGED', 'No frames were decoded.');
    const at = Math.min(index, have - 1);
    if (at !== index && this.cache?.[at]) return this.cache[at]!;
    this.handle ??= await open(this.file, 'r');
    const buf = new Uint8Array(this.frameSize);
    let done = 0;
    while (done < this.frameSize) {
      const { bytesRead } = await this.handle.read(buf, done, this.frameSize - done, at * this.frameSize + done);
      if (bytesRead === 0) throw new WorkbenchError('EIO', `The decoded frames ended early (frame ${at}).`);
      done += bytesRead;
    }
    if (this.cache) this.cache[at] = buf;
    return buf;
  }

  /** Release memory and the file handle, and delete the file (it can be large). */
  async close(): Promise<void> {
    this.cache?.splice(0);
    const h = this.handle;
    this.handle = null;
    await h?.close();
    await rm(this.file, { force: true, maxRetries: 5, retryDelay: 100 });
  }
}

export interface DecodeRun {
  frames: GrowingRawFrames;
  /** Settles when ffmpeg is done and the result is checked; rejects (and fails `frames`) on a damaged input. */
  done: Promise<{ problems: string[] }>;
}

/**
 * Start decoding a range into `dir`; frames can be read while ffmpeg runs. A damaged or cut-short
 * input often "succeeds" with far fewer frames than its header promises: that is an error naming
 * the file, not a short GIF.
 */
export function startDecode(
  input: string,
  range: { start: number; duration: number },
  s: Pick<GifSettings, 'fps' | 'width' | 'height'>,
  job: PassContext,
  dir: string,
  pass: { label: string; share: [number, number] },
): DecodeRun {
  // A fresh name per decode: a budget search decodes several times into the same folder, and a
  // file left by the previous attempt must never be mistaken for this one's output.
  const name = `frames-${randomBytes(6).toString('hex')}.rgb`;
  const expected = frameCount(range.duration, s.fps);
  const out = path.join(dir, name);
  const frames = new GrowingRawFrames(out, s.width, s.height, expected);
  const done = (async () => {
    let problems: string[];
    try {
      ({ problems } = await job.ffmpeg(decodeArgs(input, range, s, out, expected), { ...pass, durationSeconds: range.duration }));
    } catch (err) {
      if (err instanceof WorkbenchError && err.code === 'EFFMPEG') {
        throw new WorkbenchError('EDECODE', `Could not decode ${input}: ${err.message}`, { cause: err });
      }
      throw err;
    }
    await frames.finish();
    const got = frames.available;
    const damaged = problems.some((p) => /partial file|invalid data|error while decoding|corrupt|truncat|moov atom not found/i.test(p));
    // ±1 frame is rounding at the ends; more missing than that with decode errors means a damaged input.
    if (got === 0 || (got < expected - Math.max(1, expected * 0.05) && damaged)) {
      const detail = problems.length ? ` ffmpeg said: ${problems[problems.length - 1]}` : '';
      throw new WorkbenchError(
        'EDAMAGED',
        got === 0
          ? `${input}: no video frames could be decoded from ${range.start.toFixed(2)} s on.${detail}`
          : `${input} looks truncated or damaged: only ${(got / s.fps).toFixed(2)} s of the ${range.duration.toFixed(2)} s asked for could be decoded.${detail}`,
      );
    }
    return { problems };
  })();
  done.catch((err: unknown) => frames.fail(err));
  return { frames, done };
}
