/**
 * The HTTP rules of MSE_RULES.md "Streams" (`http-no-range`, `http-cors-missing`,
 * `http-content-type`, `segment-unavailable`) on a URL input and on every request a manifest leads
 * to, through the fixture server with each fault switched on; the clean paths raise none. Also
 * `segment-unavailable` for a local manifest whose file is missing, and the CLI verbs on URLs.
 */
import { cp, mkdtemp, readFile, rm, symlink, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { isoDuration } from '../../../electron/core/mse/manifest';
import type { Finding, MseAnalysis } from '../../../electron/core/mse/types';
import { cleanFmp4, segmentedSet } from '../../fixtures/mse-broken';
import { startFixtureServer, type FixtureServer } from '../../fixtures/http-server';
import { mwb } from '../../fixtures/mwb-cli';

const HTTP_RULES = ['http-no-range', 'http-cors-missing', 'http-content-type', 'segment-unavailable'];
const problems = (a: MseAnalysis) => a.findings.filter((f) => f.severity !== 'info');
const show = (f: Finding) => `${f.rule} ${f.url ?? f.path}: ${f.message}`;
const rules = (a: MseAnalysis) => [...new Set(problems(a).map((f) => f.rule))].sort();

let dir: string;
let server: FixtureServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-httprules-'));
  await symlink(await cleanFmp4(), path.join(dir, 'clip.mp4'));
  await symlink((await segmentedSet('hls')).dir, path.join(dir, 'hls'));
  await symlink((await segmentedSet('dash')).dir, path.join(dir, 'dash'));
  server = await startFixtureServer(dir);
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a URL input', () => {
  it('clean: no finding, the same lint as the local file, and what it cost', async () => {
    const a = await analyzeMse([server.url('clip.mp4')]);
    expect(problems(a).map(show)).toEqual([]);
    expect(a.http!.requests).toBeGreaterThan(0);
    expect(a.http!.bytesFetched).toBeGreaterThan(0);
    expect(a.input.name).toBe('clip.mp4');
  });

  it('no Range → http-no-range', async () => {
    const a = await analyzeMse([server.url('clip.mp4', { noRange: true })]);
    expect(rules(a)).toEqual(['http-no-range']);
    expect(a.findings.find((f) => f.rule === 'http-no-range')).toMatchObject({ severity: 'warning', url: expect.stringContaining('clip.mp4'), fix: expect.stringContaining('range requests') });
  });

  it('no CORS → http-cors-missing', async () => {
    const a = await analyzeMse([server.url('clip.mp4', { noCors: true })]);
    expect(rules(a)).toEqual(['http-cors-missing']);
    expect(a.counts.error).toBe(1);
  });

  it('a preflight that does not allow Range → http-cors-missing', async () => {
    const a = await analyzeMse([server.url('clip.mp4', { noPreflight: true })]);
    expect(rules(a)).toEqual(['http-cors-missing']);
    expect(a.findings.find((f) => f.rule === 'http-cors-missing')!.message).toMatch(/preflight .* without Access-Control-Allow-Headers/);
    expect(server.log.some((e) => e.method === 'OPTIONS')).toBe(true);
  });

  it('wrong Content-Type → http-content-type', async () => {
    const a = await analyzeMse([server.url('clip.mp4', { contentType: 'text/plain' })]);
    expect(rules(a)).toEqual(['http-content-type']);
    expect(a.findings.find((f) => f.rule === 'http-content-type')!.message).toMatch(/served as "text\/plain", expected video\/mp4/);
  });

  it('latency, a redirect chain and single-range-only servers change nothing', async () => {
    const a = await analyzeMse([server.url('clip.mp4', { latencyMs: 30, redirects: 3 })]);
    expect(problems(a).map(show)).toEqual([]);
    const b = await analyzeMse([server.url('clip.mp4', { noMultiRange: true })]);
    expect(problems(b).map(show)).toEqual([]);
  });

  it('404, and a redirect to file:, are refused naming the URL', async () => {
    await expect(analyzeMse([server.url('clip.mp4', { status: 404 })])).rejects.toThrow(/clip\.mp4 answered HTTP 404/);
    await expect(analyzeMse([server.url('clip.mp4', { redirectTo: 'file:///etc/passwd' })])).rejects.toThrow(/redirects to file:/);
  });
});

describe('a remote manifest and every request it leads to', () => {
  it('clean HLS and DASH: no finding, same segments as the local folders', async () => {
    for (const [rel, local] of [['hls/index.m3u8', (await segmentedSet('hls')).manifest], ['dash/manifest.mpd', (await segmentedSet('dash')).manifest]] as const) {
      const remote = await analyzeMse([server.url(rel)]);
      const here = await analyzeMse([local]);
      expect(problems(remote).map(show)).toEqual([]);
      expect(remote.tracks).toEqual(here.tracks);
      if (rel.endsWith('.m3u8')) {
        expect(remote.streams.map((s) => s.segments.length)).toEqual(here.streams.map((s) => s.segments.length));
      } else {
        // A remote $Number$ template runs for the count the MPD's durations imply (what a player
        // fetches; remote files are not probed), a local one on while files exist.
        const text = await readFile(local, 'utf8');
        const implied = Math.ceil(isoDuration(/mediaPresentationDuration="([^"]+)"/.exec(text)![1])! - 1e-9);
        expect(remote.streams.map((s) => s.segments.length)).toEqual(here.streams.map((s) => Math.min(s.segments.length, implied)));
      }
    }
  });

  it('no CORS on the whole stream: one http-cors-missing per stream, counting the URLs', async () => {
    const a = await analyzeMse([server.url('hls/index.m3u8', { noCors: true })]);
    const cors = a.findings.filter((f) => f.rule === 'http-cors-missing');
    expect(cors).toHaveLength(2); // the playlist, and the stream's init + segments
    expect(cors.some((f) => /URLs answer like this/.test(f.message))).toBe(true);
    expect(rules(a)).toEqual(['http-cors-missing']);
  });

  it('a playlist served as octet-stream → http-content-type on the playlist only', async () => {
    const url = server.url('hls/index.m3u8');
    server.setFaults(new URL(url).pathname, { contentType: 'application/octet-stream' });
    try {
      const a = await analyzeMse([url]);
      expect(rules(a)).toEqual(['http-content-type']);
      expect(a.findings.find((f) => f.rule === 'http-content-type')).toMatchObject({ url, message: expect.stringMatching(/application\/vnd\.apple\.mpegurl/) });
    } finally {
      server.setFaults(new URL(url).pathname, null);
    }
  });

  it('segments without Range → http-no-range', async () => {
    const a = await analyzeMse([server.url('dash/manifest.mpd', { noRange: true })]);
    expect(rules(a)).toEqual(['http-no-range']);
  });

  it('a 404 segment → segment-unavailable naming the segment and its URL', async () => {
    const url = server.url('hls/index.m3u8', { latencyMs: 1 });
    const seg = new URL('seg_001.m4s', url);
    server.setFaults(seg.pathname, { status: 404 });
    try {
      const a = await analyzeMse([url]);
      const f = a.findings.filter((x) => x.rule === 'segment-unavailable');
      expect(f.map(show)).toEqual([`segment-unavailable ${seg.href}: segment 1 of the stream cannot be read: ${seg.href} answered HTTP 404.`]);
      expect(f[0]).toMatchObject({ severity: 'error', segment: 1 });
      expect(problems(a).filter((x) => !HTTP_RULES.includes(x.rule) && x.rule !== 'tfdt-discontinuity').map(show)).toEqual([]);
    } finally {
      server.setFaults(seg.pathname, null);
    }
  });

  it('a master playlist whose child playlist is 404 → segment-unavailable naming it; the other variant is linted', async () => {
    const { writeFile } = await import('node:fs/promises');
    // The variant declares its real codecs and a generous peak, so the ladder rules stay quiet.
    const codecs = (await analyzeMse([path.join(dir, 'hls/index.m3u8')])).tracks.map((t) => t.codec).join(',');
    await writeFile(
      path.join(dir, 'master.m3u8'),
      `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000000,CODECS="${codecs}"\nhls/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=400000\ngone/index.m3u8\n`,
    );
    const url = server.url('master.m3u8');
    const a = await analyzeMse([url]);
    expect(a.streams).toHaveLength(1);
    const f = a.findings.filter((x) => x.rule === 'segment-unavailable');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', url: new URL('gone/index.m3u8', url).href, message: expect.stringMatching(/playlist index\.m3u8 named by master\.m3u8 cannot be read: .* answered HTTP 404/) });
    expect(rules(a)).toEqual(['segment-unavailable']);
  });

  it('a manifest pointing at file: is refused', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'evil.m3u8'), '#EXTM3U\n#EXT-X-MAP:URI="file:///etc/passwd"\n#EXTINF:1,\nseg.m4s\n');
    await expect(analyzeMse([server.url('evil.m3u8')])).rejects.toThrow(/can only lead to http\(s\) URLs/);
  });
});

describe('segment-unavailable for a local manifest', () => {
  it('names the missing file of an HLS and a DASH folder', async () => {
    for (const [kind, missing] of [['hls', 'seg_002.m4s'], ['dash', 'chunk-0-00002.m4s']] as const) {
      const copy = path.join(dir, `copy-${kind}`);
      const set = await segmentedSet(kind);
      await cp(set.dir, copy, { recursive: true, dereference: true });
      await unlink(path.join(copy, missing));
      const a = await analyzeMse([path.join(copy, path.basename(set.manifest))]);
      const f = a.findings.filter((x) => x.rule === 'segment-unavailable');
      expect(f, a.findings.map(show).join('\n')).toHaveLength(1);
      expect(f[0]!.url).toBe(path.join(copy, missing));
      expect(f[0]!.message).toMatch(/does not exist/);
    }
  });
});


describe('mwb verbs take URLs', () => {
  it('inspect --json adds bytesFetched and requests', async () => {
    const r = await mwb('inspect', server.url('clip.mp4'), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { file: string; size: number; bytesFetched: number; requests: number; boxes: { type: string }[] };
    expect(json.file).toBe(server.url('clip.mp4'));
    expect(json.bytesFetched).toBeGreaterThan(0);
    expect(json.bytesFetched).toBeLessThan(json.size);
    expect(json.requests).toBeGreaterThan(1);
    expect(json.boxes.some((b) => b.type === 'moof')).toBe(true);
  });

  it('lint exits 1 on http-cors-missing; diff of the same file over HTTP and on disk finds nothing; probe reads the URL', async () => {
    const lint = await mwb('lint', server.url('clip.mp4', { noCors: true }), '--json');
    expect(lint.code).toBe(1);
    expect((JSON.parse(lint.stdout) as { findings: Finding[] }).findings.map((f) => f.rule)).toContain('http-cors-missing');
    const diff = await mwb('diff', server.url('clip.mp4'), path.join(dir, 'clip.mp4'));
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    const probe = await mwb('probe', server.url('clip.mp4'), '--json');
    expect(probe.code, probe.stderr).toBe(0);
    const p = JSON.parse(probe.stdout) as { streams: { ffprobe: { codec_name?: string }; ours: { codec: string } | null }[] };
    expect(p.streams[0]!.ffprobe.codec_name).toBe('h264');
    expect(p.streams[0]!.ours!.codec).toMatch(/^avc1\./);
  });

  it('inspect names the URL of a 404 and exits 2 (an input that cannot be read, as a missing file)', async () => {
    const url = server.url('clip.mp4', { status: 404 });
    const r = await mwb('inspect', url);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${url} answered HTTP 404.`);
  });
});
