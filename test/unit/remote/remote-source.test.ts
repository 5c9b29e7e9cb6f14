/**
 * Remote sources against a real HTTP server started here (test/fixtures/http-server.ts), serving
 * media made with ffmpeg: the Range byte source, the fragment-index walk, safety (schemes,
 * redirects, timeouts, credentials, manifest cap) and what each fault does.
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxesToJson, inspectFile } from '../../../electron/core/boxes';
import { fetchText, HttpLog, MANIFEST_LIMIT } from '../../../electron/core/net/http';
import { openHttpSource } from '../../../electron/core/net/http-source';
import { inspectUrl } from '../../../electron/core/net/remote';
import { fmp4 } from '../../fixtures/generate';
import { startFixtureServer, type FixtureServer } from '../../fixtures/http-server';

let dir: string;
let server: FixtureServer;
let local: string;
let localSidx: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-remote-'));
  // ffmpeg's fragmented MP4 ends with mfra (tfra per track, mfro last); +global_sidx writes a sidx instead.
  local = await fmp4({ duration: 12, fps: 30, gop: 30 });
  localSidx = await fmp4({ duration: 6, fps: 30, gop: 30, movflags: 'frag_keyframe+empty_moov+default_base_moof+global_sidx' });
  await symlink(local, path.join(dir, 'clip.mp4'));
  await symlink(localSidx, path.join(dir, 'sidx.mp4'));
  server = await startFixtureServer(dir);
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const tree = (boxes: Parameters<typeof boxesToJson>[0]) => JSON.stringify(boxesToJson(boxes));

describe('HTTP Range byte source', () => {
  it('reads the same bytes as the file, by ranges, counting requests and bytes', async () => {
    const log = new HttpLog();
    const source = await openHttpSource(server.url('clip.mp4'), { log, window: 4096 });
    expect(source.ranges).toBe(true);
    const { readFile } = await import('node:fs/promises');
    const whole = await readFile(local);
    expect(source.size).toBe(whole.length);
    for (const [offset, length] of [[0, 16], [100, 4000], [whole.length - 100, 500], [12345, 70000]] as const) {
      const got = await source.read(offset, length);
      expect(Buffer.from(got).equals(whole.subarray(offset, offset + length))).toBe(true);
    }
    expect(log.requests).toBeGreaterThanOrEqual(3);
    expect(log.bytesFetched).toBeLessThan(whole.length);
    await source.close();
    expect(server.log.every((e) => !e.credentials)).toBe(true);
    expect(server.log.filter((e) => e.path.endsWith('clip.mp4')).every((e) => e.origin !== undefined)).toBe(true);
  });

  it('refuses other schemes and URLs with credentials', async () => {
    await expect(openHttpSource('file:///etc/passwd')).rejects.toThrow(/only http:\/\/ and https:\/\//);
    await expect(openHttpSource('ftp://example.com/x.mp4')).rejects.toThrow(/only http/);
    await expect(openHttpSource(server.url('clip.mp4').replace('http://', 'http://user:pw@'))).rejects.toThrow(/credentials are never sent/);
  });

  it('follows up to 5 redirects, refuses a sixth and any redirect to file:', async () => {
    const ok = await openHttpSource(server.url('clip.mp4', { redirects: 5 }));
    expect(ok.exchange.redirects).toBe(5);
    await ok.close();
    await expect(openHttpSource(server.url('clip.mp4', { redirects: 6 }))).rejects.toThrow(/more than 5 times/);
    await expect(openHttpSource(server.url('clip.mp4', { redirectTo: 'file:///etc/passwd' }))).rejects.toThrow(/redirects to file:.*only http\(s\) redirects are followed/);
    // Another scheme, even https: refused before any connection to it, naming the URL to open instead.
    const other = server.url('clip.mp4').replace('http://', 'https://');
    await expect(openHttpSource(server.url('clip.mp4', { redirectTo: other }))).rejects.toThrow(`redirects to another scheme (${other}); redirects keep their scheme: open ${other} itself`);
  });

  it('times out a server that does not answer, naming the URL', async () => {
    const url = server.url('clip.mp4', { latencyMs: 2000 });
    await expect(openHttpSource(url, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ETIMEDOUT', message: expect.stringContaining(url) });
  });

  it('names the URL and the status of a 404', async () => {
    const url = server.url('clip.mp4', { status: 404 });
    await expect(openHttpSource(url)).rejects.toMatchObject({ code: 'ENOENT', message: `${url} answered HTTP 404.` });
    await expect(openHttpSource(server.url('nothing-here.mp4'))).rejects.toThrow(/answered HTTP 404/);
  });

  it('caps manifests at 16 MiB', async () => {
    await writeFile(path.join(dir, 'huge.m3u8'), '#EXTM3U\n' + '#'.repeat(MANIFEST_LIMIT + 10));
    await expect(fetchText(server.url('huge.m3u8'))).rejects.toMatchObject({ code: 'ETOOBIG' });
  });
});

describe('remote inspect', () => {
  it('gives the same tree as the local file, found through mfra, for a fraction of its bytes', async () => {
    const want = await inspectFile(local);
    server.resetLog();
    const got = await inspectUrl(server.url('clip.mp4'));
    expect(got.http.index).toBe('mfra');
    expect(tree(got.boxes)).toBe(tree(want.boxes));
    expect(got.tracks).toEqual(want.tracks);
    expect(got.errors).toEqual([]);
    expect(got.http.bytesFetched).toBeLessThan(want.size / 4);
    expect(got.http.requests).toBe(server.totals().requests);
    expect(got.http.bytesFetched).toBe(server.totals().bytes);
    // The fixture server answers several ranges at once (multipart/byteranges, like nginx): the
    // head, the index and one request for every batch of 32 fragments.
    const moofs = want.boxes.filter((b) => b.type === 'moof').length;
    expect(moofs).toBe(12);
    expect(got.http.requests).toBeLessThanOrEqual(5);
    expect(server.log.some((e) => e.range?.includes(','))).toBe(true);
  });

  it('falls back to one range per fragment on a server without multi-range (200 dropped at once)', async () => {
    const want = await inspectFile(local);
    server.resetLog();
    const got = await inspectUrl(server.url('clip.mp4', { noMultiRange: true }));
    expect(tree(got.boxes)).toBe(tree(want.boxes));
    const moofs = want.boxes.filter((b) => b.type === 'moof').length;
    expect(got.http.requests).toBeGreaterThan(moofs);
    expect(got.http.requests).toBeLessThanOrEqual(moofs + 8);
    expect(got.http.bytesFetched).toBeLessThan(want.size / 4);
  });

  it('finds fragments through a sidx', async () => {
    const want = await inspectFile(localSidx);
    const got = await inspectUrl(server.url('sidx.mp4'));
    expect(got.http.index).toBe('sidx');
    expect(tree(got.boxes)).toBe(tree(want.boxes));
  });

  it('walks a file without an index box by box, reporting the tree as it grows', async () => {
    const bare = await fmp4({ duration: 6, fps: 30, gop: 30, movflags: 'frag_keyframe+empty_moov+default_base_moof+skip_trailer' });
    await symlink(bare, path.join(dir, 'bare.mp4'));
    const want = await inspectFile(bare);
    expect(want.boxes.some((b) => b.type === 'mfra')).toBe(false);
    const seen: { n: number; unit: string; done: number }[] = [];
    const got = await inspectUrl(server.url('bare.mp4', { latencyMs: 10 }), { progressMs: 0, onProgress: (p) => seen.push({ n: p.boxes.length, unit: p.unit, done: p.done }) });
    expect(got.http.index).toBe(null);
    expect(tree(got.boxes)).toBe(tree(want.boxes));
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((p) => p.unit === 'bytes')).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
  });

  it('reports the tree as it fills in', async () => {
    const seen: number[] = [];
    const got = await inspectUrl(server.url('clip.mp4', { latencyMs: 20 }), { progressMs: 0, concurrency: 2, onProgress: (p) => seen.push(p.boxes.length) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[seen.length - 1]).toBe(got.boxes.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it('still reads a server that ignores Range, forward only', async () => {
    const want = await inspectFile(local);
    const got = await inspectUrl(server.url('clip.mp4', { noRange: true }));
    expect(got.http.exchange.status).toBe(200);
    expect(tree(got.boxes)).toBe(tree(want.boxes));
  });

  it('goes on forward only when the server stops honouring Range half-way', async () => {
    const want = await inspectFile(local);
    const got = await inspectUrl(server.url('clip.mp4', { rangeRequests: 2, noMultiRange: true }));
    expect(tree(got.boxes)).toBe(tree(want.boxes));
  });

  it('reads a truncated file like the local copy: the same box-truncated errors', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(local);
    await writeFile(path.join(dir, 'cut.mp4'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const want = await inspectFile(path.join(dir, 'cut.mp4'));
    const got = await inspectUrl(server.url('cut.mp4'));
    expect(want.errors.map((e) => e.rule)).toContain('box-truncated');
    expect(got.errors).toEqual(want.errors);
    expect(tree(got.boxes)).toBe(tree(want.boxes));
  });

  it('falls back to a box-by-box walk when the index lies', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = Buffer.from(await readFile(local));
    // Point the first tfra entry's moof_offset somewhere inside an mdat.
    const mfra = bytes.lastIndexOf(Buffer.from('tfra'));
    const version = bytes[mfra + 4]!;
    const entry = mfra + 4 + 4 + 4 + 4 + 4;
    if (version === 1) bytes.writeUInt32BE(bytes.readUInt32BE(entry + 12) + 1000, entry + 12);
    else bytes.writeUInt32BE(bytes.readUInt32BE(entry + 4) + 1000, entry + 4);
    await writeFile(path.join(dir, 'lying.mp4'), bytes);
    const want = await inspectFile(path.join(dir, 'lying.mp4'));
    const got = await inspectUrl(server.url('lying.mp4'));
    expect(got.http.index).toBe(null);
    expect(tree(got.boxes)).toBe(tree(want.boxes));
  });
});
