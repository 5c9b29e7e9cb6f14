/**
 * Web mode's request checks, beyond the basics in test/unit/foundation/web.test.ts: every way of
 * presenting (or forging) the token, Host header variants used in DNS-rebinding, origins and
 * Fetch-Metadata of other sites and other local ports, CORS preflights, and path traversal aimed
 * at files the user did not open, including through an opened file's id.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../../electron/web';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request: the test controls every header, Host included (or leaves Host out). */
function request(server: WebServer, pathname: string, opts: { method?: string; headers?: Record<string, string>; body?: string; noHost?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...opts.headers };
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method: opts.method ?? 'GET', headers, setHost: !opts.noHost, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    if (opts.noHost) req.removeHeader('host');
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('web mode refuses what it must', () => {
  let dir: string;
  let server: WebServer;
  let secret: string;
  let openedId: string;
  const token = () => ({ 'x-workbench-token': server.token });
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-webmode-'));
    const staticDir = path.join(dir, 'www', 'renderer');
    await mkdir(staticDir, { recursive: true });
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>ok</title>');
    await writeFile(path.join(dir, 'www', 'sibling.txt'), 'SIBLING-NOT-SERVED');
    secret = path.join(dir, 'secret.txt');
    await writeFile(secret, 'TOP-SECRET-CONTENT');
    const media = path.join(dir, 'opened.mp4');
    await writeFile(media, 'OPENED-MEDIA');
    server = await startWebServer({ staticDir });
    openedId = (await server.files.open(media)).id;
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('token', () => {
    it('is required on every route', async () => {
      for (const [p, method] of [
        ['/', 'GET'],
        ['/index.html', 'GET'],
        [`/files/${openedId}`, 'GET'],
        [`/files/${openedId}`, 'HEAD'],
        ['/api/events', 'GET'],
        ['/api/call/listFiles', 'POST'],
      ] as const) {
        const res = await request(server, p, { method, headers: json, body: method === 'POST' ? '{}' : undefined });
        expect(res.status, `${method} ${p}`).toBe(401);
        expect(res.body, p).not.toContain('OPENED-MEDIA');
      }
    });

    it('must match exactly, however it is presented', async () => {
      const t = server.token;
      const wrong = [t.slice(0, -1), t + 'x', t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase(), '', 'x' + t, encodeURIComponent(t) + '%00'];
      for (const w of wrong) {
        expect((await request(server, `/files/${openedId}`, { headers: { 'x-workbench-token': w } })).status, `header ${JSON.stringify(w)}`).toBe(401);
        expect((await request(server, `/files/${openedId}`, { headers: { cookie: `wb_token_${server.port}=${w}` } })).status, `cookie ${JSON.stringify(w)}`).toBe(401);
        expect((await request(server, `/?token=${encodeURIComponent(w)}`)).status, `query ${JSON.stringify(w)}`).toBe(401);
      }
      // A cookie for another port's server is not this server's token cookie.
      expect((await request(server, `/files/${openedId}`, { headers: { cookie: `wb_token_1=${t}` } })).status).toBe(401);
      expect((await request(server, `/files/${openedId}`, { headers: token() })).status).toBe(200);
    });
  });

  describe('Host header (DNS rebinding)', () => {
    it('accepts only this server by its loopback names', async () => {
      expect((await request(server, '/', { headers: { ...token(), host: `localhost:${server.port}` } })).status).toBe(200);
      for (const host of [`evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `[::1]:${server.port}`, `localhost.:${server.port}`, `127.0.0.1.nip.io:${server.port}`, `0.0.0.0:${server.port}`, `127.1:${server.port}`]) {
        const res = await request(server, '/', { headers: { ...token(), host } });
        expect(res.status, host).toBe(421);
      }
    });

    it('refuses a request without a Host header', async () => {
      // Node's HTTP parser already answers 400 to HTTP/1.1 without Host; either way nothing is served.
      const res = await request(server, '/', { headers: token(), noHost: true });
      expect([400, 421]).toContain(res.status);
      expect(res.body).not.toContain('<title>ok</title>');
    });
  });

  describe('other origins (CORS)', () => {
    it('refuses API calls from other origins, other ports and opaque origins, with no CORS header', async () => {
      for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`, `http://localhost:${server.port}`, `https://127.0.0.1:${server.port}`]) {
        const res = await request(server, '/api/call/listFiles', { method: 'POST', headers: { ...token(), ...json, origin }, body: '{}' });
        expect(res.status, origin).toBe(403);
        expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-')), origin).toEqual([]);
      }
      const own = await request(server, '/api/call/listFiles', { method: 'POST', headers: { ...token(), ...json, origin: server.origin }, body: '{}' });
      expect(own.status).toBe(200);
    });

    it('answers no CORS preflight', async () => {
      const res = await request(server, '/api/call/openPath', {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-workbench-token' },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });

    it('refuses embedding and fetches from other sites or local ports (Fetch Metadata), even with the cookie', async () => {
      const cookie = `wb_token_${server.port}=${server.token}`;
      for (const site of ['cross-site', 'same-site']) {
        const res = await request(server, `/files/${openedId}`, { headers: { cookie, 'sec-fetch-site': site, 'sec-fetch-dest': 'video' } });
        expect(res.status, site).toBe(403);
        expect(res.body).not.toContain('OPENED-MEDIA');
      }
      for (const site of ['same-origin', 'none']) {
        expect((await request(server, `/files/${openedId}`, { headers: { cookie, 'sec-fetch-site': site } })).status, site).toBe(200);
      }
    });

    it('API calls need JSON and POST, so HTML forms cannot make them', async () => {
      expect((await request(server, '/api/call/listFiles', { method: 'POST', headers: { ...token(), 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' })).status).toBe(415);
      expect((await request(server, '/api/call/listFiles', { method: 'POST', headers: { ...token(), 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
      expect((await request(server, '/api/call/listFiles', { headers: token() })).status).toBe(405);
    });
  });

  describe('files the user did not open', () => {
    it('are never served, whatever the path or id trick', async () => {
      const rel = path.relative('/', secret);
      const attempts = [
        `/files/${openedId}/../secret.txt`,
        `/files/${openedId}%2f..%2fsecret.txt`,
        `/files/${openedId}%2F..%2F..%2F${encodeURIComponent(rel)}`,
        `/files/..%2f${openedId}`,
        `/files/${encodeURIComponent(secret)}`,
        `/files/%2e%2e%2f%2e%2e%2f${encodeURIComponent(rel)}`,
        `/files/${openedId.slice(0, -1)}`,
        `/files/${openedId}x`,
        '/..%2fsibling.txt',
        '/%2e%2e/sibling.txt',
        '/..\\sibling.txt',
        '/%5c..%5csibling.txt',
        '/%252e%252e/sibling.txt',
        `/%2e%2e/%2e%2e/${rel}`,
        `//${rel}`,
        `/index.html%00/../../sibling.txt`,
      ];
      for (const a of attempts) {
        const res = await request(server, a, { headers: token() });
        expect(res.body, a).not.toMatch(/TOP-SECRET|SIBLING-NOT-SERVED/);
        if (res.status === 200) expect(res.body, a).toMatch(/OPENED-MEDIA|<title>ok<\/title>/);
      }
    });

    it('files are read-only over HTTP', async () => {
      for (const method of ['PUT', 'POST', 'DELETE', 'PATCH']) {
        expect((await request(server, `/files/${openedId}`, { method, headers: token(), body: 'x' })).status, method).toBe(405);
      }
    });

    it('a closed file stops being served', async () => {
      const other = path.join(dir, 'temp.mp4');
      await writeFile(other, 'TEMP');
      const { id } = await server.files.open(other);
      expect((await request(server, `/files/${id}`, { headers: token() })).status).toBe(200);
      server.files.close(id);
      expect((await request(server, `/files/${id}`, { headers: token() })).status).toBe(404);
    });
  });
});
