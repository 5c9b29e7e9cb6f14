import { randomBytes } from 'node:crypto';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, WorkbenchError } from './errors';
import type { OpenedFile } from './files-types';
import { checkHttpUrl, isHttpUrl, urlName } from './net/http';
import { openHttpSource } from './net/http-source';

export type { OpenedFile } from './files-types';

/**
 * The set of files the user opened. Opening is the user's act (dialog, drop, a path typed in, a
 * CLI argument); everything that reads media afterwards goes through an id from here, so neither
 * the renderer nor a web client can name an arbitrary path.
 */
export class FileRegistry {
  private readonly byId = new Map<string, OpenedFile>();
  private readonly unlisted = new Set<string>();
  private readonly listeners = new Set<(files: OpenedFile[]) => void>();

  /**
   * `listed: false` registers a file that belongs to one the user opened (a manifest's segments)
   * without adding it to the workspace list; opening it explicitly later lists it.
   */
  async open(userPath: string, options: { listed?: boolean; size?: number } = {}): Promise<OpenedFile> {
    if (isHttpUrl(userPath)) return this.openUrl(userPath, options);
    const listed = options.listed ?? true;
    const absolute = path.resolve(userPath);
    let real: string;
    try {
      real = await realpath(absolute);
    } catch (err) {
      throw describeFsError(err, absolute);
    }
    let info;
    try {
      info = await stat(real);
    } catch (err) {
      throw describeFsError(err, absolute);
    }
    if (info.isDirectory()) throw new WorkbenchError('EISDIR', `${absolute} is a folder; open a media file inside it.`);
    if (!info.isFile()) throw new WorkbenchError('ENOTFILE', `${absolute} is not a regular file.`);
    // Prove it is readable now, so the error names the file instead of surfacing later in a view.
    try {
      const handle = await open(real, 'r');
      await handle.close();
    } catch (err) {
      throw describeFsError(err, absolute);
    }
    for (const existing of this.byId.values()) {
      if (existing.path === real) {
        existing.size = info.size;
        existing.mtimeMs = info.mtimeMs;
        if (listed && this.unlisted.delete(existing.id)) this.notify();
        return existing;
      }
    }
    const file: OpenedFile = {
      id: randomBytes(12).toString('base64url'),
      path: real,
      name: path.basename(real),
      size: info.size,
      mtimeMs: info.mtimeMs,
      openedAt: Date.now(),
    };
    this.byId.set(file.id, file);
    if (listed) this.notify();
    else this.unlisted.add(file.id);
    return file;
  }

  /**
   * Open an http(s) URL the user gave (or one a manifest they opened leads to, with
   * `listed: false`). Only http(s), no credentials. Unless its `size` is already known, one small
   * Range request proves it answers and learns its size, so the error names the URL now.
   * Web mode and the app protocol read remote bytes only for URLs opened here, by id.
   */
  async openUrl(input: string, options: { listed?: boolean; size?: number } = {}): Promise<OpenedFile> {
    const listed = options.listed ?? true;
    const url = checkHttpUrl(input);
    for (const existing of this.byId.values()) {
      if (existing.path === url) {
        if (listed && this.unlisted.delete(existing.id)) this.notify();
        return existing;
      }
    }
    let size = options.size;
    if (size === undefined) {
      const source = await openHttpSource(url, { window: 4096 });
      size = source.size;
      await source.close();
    }
    const file: OpenedFile = {
      id: randomBytes(12).toString('base64url'),
      path: url,
      url,
      name: urlName(url),
      size,
      mtimeMs: 0,
      openedAt: Date.now(),
    };
    this.byId.set(file.id, file);
    if (listed) this.notify();
    else this.unlisted.add(file.id);
    return file;
  }

  get(id: string): OpenedFile {
    const file = this.byId.get(id);
    if (!file) throw new WorkbenchError('ENOTOPEN', `No opened file has the id ${id}; open the file first.`);
    return file;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): OpenedFile[] {
    return [...this.byId.values()].filter((f) => !this.unlisted.has(f.id)).sort((a, b) => b.openedAt - a.openedAt);
  }

  close(id: string): boolean {
    const removed = this.byId.delete(id);
    if (removed && !this.unlisted.delete(id)) this.notify();
    return removed;
  }

  onChange(listener: (files: OpenedFile[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    const files = this.list();
    for (const l of this.listeners) l(files);
  }
}
