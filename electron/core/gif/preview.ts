/**
 * What the UI shows before anything is saved: the expected size for the current options (a sampled
 * estimate; under a size budget, with the settings the budget would likely pick) and a preview GIF
 * of the start of the selection made by the real encoder with the real settings. Both run with a
 * PassContext (the handlers use `runStandalone`), whose scratch folders are deleted when it ends.
 */
import { budgetBounds, knobsAt } from './budget';
import { estimateGif, FULL_SAMPLING, type Sampling } from './estimate';
import { budgetMaxima, withKnobs } from './export';
import type { GifEstimate, GifOptions, GifPreview, GifSettings, GifSourceInfo } from './gif-types';
import { resolveSettings } from './plan';
import { MemorySink, renderGif } from './render';
import type { PassContext } from '../jobs/types';

export interface PlannedEstimate {
  settings: GifSettings;
  estimate: GifEstimate;
}

/** Settings and expected size for options; under a budget, the settings a search would start from. */
export async function estimateForOptions(source: GifSourceInfo, options: GifOptions, job: PassContext, sampling: Sampling = FULL_SAMPLING): Promise<PlannedEstimate> {
  const base = resolveSettings(options, source);
  const scratch = await job.scratchDir();
  if (options.maxBytes === undefined) {
    return { settings: base, estimate: await estimateGif(source.path, base, job, scratch, sampling) };
  }
  const maxima = budgetMaxima(options, source, base);
  const atMax = withKnobs(base, maxima, source);
  const top = await estimateGif(source.path, atMax, job, scratch, sampling);
  if (top.bytes <= options.maxBytes) return { settings: atMax, estimate: top };
  const knobs = knobsAt((0.93 * options.maxBytes) / top.bytes, budgetBounds(maxima));
  const settings = withKnobs(base, knobs, source);
  return { settings, estimate: await estimateGif(source.path, settings, job, scratch, sampling) };
}

/** A preview of the first `maxSeconds` of the selection, encoded for real (in memory). */
export async function previewGif(source: GifSourceInfo, settings: GifSettings, job: PassContext, maxSeconds = 4): Promise<GifPreview> {
  const seconds = Math.min(settings.duration, maxSeconds);
  const s = { ...settings, duration: seconds };
  const sink = new MemorySink();
  const stats = await renderGif(source.path, s, job, await job.scratchDir(), sink.write, { decode: [0, 40], encode: [40, 100], label: ' (preview)' });
  return {
    gifBase64: sink.concat().toString('base64'),
    bytes: sink.bytes,
    width: s.width,
    height: s.height,
    fps: s.fps,
    frames: stats.frames,
    seconds: stats.frames / s.fps,
    partial: settings.duration > seconds + 1e-6,
    settings,
  };
}
