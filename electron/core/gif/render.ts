/**
 * One encode of a trim range at fixed settings: the decode pass, then our encoder, bytes to a sink.
 * Used by the export (once, or per attempt under a size budget), the preview and the estimate.
 */
import { encodeGif, type EncodeStats } from './encoder';
import { startDecode } from './frames';
import type { GifSettings } from './gif-types';
import { encoderSettings } from './plan';
import { JobCancelledError, throwIfCancelled } from '../jobs/runner';
import type { PassContext } from '../jobs/types';

export interface RenderShare {
  /** Share of the job's 0–100 for decoding and for encoding. */
  decode: [number, number];
  encode: [number, number];
  /** Stage label suffix, e.g. " (attempt 2)". */
  label?: string;
}

/** Progress of in-process work, to a tenth of a percent (finer steps are noise in the UI). */
export const tenths = (percent: number): number => Math.round(percent * 10) / 10;

export async function renderGif(
  input: string,
  settings: GifSettings,
  job: PassContext,
  scratch: string,
  write: (bytes: Uint8Array) => Promise<void> | void,
  share: RenderShare = { decode: [0, 40], encode: [40, 100] },
): Promise<EncodeStats> {
  const suffix = share.label ?? '';
  const { frames, done } = startDecode(input, settings, settings, job, scratch, { label: `decode${suffix}`, share: share.decode });
  const enc = encoderSettings(settings);
  // The palette pass reads frames as ffmpeg writes them; only the last pass shows as "encode".
  const lastPass = enc.paletteMode === 'per-frame' ? 0 : 0.5;
  const [a, b] = share.encode;
  const encoding = encodeGif(frames, enc, {
    write,
    signal: job.signal,
    progress: (f) => {
      if (f >= lastPass) job.progress({ percent: tenths(a + ((f - lastPass) / (1 - lastPass)) * (b - a)), stage: `encode${suffix}` });
    },
  });
  const [decoded, encoded] = await Promise.allSettled([done, encoding]);
  await frames.close();
  if (job.signal.aborted) throw new JobCancelledError();
  // A decode failure explains an encode failure (the frames stopped), never the other way round.
  if (decoded.status === 'rejected') throw decoded.reason;
  if (encoded.status === 'rejected') throw encoded.reason;
  throwIfCancelled(job.signal);
  return encoded.value;
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
