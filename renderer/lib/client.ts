/**
 * The renderer's single client of the contract in `electron/api.ts`.
 * In the desktop app it talks to `window.workbench` (exposed by the preload over IPC); otherwise it
 * uses web mode's HTTP transport with the per-run token. Calls about files chosen in the browser
 * (web mode) go to the engine worker instead (`local-files.ts`), and in the static build (no Node
 * side at all) every call does. Views import only this module.
 */
import type { ArgsOf, Envelope, EventMap, EventName, MethodName, ResultOf } from '../../electron/api';
import type { OpenedFile } from '../../electron/core/files-types';
import { localFiles } from './local-files';
import { fetchRange, RangeReadError } from './range';

/** What the preload exposes; mirrored here as a type so the renderer needs no Electron import. */
export interface WorkbenchBridge {
  mode: 'electron';
  api: Record<string, (args: unknown) => Promise<Envelope<unknown>>>;
  on(listener: (event: string, payload: unknown) => void): () => void;
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    workbench?: WorkbenchBridge;
  }
}

export class ClientError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
  }
}

type Listener<E extends EventName> = (payload: EventMap[E]) => void;

interface Transport {
  mode: 'electron' | 'web' | 'static';
  invoke(name: MethodName, args: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: string, payload: unknown) => void): void;
  fileUrl(id: string): string;
  /** URL of an opened MPEG-TS file remuxed to fMP4 by ffmpeg on the Node side (`query`: part, offset, size, aac). */
  transmuxUrl(id: string, query: string): string;
  pathForFile(file: File): string | null;
}

function electronTransport(bridge: WorkbenchBridge): Transport {
  return {
    mode: 'electron',
    invoke: (name, args) => {
      const fn = bridge.api[name];
      if (!fn) return Promise.resolve({ ok: false, error: { code: 'ENOMETHOD', message: `Unknown method ${name}` } });
      return fn(args);
    },
    subscribe: (listener) => void bridge.on(listener),
    fileUrl: (id) => `app://workbench/files/${encodeURIComponent(id)}`,
    transmuxUrl: (id, query) => `app://workbench/transmux/${encodeURIComponent(id)}?${query}`,
    pathForFile: (file) => bridge.pathForFile(file) || null,
  };
}

function readToken(): string {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('wb-token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('wb-token') ?? '';
}

function webTransport(): Transport {
  const token = readToken();
  return {
    mode: 'web',
    async invoke(name, args) {
      let res: Response;
      try {
        res = await fetch(`/api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-workbench-token': token },
          body: JSON.stringify(args ?? {}),
        });
      } catch (err) {
        return { ok: false, error: { code: 'EOFFLINE', message: 'The workbench server is not reachable; is "npm start" still running?' } };
      }
      if (res.status === 401) {
        return { ok: false, error: { code: 'EAUTH', message: 'The server refused the access token: open the URL printed by "npm start".' } };
      }
      if (!res.ok) return { ok: false, error: { code: `EHTTP${res.status}`, message: (await res.text()).trim() } };
      return (await res.json()) as Envelope<unknown>;
    },
    subscribe(listener) {
      const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (e: MessageEvent<string>) => {
        const { event, payload } = JSON.parse(e.data) as { event: string; payload: unknown };
        listener(event, payload);
      };
    },
    fileUrl: (id) => `/files/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`,
    transmuxUrl: (id, query) => `/transmux/${encodeURIComponent(id)}?${query}&token=${encodeURIComponent(token)}`,
    pathForFile: () => null,
  };
}

/** The static build (`npm run build:static`): only the browser binding, no server, no token. */
function staticTransport(): Transport {
  localFiles.setMode('static');
  return {
    mode: 'static',
    invoke: (name, args) => localFiles.call(name, args),
    subscribe: () => {},
    fileUrl: () => {
      throw new ClientError('ESTATIC', 'The static build reads files only through the browser.');
    },
    transmuxUrl: () => {
      throw new ClientError('ESTATIC', 'Remuxing MPEG-TS needs ffmpeg: use the desktop app or npm start.');
    },
    pathForFile: () => null,
  };
}

/** The static build's index.html says so in a meta tag (scripts/build-static.mjs writes it). */
export function isStaticBuild(): boolean {
  return typeof document !== 'undefined' && document.querySelector('meta[name="mwb-binding"]')?.getAttribute('content') === 'static';
}

const transport: Transport =
  typeof window !== 'undefined' && window.workbench ? electronTransport(window.workbench) : isStaticBuild() ? staticTransport() : webTransport();

/** The server's files and the browser's, newest first. */
function withLocal(files: OpenedFile[]): OpenedFile[] {
  const local = localFiles.list().filter((f) => !files.some((g) => g.id === f.id));
  return [...files, ...local].sort((a, b) => b.openedAt - a.openedAt);
}

async function invoke(name: MethodName, args: unknown): Promise<Envelope<unknown>> {
  if (transport.mode === 'static' || localFiles.owns(name, args)) return localFiles.call(name, args);
  const envelope = await transport.invoke(name, args);
  if (name === 'listFiles' && envelope.ok) return { ok: true, result: withLocal(envelope.result as OpenedFile[]) };
  return envelope;
}
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let subscribed = false;

export const client = {
  mode: transport.mode,

  /** Call a contract method; rejects with a ClientError carrying the Node side's message and code. */
  async call<M extends MethodName>(name: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
    const envelope = await invoke(name, args);
    if (!envelope.ok) throw new ClientError(envelope.error.code, envelope.error.message);
    return envelope.result as ResultOf<M>;
  },

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    if (!subscribed) {
      subscribed = true;
      transport.subscribe((name, payload) => {
        // The server lists its own files; the page adds the ones only it holds.
        const p = name === 'files.changed' ? { files: withLocal((payload as EventMap['files.changed']).files) } : payload;
        listeners.get(name)?.forEach((l) => l(p));
      });
      localFiles.onChange(() => void invoke('listFiles', {}).then((e) => e.ok && listeners.get('files.changed')?.forEach((l) => l({ files: e.result }))));
    }
    const set = listeners.get(event) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    listeners.set(event, set);
    return () => set.delete(listener as (payload: unknown) => void);
  },

  /** URL of an opened file's bytes; supports HTTP Range, as a browser player needs. */
  fileUrl: (id: string): string => transport.fileUrl(id),

  /** URL of an opened MPEG-TS file (or byte range of one) remuxed to fMP4 by ffmpeg (see core/media/transmux.ts). */
  transmuxUrl: (id: string, query: string): string => transport.transmuxUrl(id, query),

  /** A dropped file's local path (desktop app only; browsers do not reveal paths). */
  pathForFile: (file: File): string | null => transport.pathForFile(file),

  /** Hand files chosen in the browser to the engine worker; they join the workspace. */
  openBrowserFiles: (files: File[]): Promise<OpenedFile[]> => localFiles.open(files),

  /**
   * Bytes of an opened file: from the `File` itself for a browser file, otherwise through the same
   * range URL a browser player uses.
   */
  readBytes(id: string, offset: number, length: number, signal?: AbortSignal): Promise<ArrayBuffer> {
    if (localFiles.has(id)) return localFiles.read(id, offset, length);
    return fetchRange(transport.fileUrl(id), offset, length, signal);
  },
};

/** Read `length` bytes at `offset` of an opened file (see `client.readBytes`). */
export async function readRange(id: string, offset: number, length: number): Promise<Uint8Array> {
  try {
    return new Uint8Array(await client.readBytes(id, offset, length));
  } catch (err) {
    if (err instanceof RangeReadError) throw new ClientError(`EHTTP${err.status}`, err.message);
    throw err;
  }
}
