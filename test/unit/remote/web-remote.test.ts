/**
 * Opened URLs on the Node side: the contract's `openUrl`, the Inspector's progressive tree
 * (`inspect.progress` events), the Player's plan of a remote manifest, and web mode serving remote
 * bytes only by the id of a URL the user opened: never an open proxy.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMap } from '../../../electron/api';
import type { InspectSummary, TrackInfo, TreePage } from '../../../electron/contract/boxes';
import { FileRegistry } from '../../../electron/core/files';
import type { OpenedFile } from '../../../electron/core/files-types';
import type { MseAnalysis } from '../../../electron/core/mse/types';
import { dispatch, type HandlerContext } from '../../../electron/handlers';
import { startWebServer, type WebServer } from '../../../electron/web';
import { cleanFmp4, segmentedSet } from '../../fixtures/mse-broken';
import { startFixtureServer, type FixtureServer } from '../../fixtures/http-server';

let dir: string;
let fixture: FixtureServer;
let local: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-webremote-'));
  local = await cleanFmp4({ duration: 8 });
  await symlink(local, path.join(dir, 'clip.mp4'));
  await symlink((await segmentedSet('hls')).dir, path.join(dir, 'hls'));
  await writeFile(path.join(dir, 'canary.mp4'), 'NEVER-FETCHED');
  fixture = await startFixtureServer(dir);
});

afterAll(async () => {
  await fixture?.close();
  await rm(dir, { recursive: true, force: true });
});

function context(events: { event: string; payload: unknown }[] = []): HandlerContext {
  return {
    mode: 'web',
    files: new FileRegistry(),
    emit: <E extends keyof EventMap>(event: E, payload: EventMap[E]) => void events.push({ event, payload }),
    electronVersion: null,
  };
}

async function call<T>(ctx: HandlerContext, method: string, args: unknown): Promise<T> {
  const res = await dispatch(ctx, method, args);
  if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
  return res.result as T;
}

describe('openUrl and the views over it', () => {
  it('opens only http(s) URLs, names a failing one, and lists an opened one', async () => {
    const ctx = context();
    await expect(call(ctx, 'openUrl', { url: 'file:///etc/passwd' })).rejects.toMatchObject({ code: 'EINVALIDARGS' });
    await expect(call(ctx, 'openUrl', { url: 'rtsp://127.0.0.1/x' })).rejects.toMatchObject({ code: 'EURL' });
    const missing = fixture.url('missing.mp4');
    await expect(call(ctx, 'openUrl', { url: missing })).rejects.toThrow(`${missing} answered HTTP 404.`);
    const file = await call<OpenedFile>(ctx, 'openUrl', { url: fixture.url('clip.mp4') });
    expect(file).toMatchObject({ url: fixture.url('clip.mp4'), name: 'clip.mp4', size: (await readFile(local)).length });
    expect(ctx.files.list().map((f) => f.id)).toEqual([file.id]);
  });

  it('the Inspector tree fills in (inspect.progress) and ends as the whole tree, with its cost', async () => {
    const events: { event: string; payload: unknown }[] = [];
    const ctx = context(events);
    const file = await call<OpenedFile>(ctx, 'openUrl', { url: fixture.url('clip.mp4', { latencyMs: 40 }) });
    const first = await call<InspectSummary>(ctx, 'inspectOpen', { id: file.id });
    expect(first.loading).toBeDefined();
    expect(first.loading!.done).toBeLessThan(first.loading!.total);
    let final = first;
    for (let i = 0; i < 200 && final.loading; i++) {
      await new Promise((r) => setTimeout(r, 50));
      final = await call<InspectSummary>(ctx, 'inspectOpen', { id: file.id });
    }
    expect(final.loading).toBeUndefined();
    expect(final.http).toMatchObject({ index: 'mfra' });
    expect(final.nodeCount).toBeGreaterThan(first.nodeCount);
    // Track summaries come from inspectTracks (issue #18: after the first rows).
    expect((await call<TrackInfo[]>(ctx, 'inspectTracks', { id: file.id })).length).toBeGreaterThan(0);
    const progress = events.filter((e) => e.event === 'inspect.progress').map((e) => e.payload as EventMap['inspect.progress']);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toMatchObject({ id: file.id, final: true });
    const rows = await call<TreePage>(ctx, 'inspectRows', { id: file.id, start: 0, count: 50 });
    expect(rows.rows.filter((r) => r.type === 'moof').length).toBe(8);
    // Box details of a remote file: fields and byte ranges, neighbours without a new request each.
    const moofs = rows.rows.filter((r) => r.type === 'moof');
    fixture.resetLog();
    const d1 = await call<{ row: { type: string }; ranges: unknown[] }>(ctx, 'inspectBox', { id: file.id, node: moofs[0]!.node });
    const d2 = await call<{ row: { type: string }; ranges: unknown[] }>(ctx, 'inspectBox', { id: file.id, node: moofs[0]!.node + 1 });
    expect(d1.row.type).toBe('moof');
    expect(d1.ranges.length).toBeGreaterThan(0);
    expect(d2.row.type).toBe('mfhd');
    expect(fixture.totals().requests).toBe(1);
  });

  it('hands an opened URL to ffmpeg as a URL (transcode), and the GIF view says it reads local files', async () => {
    const ctx = context();
    const url = fixture.url('clip.mp4');
    const file = await call<OpenedFile>(ctx, 'openUrl', { url });
    const out = path.join(dir, 'out.mp4');
    const preview = await call<{ args: string[] }>(ctx, 'transcodePreview', { input: { fileId: file.id }, output: out, preset: 'remux' });
    expect(preview.args).toContain(url);
    expect(preview.args[preview.args.indexOf(url) - 1]).toBe('-i');
    expect(preview.args.some((a) => a.startsWith('file:') && a.includes('127.0.0.1'))).toBe(false);
    await expect(call(ctx, 'gifSource', { id: file.id })).rejects.toMatchObject({ code: 'EREMOTE', message: expect.stringContaining('mwb gif') });
  });

  it('compares an opened URL with the same file on disk: nothing differs', async () => {
    const ctx = context();
    const a = await call<OpenedFile>(ctx, 'openUrl', { url: fixture.url('clip.mp4') });
    const b = await call<OpenedFile>(ctx, 'openPath', { path: local });
    const cmp = await call<{ differenceCount: number }>(ctx, 'compareFiles', { a: a.id, b: b.id });
    expect(cmp.differenceCount).toBe(0);
  });

  it("plans a remote manifest's segments as opened (unlisted) URLs, without probing each again", async () => {
    const ctx = context();
    const m = await call<OpenedFile>(ctx, 'openUrl', { url: fixture.url('hls/index.m3u8') });
    fixture.resetLog();
    const a = await call<MseAnalysis>(ctx, 'mseAnalyze', { id: m.id });
    const ids = [a.streams[0]!.init!.fileId, ...a.streams[0]!.segments.map((s) => s.range.fileId)];
    for (const id of ids) expect(ctx.files.get(id).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/f0\/hls\//);
    expect(ctx.files.list().map((f) => f.id)).toEqual([m.id]);
    // One request for the playlist, one per part and one CORS preflight: the ids cost nothing more.
    expect(fixture.totals().requests).toBe(2 + ids.length);
  });
});

function get(server: WebServer, pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, headers: { 'x-workbench-token': server.token, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web mode serves remote bytes by id only', () => {
  let server: WebServer;
  let bytes: Buffer;

  beforeAll(async () => {
    const www = path.join(dir, 'www');
    await mkdir(www, { recursive: true });
    await writeFile(path.join(www, 'index.html'), '<!doctype html><title>ok</title>');
    server = await startWebServer({ staticDir: www });
    bytes = await readFile(local);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers Range requests of an opened URL with the remote bytes, typed by extension', async () => {
    for (const faults of [{}, { noRange: true }, { contentType: 'text/html' }]) {
      const file = await server.files.openUrl(fixture.url('clip.mp4', faults));
      const r = await get(server, `/files/${file.id}`, { range: 'bytes=1000-1999' });
      expect(r.status).toBe(206);
      expect(r.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
      expect(r.headers['content-type']).toBe('video/mp4');
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.body.equals(bytes.subarray(1000, 2000))).toBe(true);
      const whole = await get(server, `/files/${file.id}`);
      expect(whole.status).toBe(200);
      expect(whole.body.equals(bytes)).toBe(true);
    }
  });

  it('is not an open proxy: no request path makes it fetch a URL nobody opened', async () => {
    const canary = fixture.url('canary.mp4');
    fixture.resetLog();
    const attempts = [
      `/files/${encodeURIComponent(canary)}`,
      `/files/${canary}`,
      `/files/?url=${encodeURIComponent(canary)}`,
      `/files/AAAAAAAAAAAAAAAA`,
      `/proxy?url=${encodeURIComponent(canary)}`,
      `/${canary}`,
      `/api/call/mseAnalyze`,
    ];
    for (const p of attempts) {
      const r = await get(server, p);
      expect(r.status, p).not.toBe(200);
      expect(r.body.toString()).not.toContain('NEVER-FETCHED');
    }
    // API calls by id only: a URL where an id belongs is refused by the schema.
    const post = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.port, path: '/api/call/inspectOpen', method: 'POST', headers: { 'x-workbench-token': server.token, 'content-type': 'application/json' }, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ id: canary }));
    });
    expect(post.body).toContain('EINVALIDARGS');
    expect(fixture.log.filter((e) => e.path.includes('canary'))).toEqual([]);
    // Without the token, not even an opened URL's bytes.
    const file = await server.files.openUrl(fixture.url('clip.mp4'));
    const anonymous = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port, path: `/files/${file.id}`, agent: false }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    });
    expect(anonymous).toBe(401);
  });
});
