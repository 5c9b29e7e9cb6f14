/**
 * What the UI shows before anything is saved: the expected size for the current options (a sampled
 * estimate; under a size budget, with the settings the budget would likely pick) and a preview GIF
 * of the start of the selection made by the real encoder with the real settings.
 */
import { budgetBounds, knobsAt } from './budget';
import { estimateGif, FULL_SAMPLING, type Sampling } from './estimate';
import { budgetMaxima, withKnobs } from './export';
import { scratchDir } from './frames';
import type { GifEstimate, GifOptions, GifPreview, GifSettings, GifSourceInfo } from './gif-types';
import { resolveSettings } from './plan';
import { MemorySink, renderGif } from './render';
import type { GifRunner } from './runner';

export interface PlannedEstimate {
  settings: GifSettings;
  estimate: GifEstimate;
}

/** Settings and expected size for options; under a budget, the settings a search would start from. */
export async function estimateForOptions(source: GifSourceInfo, options: GifOptions, runner: GifRunner, sampling: Sampling = FULL_SAMPLING): Promise<PlannedEstimate> {
  const base = resolveSettings(options, source);
  const scratch = await scratchDir();
  try {
    if (options.maxBytes === undefined) {
      return { settings: base, estimate: await estimateGif(source.path, base, runner, scratch.dir, sampling) };
    }
    const maxima = budgetMaxima(options, source, base);
    const atMax = withKnobs(base, maxima, source);
    const top = await estimateGif(source.path, atMax, runner, scratch.dir, sampling);
    if (top.bytes <= options.maxBytes) return { settings: atMax, estimate: top };
    const knobs = knobsAt((0.93 * options.maxBytes) / top.bytes, budgetBounds(maxima));
    const settings = withKnobs(base, knobs, source);
    return { settings, estimate: await estimateGif(source.path, settings, runner, scratch.dir, sampling) };
  } finally {
    await scratch.dispose();
  }
}

/** A preview of the first `maxSeconds` of the selection, encoded for real (in memory). */
export async function previewGif(source: GifSourceInfo, settings: GifSettings, runner: GifRunner, maxSeconds = 4): Promise<GifPreview> {
  const seconds = Math.min(settings.duration, maxSeconds);
  const s = { ...settings, duration: seconds };
  const scratch = await scratchDir();
  try {
    const sink = new MemorySink();
    const stats = await renderGif(source.path, s, runner, scratch.dir, sink.write, { decode: [0, 40], encode: [40, 100], label: ' (preview)' });
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
  } finally {
    await scratch.dispose();
  }
}
