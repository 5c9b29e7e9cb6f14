/**
 * Files that live only in this browser: dropped on the window or chosen with "Choose files…" in
 * web mode and the static build. The engine worker (electron/worker.ts, the contract's third
 * binding) parses, compares and lints them; this side keeps the `File`s for the few things the
 * page does itself with bytes (the hex view, the Player's appends), reading them with
 * `Blob.slice()`: random access, no upload, no copy of the whole file.
 */
import type { Envelope, MethodName } from '../../electron/api';
import { unreadable } from '../../electron/core/boxes/blob-source';
import type { OpenedFile } from '../../electron/core/files-types';
import type { WorkerAnswer, WorkerRequest } from '../../electron/worker';

type Pending = (envelope: Envelope<unknown>) => void;

class LocalFiles {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly files = new Map<string, { info: OpenedFile; file: File }>();
  /** Comparison sessions the worker made (their ids route `compareFields`/`compareClose` back to it). */
  private readonly sessions = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private mode: 'web' | 'static' = 'web';

  /** The static build: every call goes to the worker. */
  setMode(mode: 'web' | 'static'): void {
    this.mode = mode;
  }

  private post(req: Omit<WorkerRequest, 'seq'>): Promise<Envelope<unknown>> {
    if (!this.worker) {
      this.worker = new Worker(new URL('../../electron/worker.ts', import.meta.url), { type: 'module', name: 'mwb-engine' });
      this.worker.onmessage = (e: MessageEvent<WorkerAnswer>) => {
        const done = this.pending.get(e.data.seq);
        this.pending.delete(e.data.seq);
        done?.(e.data.envelope);
      };
      this.worker.onerror = (e) => {
        const message = `The engine worker failed: ${e.message || 'it could not start'}.`;
        for (const done of this.pending.values()) done({ ok: false, error: { code: 'EWORKER', message } });
        this.pending.clear();
      };
    }
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(seq, resolve);
      this.worker!.postMessage({ ...req, seq, mode: this.mode } satisfies WorkerRequest);
    });
  }

  /** Hand `list` to the worker (as handles, not bytes); answers their `OpenedFile`s. */
  async open(list: File[]): Promise<OpenedFile[]> {
    const envelope = await this.post({ open: list });
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
    const opened = envelope.result as OpenedFile[];
    opened.forEach((info, i) => this.files.set(info.id, { info, file: list[i]! }));
    this.changed();
    return opened;
  }

  has(id: unknown): boolean {
    return typeof id === 'string' && this.files.has(id);
  }

  list(): OpenedFile[] {
    return [...this.files.values()].map((f) => f.info);
  }

  /** Whether a call is about browser files (so the worker answers it). */
  owns(name: MethodName, args: unknown): boolean {
    const a = (args ?? {}) as Record<string, unknown>;
    if (typeof a.session === 'string') return this.sessions.has(a.session);
    return [a.id, a.a, a.b].some((id) => this.has(id));
  }

  async call(name: MethodName, args: unknown): Promise<Envelope<unknown>> {
    const a = (args ?? {}) as Record<string, unknown>;
    if (name === 'compareFiles') {
      const ids = [a.a, a.b, a.initA, a.initB].filter((x) => x !== undefined);
      if (ids.some((id) => !this.has(id))) {
        return { ok: false, error: { code: 'EMIXED', message: 'Compare reads both files in one place: choose two files in the browser, or open both by their paths.' } };
      }
    }
    if ((name === 'mseAnalyze' || name === 'msePlan') && Array.isArray(a.segments) && a.segments.some((id) => !this.has(id))) {
      return { ok: false, error: { code: 'EMIXED', message: 'An init segment and its media segments must all be chosen in the browser, or all opened by path.' } };
    }
    // Arguments cross as JSON, exactly as over HTTP (and reactive proxies cannot be cloned).
    const envelope = await this.post({ name, args: JSON.parse(JSON.stringify(args ?? {})) as unknown });
    if (envelope.ok && name === 'compareFiles') this.sessions.add((envelope.result as { session: string }).session);
    if (name === 'compareClose' && typeof a.session === 'string') this.sessions.delete(a.session);
    if (envelope.ok && name === 'closeFile' && typeof a.id === 'string') {
      this.files.delete(a.id);
      this.changed();
    }
    return envelope;
  }

  /** Bytes of a browser file, straight from the `File`. */
  async read(id: string, offset: number, length: number): Promise<ArrayBuffer> {
    const f = this.files.get(id);
    if (!f) throw new Error(`No browser file has the id ${id}.`);
    try {
      return await f.file.slice(offset, offset + length).arrayBuffer();
    } catch (err) {
      throw unreadable(f.info.name, err);
    }
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

export const localFiles = new LocalFiles();
