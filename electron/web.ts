/**
 * Web mode: the same contract over HTTP on loopback, plus the built renderer and byte-range reads
 * of opened files. Used when Electron's binary is absent, and on purpose to try other browsers.
 *
 * Every request must carry the per-run token (query `token`, header `x-workbench-token`, or the
 * cookie set when the page is first opened with the token) and a Host header naming this server
 * (no DNS rebinding). Cross-origin requests are refused and no CORS header is ever sent.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { EventMap, EventName } from './api';
import { defaultDataDir } from './core/data-dir';
import { fileLogger, logFilePath, logStart } from './core/log';
import pkg from '../package.json' with { type: 'json' };
import { FileRegistry } from './core/files';
import { RENDERER_CSP } from './core/csp';
import { transmuxReply } from './core/media/transmux';
import { relayRange, type RelayedResponse } from './core/net/relay';
import { contentTypeFor, rangeReply } from './core/range';
import { dispatch, type HandlerContext } from './handlers';
import { shutdownJobQueue } from './handlers/jobs';

export interface WebServerOptions {
  /** Folder of the built renderer (`dist/renderer`). */
  staticDir: string;
  port?: number;
  token?: string;
  files?: FileRegistry;
  /** The app data folder (job history and logs); defaults to the desktop app's (see core/data-dir.ts). */
  dataDir?: string;
  /** One extra origin allowed to call the API: Vite's dev server in `npm run dev`. */
  devOrigin?: string;
  /** Log each refused request to stderr (off in tests). */
  log?: (line: string) => void;
}

export interface WebServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  files: FileRegistry;
  ctx: HandlerContext;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const MAX_BODY = 1024 * 1024;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

const baseHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const files = options.files ?? new FileRegistry();
  const staticRoot = path.resolve(options.staticDir);
  const sse = new Set<http.ServerResponse>();
  let port = 0;
  const cookieName = () => `wb_token_${port}`;

  const ctx: HandlerContext = {
    mode: 'web',
    files,
    electronVersion: null,
    dataDir: options.dataDir ?? defaultDataDir(),
    log: fileLogger(logFilePath(options.dataDir ?? defaultDataDir())),
    emit<E extends EventName>(event: E, payload: EventMap[E]) {
      const frame = `event: message\ndata: ${JSON.stringify({ event, payload })}\n\n`;
      for (const res of sse) res.write(frame);
    },
  };
  files.onChange((list) => ctx.emit('files.changed', { files: list }));

  const refuse = (res: http.ServerResponse, status: number, message: string) => {
    options.log?.(`refused ${status}: ${message}`);
    res.writeHead(status, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(message + '\n');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      ctx.log?.error(`web mode: internal error answering ${req.method} ${(req.url ?? '').replace(/token=[^&]*/, 'token=…')}:`, err);
      if (!res.headersSent) refuse(res, 500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const allowedHosts = [`${LOOPBACK}:${port}`, `localhost:${port}`];
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.includes(host)) return refuse(res, 421, 'Misdirected request: unexpected Host header.');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}` && origin !== options.devOrigin) return refuse(res, 403, 'Cross-origin requests are not allowed.');
    // A page on another port of this machine is "same-site" (and gets the SameSite cookie): only
    // this origin's own requests and typed/bookmarked URLs ("none") are served.
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return refuse(res, 403, 'Requests from other sites or ports are not allowed.');

    const url = new URL(req.url ?? '/', `http://${host}`);
    const given =
      url.searchParams.get('token') ??
      (typeof req.headers['x-workbench-token'] === 'string' ? req.headers['x-workbench-token'] : null) ??
      cookieValue(req.headers.cookie, cookieName());
    if (!given || !safeEqual(given, token)) {
      return refuse(res, 401, 'This Media Workbench server needs its access token: open the URL it printed at start-up.');
    }
    const setCookie: Record<string, string> = url.searchParams.has('token')
      ? { 'Set-Cookie': `${cookieName()}=${token}; Path=/; HttpOnly; SameSite=Strict` }
      : {};

    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST for API calls.');
      const ctype = req.headers['content-type'] ?? '';
      if (!ctype.startsWith('application/json')) return refuse(res, 415, 'API calls take application/json.');
      const body = await readBody(req);
      if (body === null) return refuse(res, 413, 'Request body too large.');
      let args: unknown;
      try {
        args = body.length ? JSON.parse(body) : {};
      } catch {
        return refuse(res, 400, 'Request body is not valid JSON.');
      }
      const name = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      const envelope = await dispatch(ctx, name, args);
      res.writeHead(200, { ...baseHeaders, 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(envelope));
      return;
    }
    if (url.pathname === '/api/events') {
      res.writeHead(200, { ...baseHeaders, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      sse.add(res);
      const ping = setInterval(() => res.write(': ping\n\n'), 20_000);
      req.on('close', () => {
        clearInterval(ping);
        sse.delete(res);
      });
      return;
    }
    if (url.pathname.startsWith('/files/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Files are read-only.');
      const id = url.pathname.slice('/files/'.length).split('/')[0] ?? '';
      if (!files.has(id)) return refuse(res, 404, 'No such opened file.');
      const opened = files.get(id);
      // A URL the user opened: its bytes are fetched here, by id only (never a URL from the request).
      if (opened.url) return serveRemote(req, res, { url: opened.url, size: opened.size });
      return serveFile(req, res, opened.path, {});
    }
    if (url.pathname.startsWith('/transmux/')) {
      // An opened MPEG-TS segment remuxed to fMP4 by ffmpeg (core/media/transmux.ts), by id only.
      if (req.method !== 'GET') return refuse(res, 405, 'Remuxed segments are read with GET.');
      const id = url.pathname.slice('/transmux/'.length).split('/')[0] ?? '';
      if (!files.has(id)) return refuse(res, 404, 'No such opened file.');
      const stop = new AbortController();
      res.on('close', () => stop.abort());
      return sendStream(res, await transmuxReply(files.get(id), url.searchParams, stop.signal));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    // Static renderer files; never outside the renderer folder.
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return refuse(res, 400, 'Bad path.');
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const target = path.resolve(staticRoot, '.' + path.posix.normalize(rel));
    if (target !== staticRoot && !target.startsWith(staticRoot + path.sep)) return refuse(res, 404, 'Not found.');
    if (target.endsWith('index.html')) {
      let html: string;
      try {
        html = await readFile(target, 'utf8');
      } catch {
        return refuse(res, 503, `The renderer is not built (${target} is missing): run "npm run build".`);
      }
      res.writeHead(200, {
        ...baseHeaders,
        ...setCookie,
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': RENDERER_CSP,
      });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    return serveFile(req, res, target, setCookie);
  }

  async function serveRemote(req: http.IncomingMessage, res: http.ServerResponse, file: { url: string; size: number }): Promise<void> {
    sendStream(res, await relayRange(file, req.headers.range, req.method));
  }

  function sendStream(res: http.ServerResponse, relayed: RelayedResponse): void {
    res.writeHead(relayed.status, { ...baseHeaders, ...relayed.headers });
    if (!relayed.body) return void res.end();
    const stream = Readable.fromWeb(relayed.body as NodeReadableStream<Uint8Array>);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  async function serveFile(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    file: string,
    extra: Record<string, string>,
  ): Promise<void> {
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return refuse(res, 404, 'Not found.');
      size = info.size;
    } catch {
      return refuse(res, 404, 'Not found.');
    }
    const reply = rangeReply(req.headers.range, size);
    res.writeHead(reply.status, { ...baseHeaders, ...extra, 'Content-Type': contentTypeFor(file), ...reply.headers });
    if (req.method === 'HEAD' || !reply.body) {
      res.end();
      return;
    }
    const stream = createReadStream(file, reply.body);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;
  if (ctx.log) logStart(ctx.log, pkg.version, `web mode on http://${LOOPBACK}:${port}`);
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    files,
    ctx,
    close: async () => {
      // Running jobs are cancelled and waited for: no ffmpeg outlives the server.
      await shutdownJobQueue(ctx);
      await new Promise<void>((resolve) => {
        for (const res of sse) res.end();
        sse.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
