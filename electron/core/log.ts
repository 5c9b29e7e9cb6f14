import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from './data-dir';
import { errorMessage } from './errors';

/**
 * The workbench's log file: `<data folder>/logs/main.log`, rotated to `main.old.log` past 1 MiB.
 * Path, line format and rotation are electron-log's defaults, so the desktop app (which writes
 * through electron-log) and web mode or the CLI (which write through this module) produce one
 * file in one format.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export const LOG_MAX_BYTES = 1024 * 1024;

export function logsDir(dataDir: string = defaultDataDir()): string {
  return path.join(dataDir, 'logs');
}

export function logFilePath(dataDir: string = defaultDataDir()): string {
  return path.join(logsDir(dataDir), 'main.log');
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** electron-log's default line: `[2026-12-06 14:15:46.123] [info]  text`. */
export function formatLogLine(level: LogLevel, text: string, date = new Date()): string {
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  return `[${stamp}] [${level}]${level.length < 5 ? ' '.repeat(5 - level.length) : ''} ${text}`;
}

/** Text of a value for the log: errors with their stack, objects as JSON. */
export function logText(parts: unknown[]): string {
  return parts
    .map((p) => {
      if (p instanceof Error) return p.stack ?? `${p.name}: ${p.message}`;
      if (typeof p === 'string') return p;
      try {
        return JSON.stringify(p);
      } catch {
        return String(p);
      }
    })
    .join(' ');
}

/** A logger writing to one file (appends are synchronous: a crash must not lose its last line). */
export class FileLog {
  constructor(readonly file: string = logFilePath()) {}

  write(level: LogLevel, ...parts: unknown[]): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.rotate();
      appendFileSync(this.file, formatLogLine(level, logText(parts)) + '\n');
    } catch {
      // Logging must never take the workbench down (read-only home, full disk).
    }
  }

  private rotate(): void {
    let size = 0;
    try {
      size = statSync(this.file).size;
    } catch {
      return;
    }
    if (size < LOG_MAX_BYTES) return;
    renameSync(this.file, path.join(path.dirname(this.file), 'main.old.log'));
  }

  info(...parts: unknown[]): void {
    this.write('info', ...parts);
  }
  warn(...parts: unknown[]): void {
    this.write('warn', ...parts);
  }
  error(...parts: unknown[]): void {
    this.write('error', ...parts);
  }
}

/** Minimal logger shape the Node side is given (electron-log's functions fit it too). */
export interface Logger {
  info(...parts: unknown[]): void;
  warn(...parts: unknown[]): void;
  error(...parts: unknown[]): void;
}

/** Log an unexpected error to the default log file; returns its path (null if it could not be written). */
export function logError(context: string, err: unknown): string | null {
  const log = new FileLog();
  log.error(context, err instanceof Error ? err : errorMessage(err));
  try {
    statSync(log.file);
    return log.file;
  } catch {
    return null;
  }
}
