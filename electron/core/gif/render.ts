/**
 * One encode of a trim range at fixed settings: the decode pass, then our encoder, bytes to a sink.
 * Used by the export (once, or per attempt under a size budget), the preview and the estimate.
 */
import { encodeGif, type EncodeStats } from './encoder';
import { decodeFrames } from './frames';
import type { GifSettings } from './gif-types';
import { encoderSettings } from './plan';
import { cancelledError, throwIfCancelled, type GifRunner } from './runner';

export interface RenderShare {
  /** Share of the job's 0–100 for decoding and for encoding. */
  decode: [number, number];
  encode: [number, number];
  /** Stage label suffix, e.g. " (attempt 2)". */
  label?: string;
}

export async function renderGif(
  input: string,
  settings: GifSettings,
  runner: GifRunner,
  scratch: string,
  write: (bytes: Uint8Array) => Promise<void> | void,
  share: RenderShare = { decode: [0, 40], encode: [40, 100] },
): Promise<EncodeStats> {
  const suffix = share.label ?? '';
  const { frames } = await decodeFrames(input, settings, settings, runner, scratch, { label: `decode${suffix}`, share: share.decode });
  try {
    throwIfCancelled(runner.signal);
    const [a, b] = share.encode;
    return await encodeGif(frames, encoderSettings(settings), {
      write,
      signal: runner.signal,
      progress: (f) => runner.progress(a + f * (b - a), `encode${suffix}`),
    });
  } catch (err) {
    if (runner.signal.aborted) throw cancelledError();
    throw err;
  } finally {
    await frames.close();
  }
}

/** Collects written chunks in memory (size-budget attempts and previews). */
export class MemorySink {
  readonly chunks: Uint8Array[] = [];
  bytes = 0;
  readonly write = (b: Uint8Array): void => {
    this.chunks.push(b.slice());
    this.bytes += b.length;
  };
  concat(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
