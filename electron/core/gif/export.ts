/**
 * GIF export end to end: probe the input, settle the settings (or search them under a size budget),
 * encode into a temporary file beside the target and move it into place only when it is complete.
 * It runs as a job (`job.ts`, or stand-alone through `runStandalone`): ffmpeg passes, progress, the
 * safe output and the scratch folder all come from the JobContext.
 */
import { open } from 'node:fs/promises';
import { formatBytes } from '../format';
import { budgetBounds, fitBudget, type BudgetKnobs } from './budget';
import { estimateGif } from './estimate';
import type { GifBudgetReport, GifOptions, GifResult, GifSettings, GifSourceInfo } from './gif-types';
import { parseGifOptions } from './options';
import { frameCount, heightFor, MAX_RAW_BYTES, resolveSettings } from './plan';
import { probeSource } from './probe';
import { MemorySink, renderGif } from './render';
import type { JobContext, JobResult } from '../jobs/types';

export interface GifExportRequest {
  input: string;
  output: string;
  options: GifOptions;
  overwrite?: boolean;
}

export interface GifExportDeps {
  /** Already probed (saves an ffprobe run when the caller has it). */
  source?: GifSourceInfo;
}

/** In size-budget mode, width and fps are maxima; unset, they default to generous ones. */
export function budgetMaxima(options: GifOptions, source: GifSourceInfo, base: GifSettings): BudgetKnobs {
  let width = options.width ?? Math.min(source.width, 960);
  const fps = options.fps ?? Math.max(1, Math.min(30, Math.round(source.fps) || 30));
  // Long selections: keep the largest attempt within what the decode pass accepts.
  const raw = width * heightFor(width, source) * 3 * frameCount(base.duration, fps);
  if (raw > MAX_RAW_BYTES) width = Math.max(16, Math.floor(width * Math.sqrt(MAX_RAW_BYTES / raw)));
  return { width, fps, colours: base.colours, quality: base.quality };
}

export function withKnobs(base: GifSettings, knobs: BudgetKnobs, source: GifSourceInfo): GifSettings {
  return { ...base, width: knobs.width, height: heightFor(knobs.width, source), fps: knobs.fps, colours: knobs.colours, quality: knobs.quality };
}

/** One line for a job list: "GIF 480×270, 15 fps, 90 frames, 6.00 s, 3.97 MB". */
export function gifSummary(r: Pick<GifResult, 'width' | 'height' | 'fps' | 'frames' | 'duration' | 'bytes'>): string {
  return `GIF ${r.width}×${r.height}, ${r.fps} fps, ${r.frames} frames, ${r.duration.toFixed(2)} s, ${formatBytes(r.bytes)}`;
}

/** Export a GIF; the committed job result's `details` are the GIF's own (size, frames, chosen settings, budget). */
export async function exportGif(req: GifExportRequest, job: JobContext, deps: GifExportDeps = {}): Promise<JobResult<GifResult>> {
  const started = Date.now();
  const source = deps.source ?? (await probeSource(req.input));
  const options = parseGifOptions(req.options);
  const base = resolveSettings(options, source);
  const maxBytes = options.maxBytes;
  const out = await job.output(req.output, { kind: 'file', overwrite: req.overwrite ?? false, inputs: [source.path] });
  const scratch = await job.scratchDir();
  let settings = base;
  let budget: GifBudgetReport | null = null;
  let stats;
  if (maxBytes === undefined) {
    const fh = await open(out.tempPath, 'w');
    try {
      stats = await renderGif(source.path, settings, job, scratch, async (b) => {
        await fh.write(b);
      });
    } finally {
      await fh.close();
    }
  } else {
    const maxima = budgetMaxima(options, source, base);
    const bounds = budgetBounds(maxima);
    job.progress({ percent: 0, stage: 'estimate' });
    const atMax = withKnobs(base, maxima, source);
    const estimate = await estimateGif(source.path, atMax, job, scratch);
    job.log(`size budget ${formatBytes(maxBytes)}: estimate at ${maxima.width} px, ${maxima.fps} fps is ${formatBytes(estimate.bytes)}\n`);
    // Attempt k fills [from, from + half of what is left): the bar always moves, never runs back.
    let from = 5;
    const found = await fitBudget(
      maxBytes,
      bounds,
      async (knobs, attempt) => {
        const s = withKnobs(base, knobs, source);
        const to = from + (100 - from) / 2;
        const mid = from + (to - from) * 0.4;
        const sink = new MemorySink();
        const label = ` (attempt ${attempt}: ${knobs.width} px, ${knobs.fps} fps, ${knobs.colours} colours)`;
        const st = await renderGif(source.path, s, job, scratch, sink.write, { decode: [from, mid], encode: [mid, to], label });
        from = to;
        job.log(`attempt ${attempt}: ${knobs.width} px, ${knobs.fps} fps, ${knobs.colours} colours, quality ${knobs.quality} → ${formatBytes(sink.bytes)}\n`);
        return { bytes: sink.bytes, value: { sink, stats: st, settings: s } };
      },
      { estimateAtMax: estimate.bytes },
    );
    settings = found.value.settings;
    stats = found.value.stats;
    budget = {
      maxBytes,
      attempts: found.attempts.map((a) => ({ width: a.width, fps: a.fps, colours: a.colours, quality: a.quality, bytes: a.bytes })),
      outcome: found.outcome,
    };
    const fh = await open(out.tempPath, 'w');
    try {
      for (const c of found.value.sink.chunks) await fh.write(c);
    } finally {
      await fh.close();
    }
  }
  const result: GifResult = {
    output: out.target,
    bytes: stats.bytes,
    width: settings.width,
    height: settings.height,
    fps: settings.fps,
    frames: stats.frames,
    gifFrames: stats.gifFrames,
    duration: stats.frames / settings.fps,
    chosen: settings,
    budget,
    elapsedMs: Date.now() - started,
  };
  job.progress({ percent: 100, stage: 'done' });
  return out.commit({ summary: gifSummary(result), durationSeconds: result.duration, details: result });
}
