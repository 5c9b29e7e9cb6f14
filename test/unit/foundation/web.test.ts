import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../../electron/web';

/** A raw request so tests control the Host and Origin headers exactly. */
function request(
  server: WebServer,
  pathname: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: pathname, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('web mode server', () => {
  let dir: string;
  let server: WebServer;
  let media: string;
  let secret: string;
  const auth = () => ({ 'x-workbench-token': server.token });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-web-'));
    const staticDir = path.join(dir, 'renderer');
    await import('node:fs/promises').then((fs) => fs.mkdir(staticDir));
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    media = path.join(dir, 'clip.mp4');
    await writeFile(media, Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)));
    secret = path.join(dir, 'secret.txt');
    await writeFile(secret, 'not for the browser');
    server = await startWebServer({ staticDir });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('binds loopback only, on a random port', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('answers 200 with the token and 401 without it', async () => {
    expect((await request(server, `/?token=${server.token}`)).status).toBe(200);
    expect((await request(server, '/')).status).toBe(401);
    expect((await request(server, '/?token=wrong')).status).toBe(401);
  });

  it('sets a strict CSP and an HttpOnly same-site cookie for the page', async () => {
    const res = await request(server, `/?token=${server.token}`);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    expect((await request(server, '/index.html', { headers: { cookie } })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await request(server, `/?token=${server.token}`, { headers: { host: `evil.example:${server.port}` } });
    expect(res.status).toBe(421);
  });

  it('refuses cross-origin API calls and never sends CORS headers', async () => {
    const res = await request(server, '/api/call/appInfo', {
      method: 'POST',
      headers: { ...auth(), origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the contract over HTTP with validated arguments', async () => {
    const ok = await request(server, '/api/call/appInfo', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' });
    const info = JSON.parse(ok.body.toString());
    expect(info).toMatchObject({ ok: true, result: { mode: 'web', name: 'Media Workbench' } });

    const bad = await request(server, '/api/call/openPath', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"path":42}' });
    expect(JSON.parse(bad.body.toString())).toMatchObject({ ok: false, error: { code: 'EINVALIDARGS' } });
    expect(JSON.parse(bad.body.toString()).error.message).toMatch(/openPath \(path\)/);

    const unknown = await request(server, '/api/call/runCommand', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' });
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ ok: false, error: { code: 'ENOMETHOD' } });
  });

  it('reads only opened files, by id, with byte ranges', async () => {
    const file = await server.files.open(media);
    const whole = await request(server, `/files/${file.id}`, { headers: auth() });
    expect(whole.status).toBe(200);
    expect(whole.body.length).toBe(1000);
    const part = await request(server, `/files/${file.id}`, { headers: { ...auth(), range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 10-19/1000');
    expect([...part.body]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const beyond = await request(server, `/files/${file.id}`, { headers: { ...auth(), range: 'bytes=5000-' } });
    expect(beyond.status).toBe(416);
    expect((await request(server, `/files/${file.id}`)).status).toBe(401);
  });

  it('refuses paths that were not opened, traversal included', async () => {
    const attempts = [
      '/files/notanid12345',
      `/files/..%2f..%2f${encodeURIComponent(secret)}`,
      `/..%2f..%2f..%2f..%2f${encodeURIComponent(secret.slice(1))}`,
      `/../../../../${secret.slice(1)}`,
      '/%2e%2e/%2e%2e/etc/passwd',
      `/${encodeURIComponent(secret)}`,
    ];
    for (const a of attempts) {
      const res = await request(server, a, { headers: auth() });
      expect(res.status, a).toBeGreaterThanOrEqual(400);
      expect(res.body.toString(), a).not.toContain('not for the browser');
    }
  });

  it('rejects oversized and malformed API bodies', async () => {
    const big = await request(server, '/api/call/appInfo', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    const garbage = await request(server, '/api/call/appInfo', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{' });
    expect(garbage.status).toBe(400);
  });
});
