/**
 * The Player's event log as JSON, in the spirit of chrome://media-internals' export: what was
 * played, when, by which browser, and every event in order with its time (milliseconds since the
 * load), who said it, its level and, where known, the plan stream, the segment and `buffered` after it.
 */
import { downloadBlob } from '../download';
import type { LogEntry, LogLevel } from './player';

export interface ExportedEvent {
  /** Milliseconds since the source was loaded. */
  t: number;
  source: string;
  type: string;
  level: LogLevel;
  text: string;
  /** The plan's stream (rendition) the event is about, or null. */
  stream: number | null;
  segment: number | null;
  buffered: string | null;
}

export interface ExportedLog {
  /** The file name, path or URL that was loaded. */
  source: string;
  /** ISO 8601 wall-clock time of the load. */
  startedAt: string;
  userAgent: string;
  events: ExportedEvent[];
}

export interface LogMeta {
  source: string;
  /** Epoch milliseconds. */
  startedAt: number;
  userAgent: string;
}

export function exportLog(entries: readonly LogEntry[], meta: LogMeta): ExportedLog {
  return {
    source: meta.source,
    startedAt: new Date(meta.startedAt).toISOString(),
    userAgent: meta.userAgent,
    events: entries.map((e) => ({
      t: Math.round(e.t * 1000) / 1000,
      source: e.source,
      type: e.type,
      level: e.level,
      text: e.text,
      stream: e.stream ?? null,
      segment: e.segment ?? null,
      buffered: e.buffered ?? null,
    })),
  };
}

/** `clip.mp4.events-2026-12-06T17-03-20.json`: the source's name and the load's time, safe in any file system. */
export function exportName(name: string, startedAt: number): string {
  const base = name.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').slice(0, 120) || 'player';
  const stamp = new Date(startedAt).toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
  return `${base}.events-${stamp}.json`;
}

/** Save the log as a JSON file (a download). */
export function downloadLog(entries: readonly LogEntry[], meta: LogMeta & { name: string }): void {
  const json = JSON.stringify(exportLog(entries, meta), null, 2);
  downloadBlob(exportName(meta.name, meta.startedAt), new Blob([json], { type: 'application/json' }));
}
