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
  /**
   * What handlers keep per binding (the job queue, probe caches, …); bindings need not set it, the
   * first `bindingState(ctx, …)` does. Never module-level maps: two bindings (or two tests) in one
   * process must not share a queue or a cache.
   */
  state?: Map<BindingSlot<unknown>, unknown>;
}

/** A named piece of per-binding state and how to make it on first use. */
export interface BindingSlot<T> {
  readonly name: string;
  create(ctx: HandlerContext): T;
}

export function bindingSlot<T>(name: string, create: (ctx: HandlerContext) => T): BindingSlot<T> {
  return { name, create };
}

/** This binding's value of a slot, created on first use. */
export function bindingState<T>(ctx: HandlerContext, slot: BindingSlot<T>): T {
  const state = (ctx.state ??= new Map());
  if (!state.has(slot)) state.set(slot, slot.create(ctx));
  return state.get(slot) as T;
}

/** Forget a slot's value (e.g. a queue that failed to open, or was shut down). */
export function dropBindingState(ctx: HandlerContext, slot: BindingSlot<unknown>): void {
  ctx.state?.delete(slot);
}

export type Handler<M extends MethodName> = (args: ParsedArgsOf<M>, ctx: HandlerContext) => Promise<ResultOf<M>>;
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> };
