/**
 * GIF exports started from anywhere in the UI (the GIF view, an "Export GIF" button in the Inspector
 * or Player). An export is a job of the shared queue: this store follows `jobs.*` events for jobs of
 * kind "gif", so every view (and the Jobs view) shows the same state.
 */
import type { GifOptions, GifResult } from '../../electron/contract/gif';
import type { JobRecord } from '../../electron/contract/jobs';
import { gifDetails } from '../../electron/core/gif/job-result';
import { client, ClientError } from './client';
import { notify } from './workspace.svelte';
import { saveSettings } from './settings.svelte';

export interface GifExportState {
  /** The job's id. */
  id: string;
  /** The opened file it was started from (null for exports from an earlier session). */
  fileId: string | null;
  output: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  percent: number;
  stage: string;
  result: GifResult | null;
  error: string | null;
  startedAt: number;
}

export const gifExports = $state({ list: [] as GifExportState[] });

const RUNNING: JobRecord['state'][] = ['queued', 'running', 'cancelling'];

function stateOf(job: JobRecord): GifExportState['state'] {
  if (RUNNING.includes(job.state)) return 'running';
  if (job.state === 'done') return 'done';
  return job.state === 'cancelled' ? 'cancelled' : 'failed';
}

/** Fold a job record into its entry (new entries go first). */
function apply(job: JobRecord, fileId: string | null = null): GifExportState {
  let e = gifExports.list.find((x) => x.id === job.id);
  if (!e) {
    gifExports.list.unshift({
      id: job.id,
      fileId,
      output: job.output,
      state: 'running',
      percent: 0,
      stage: 'starting',
      result: null,
      error: null,
      startedAt: job.createdAt,
    });
    if (gifExports.list.length > 20) gifExports.list.pop();
    e = gifExports.list[0]!;
  }
  // The queue's first event can arrive before the call that started the export returns.
  e.fileId ??= fileId;
  const before = e.state;
  e.state = stateOf(job);
  if (e.state === 'running' && job.progress) {
    e.percent = Math.max(e.percent, job.progress.percent ?? 0);
    if (job.progress.stage) e.stage = job.progress.stage;
  }
  if (e.state === 'done') {
    e.percent = 100;
    e.result = gifDetails(job);
    e.output = job.result?.path ?? e.output;
  } else if (e.state !== 'running') {
    e.error = job.error?.message ?? `The GIF export was ${job.state}.`;
    if (e.state === 'failed' && before === 'running') notify('error', e.error);
  }
  return e;
}

let listening = false;
function listen(): void {
  if (listening) return;
  listening = true;
  client.on('jobs.changed', ({ job }) => {
    if (job.kind === 'gif') apply(job);
  });
  client.on('jobs.progress', ({ id, progress }) => {
    const e = gifExports.list.find((x) => x.id === id);
    if (e && e.state === 'running') {
      e.percent = Math.max(e.percent, progress.percent ?? 0);
      if (progress.stage) e.stage = progress.stage;
    }
  });
  client.on('jobs.removed', ({ id }) => {
    gifExports.list = gifExports.list.filter((x) => x.id !== id);
  });
}

/** Start an export; resolves once it is queued (its progress then arrives as `jobs.*` events). */
export async function startGifExport(fileId: string, options: GifOptions, output?: string): Promise<GifExportState> {
  // What the user chose becomes the GIF view's defaults next time (the trim belongs to this file only).
  const { start: _s, end: _e, duration: _d, ...defaults } = options;
  void saveSettings({ gif: defaults });
  listen();
  const job = await client.call('gifExport', { id: fileId, options, ...(output ? { output } : {}) });
  // Return the reactive proxy, so callers see progress updates.
  return apply(job, fileId);
}

export async function cancelGifExport(id: string): Promise<void> {
  try {
    await client.call('jobCancel', { id });
  } catch (err) {
    if (!(err instanceof ClientError && err.code === 'ENOJOB')) throw err;
  }
}

/** Engine stage names ("decode", "encode (attempt 2: 400 px, …)") as a person reads them. */
export function stageLabel(stage: string): string {
  const m = /^(\w+)(.*)$/.exec(stage);
  if (!m) return stage;
  const words: Record<string, string> = { starting: 'Starting', estimate: 'Estimating', decode: 'Decoding', encode: 'Encoding', done: 'Finishing' };
  return (words[m[1]!] ?? m[1]!) + m[2]!;
}

/** 83.25 → "1:23.250"; for trim fields. */
export function formatTime(seconds: number): string {
  const s = Math.max(0, seconds);
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${m}:${rest.toFixed(3).padStart(6, '0')}`;
}

/** "1:23.25", "83.25", "1:02:03.5" → seconds; null when it is not a time. */
export function parseTime(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(:\d{1,2}){0,2}(\.\d+)?$/.test(t)) return null;
  const parts = t.split(':').map(Number);
  let v = 0;
  for (const p of parts) v = v * 60 + p;
  return Number.isFinite(v) ? v : null;
}
