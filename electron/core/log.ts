import path from 'node:path';
import electronLog from 'electron-log/node';
import { resolveBinary } from './binaries';
import { defaultDataDir } from './data-dir';

/**
 * The workbench's log file, `<data folder>/logs/main.log`, rotated to `main.old.log` past 1 MiB.
 * Written with electron-log (its Node flavour, which runs the same in Electron's main process) by
 * the desktop app, web mode and the CLI alike: one file, one format.
 */
export interface Logger {
  info(...parts: unknown[]): void;
  warn(...parts: unknown[]): void;
  error(...parts: unknown[]): void;
}

type ElectronLogger = ReturnType<typeof electronLog.create>;

export const LOG_MAX_BYTES = 1024 * 1024;
export const APP_NAME = 'Media Workbench';

export function logsDir(dataDir: string = defaultDataDir()): string {
  return path.join(dataDir, 'logs');
}

export function logFilePath(dataDir: string = defaultDataDir()): string {
  return path.join(logsDir(dataDir), 'main.log');
}

/** Settings both flavours of electron-log share (the transports object has the same shape). */
export function configureFileTransport(file: { resolvePathFn: unknown; maxSize: number; format: unknown }, logFile: string): void {
  file.resolvePathFn = () => logFile;
  file.maxSize = LOG_MAX_BYTES;
  file.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}]{scope} {text}';
}

const loggers = new Map<string, ElectronLogger>();

/** Uncaught exceptions and unhandled rejections go to `log` (electron-log's handler; no dialog). */
export function catchUncaught(log: Logger): void {
  (log as ElectronLogger).errorHandler?.startCatching({ showDialog: false });
}

/** A logger that writes to `file` only (never the console: stdout belongs to the CLI's output). */
export function fileLogger(file: string = logFilePath()): ElectronLogger {
  let log = loggers.get(file);
  if (!log) {
    const l = electronLog.create({ logId: `mwb:${file}` });
    l.transports.file.setAppName(APP_NAME);
    configureFileTransport(l.transports.file, file);
    l.transports.console.level = false;
    log = l;
    loggers.set(file, log);
  }
  return log;
}

/** The log's first lines for a run: version, binding, and which ffmpeg it uses. */
export function logStart(log: Logger, version: string, where: string): void {
  log.info(`Media Workbench ${version} started (${where}; node ${process.versions.node}, ${process.platform}-${process.arch}, pid ${process.pid})`);
  try {
    const ffmpeg = resolveBinary('ffmpeg');
    log.info(`ffmpeg: ${ffmpeg.path} (${ffmpeg.source})`);
  } catch (err) {
    log.warn('ffmpeg: not found:', err instanceof Error ? err.message : String(err));
  }
}

/** Log an unexpected error to the default log file; returns the file's path. */
export function logError(context: string, err: unknown): string {
  const file = logFilePath();
  fileLogger(file).error(context, err);
  return file;
}
