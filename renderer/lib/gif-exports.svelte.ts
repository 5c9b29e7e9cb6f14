/**
 * GIF exports started from anywhere in the UI (the GIF view, an "Export GIF" button in the Inspector
 * or Player): their progress and results, kept in one place so every view shows the same state.
 */
import type { GifOptions, GifResult } from '../../electron/contract/gif';
import { client, ClientError } from './client';
import { notify } from './workspace.svelte';
import { saveSettings } from './settings.svelte';

export interface GifExportState {
  exportId: string;
  fileId: string;
  output: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  percent: number;
  stage: string;
  result: GifResult | null;
  error: string | null;
  startedAt: number;
}

export const gifExports = $state({ list: [] as GifExportState[] });

let listening = false;
function listen(): void {
  if (listening) return;
  listening = true;
  client.on('gif.progress', ({ exportId, percent, stage }) => {
    const e = gifExports.list.find((x) => x.exportId === exportId);
    if (e && e.state === 'running') {
      e.percent = Math.max(e.percent, percent);
      e.stage = stage;
    }
  });
  client.on('gif.finished', (msg) => {
    const e = gifExports.list.find((x) => x.exportId === msg.exportId);
    if (!e) return;
    if (msg.ok) {
      e.state = 'done';
      e.percent = 100;
      e.result = msg.result;
      e.output = msg.result.output;
    } else {
      e.state = msg.error.code === 'ECANCELLED' ? 'cancelled' : 'failed';
      e.error = msg.error.message;
      if (e.state === 'failed') notify('error', msg.error.message);
    }
  });
}

/** Start an export; resolves once it is running (its progress then arrives as events). */
export async function startGifExport(fileId: string, options: GifOptions, output?: string): Promise<GifExportState> {
  // What the user chose becomes the GIF view's defaults next time (the trim belongs to this file only).
  const { start: _s, end: _e, duration: _d, ...defaults } = options;
  void saveSettings({ gif: defaults });
  listen();
  const started = await client.call('gifExport', { id: fileId, options, ...(output ? { output } : {}) });
  const entry: GifExportState = {
    exportId: started.exportId,
    fileId,
    output: started.output,
    state: 'running',
    percent: 0,
    stage: 'starting',
    result: null,
    error: null,
    startedAt: Date.now(),
  };
  gifExports.list.unshift(entry);
  if (gifExports.list.length > 20) gifExports.list.pop();
  // Return the reactive proxy, so callers see progress updates.
  return gifExports.list[0]!;
}

export async function cancelGifExport(exportId: string): Promise<void> {
  try {
    await client.call('gifCancel', { exportId });
  } catch (err) {
    if (!(err instanceof ClientError && err.code === 'ENOEXPORT')) throw err;
  }
}

/** Engine stage names ("decode", "encode (attempt 2: 400 px, …)") as a person reads them. */
export function stageLabel(stage: string): string {
  const m = /^(\w+)(.*)$/.exec(stage);
  if (!m) return stage;
  const words: Record<string, string> = { starting: 'Starting', estimate: 'Estimating', decode: 'Decoding', encode: 'Encoding', done: 'Finishing' };
  return (words[m[1]!] ?? m[1]!) + m[2]!;
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n >= 100 * 1024 * 1024 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
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
