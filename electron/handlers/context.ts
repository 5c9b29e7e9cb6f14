import type { EventMap, EventName, MethodName, ParsedArgsOf, ResultOf } from '../api';
import type { FileRegistry } from '../core/files';
import type { Logger } from '../core/log';

/** What a handler may use. Bindings (Electron, web, tests) provide it; handlers never import electron. */
export interface HandlerContext {
  mode: 'electron' | 'web';
  files: FileRegistry;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  /** Native open dialog; present only in the desktop app. */
  pickFiles?(options: { multiple: boolean; title?: string }): Promise<string[]>;
  electronVersion: string | null;
  /**
   * The app's data folder: job history (`jobs/history.json`) and job logs (`jobs/logs/`).
   * Electron passes `app.getPath('userData')`, web mode its `dataDir` option; when absent (tests,
   * one-off CLI runs), `defaultDataDir()`, which is the same folder.
   */
  dataDir?: string;
  /** An OS notification (desktop app only; e.g. "Transcode finished"). */
  desktopNotify?(title: string, body: string): void;
  /** The log file (electron-log in the app, the same file and format from web mode); absent in tests. */
  log?: Logger;
  /** Open the logs folder in the OS file manager (desktop app only). */
  openLogsFolder?(): void;
  /** Show a file in the OS file manager (desktop app only: Electron's shell.showItemInFolder). */
  showInFolder?(path: string): void;
}

export type Handler<M extends MethodName> = (args: ParsedArgsOf<M>, ctx: HandlerContext) => Promise<ResultOf<M>>;
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> };
