/**
 * The ladder lint (MSE_RULES.md "Streams") on a ladder generated with ffmpeg (test/fixtures/ladder.ts):
 * three H.264 renditions plus AAC as fMP4 HLS, TS HLS and two-Period DASH, and one manifest per
 * fault. Each fault raises its rule, naming stream, segment and url; the clean ladder raises no error.
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { RULES } from '../../../electron/core/mse/catalogue';
import type { Finding, MseAnalysis } from '../../../electron/core/mse/types';
import { startFixtureServer, type FixtureServer } from '../../fixtures/http-server';
import { ladderFixture, type LadderFixture } from '../../fixtures/ladder';
import { mwb } from '../../fixtures/mwb-cli';

let fx: LadderFixture;
let server: FixtureServer;
const at = (rel: string) => path.join(fx.dir, rel);
const errors = (a: MseAnalysis) => a.findings.filter((f) => f.severity === 'error');
const only = (a: MseAnalysis, rule: Finding['rule']) => a.findings.filter((f) => f.rule === rule);
const rel = (url: string | undefined) => (url ? (url.startsWith('http') ? new URL(url).pathname.replace(/^\/f\d+\//, '') : path.relative(fx.dir, url)) : '');

beforeAll(async () => {
  fx = await ladderFixture();
  server = await startFixtureServer(fx.dir);
}, 180_000);
afterAll(async () => {
  await server?.close();
});

describe('the clean ladder', () => {
  it('fMP4 HLS: a master with three variants and an EXT-X-MEDIA audio rendition raises no error, and names stream and url on every finding', async () => {
    const a = await analyzeMse([at(fx.hls.master)]);
    expect(a.streams.map((s) => s.label)).toEqual(['AUDIO en · index.m3u8', 'variant 320x180 537 kb/s · index.m3u8', 'variant 256x144 377 kb/s · index.m3u8', 'variant 192x108 226 kb/s · index.m3u8'].map((l) => expect.stringMatching(l.replace(/\d+ kb\/s/, '\\d+ kb/s'))));
    expect(errors(a)).toEqual([]);
    expect(a.findings.filter((f) => f.severity === 'warning')).toEqual([]);
    for (const f of a.findings) {
      expect(f.stream, f.message).toBeTypeOf('number');
      expect(f.url, f.message).toBeTruthy();
    }
    // Each variant is its own video-only stream, each with 4 one-second segments.
    expect(a.streams.slice(1).map((s) => [s.tracks.map((t) => t.kind), s.segments.length])).toEqual([
      [['video'], 4],
      [['video'], 4],
      [['video'], 4],
    ]);
  });

  it('TS HLS: every rendition is detected as MPEG-TS (hls-ts-needs-transmux), by name and by its bytes', async () => {
    const a = await analyzeMse([at(fx.ts.master)]);
    const ts = only(a, 'hls-ts-needs-transmux');
    expect(ts.map((f) => [f.stream, f.segment, rel(f.url)])).toEqual([
      [0, 0, 'ts/audio/seg_000.ts'],
      [1, 0, 'ts/v0/seg_000.ts'],
      [2, 0, 'ts/v1/seg_000.ts'],
      [3, 0, 'ts/v2/seg_000.ts'],
    ]);
    expect(ts[0]!.severity).toBe('info');
    expect(errors(a)).toEqual([]);
  });

  it('DASH: both Periods, each under its own Period-level BaseURL, three video representations and one audio, no error', async () => {
    const a = await analyzeMse([at(fx.dash.manifest)]);
    expect(a.streams.map((s) => s.label)).toEqual(
      ['p0', 'p1'].flatMap((p) => [0, 1, 2].map((r) => `Period ${p} · Representation ${r} (video/mp4)`).concat(`Period ${p} · Representation 3 (audio/mp4)`)),
    );
    expect(a.streams[4]!.init!.name).toBe('init-0.m4s');
    expect(a.streams.map((s) => s.segments.length)).toEqual([4, 4, 4, 5, 4, 4, 4, 5]);
    expect(errors(a)).toEqual([]);
    expect(only(a, 'ladder-not-aligned')).toEqual([]);
    expect(only(a, 'manifest-duration-mismatch')).toEqual([]);
    const urls = a.findings.map((f) => rel(f.url));
    expect(urls.some((u) => u.startsWith('dash/p1/'))).toBe(true);
  });
});

describe('each fault raises its rule', () => {
  it('manifest-codecs-mismatch: CODECS says High 4.0, the init segment is Baseline', async () => {
    const a = await analyzeMse([at(fx.hls.codecs)]);
    const f = only(a, 'manifest-codecs-mismatch');
    expect(f.map((x) => [x.stream, rel(x.url), x.severity])).toEqual([[1, 'hls/v0/init.mp4', 'error']]);
    expect(f[0]!.message).toMatch(/avc1\.640028.*avc1\.42c0/);
    expect(f[0]!.fix).toBe(RULES['manifest-codecs-mismatch'].fix);
  });

  it('manifest-codecs-mismatch in DASH: representation 0 of the first Period claims HEVC', async () => {
    const a = await analyzeMse([at(fx.dash.codecs)]);
    const f = only(a, 'manifest-codecs-mismatch');
    expect(f.map((x) => [x.stream, rel(x.url)])).toEqual([
      [0, 'dash/p0/init-0.m4s'],
    ]);
    expect(f[0]!.message).toMatch(/hvc1\.1\.6\.L93\.90.*avc1\.42c0/);
  });

  it('manifest-codecs-missing: variants without CODECS', async () => {
    const a = await analyzeMse([at(fx.hls.nocodecs)]);
    expect(only(a, 'manifest-codecs-missing').map((x) => [x.stream, rel(x.url), x.severity])).toEqual([
      [1, 'hls/v0/index.m3u8', 'warning'],
      [2, 'hls/v1/index.m3u8', 'warning'],
      [3, 'hls/v2/index.m3u8', 'warning'],
    ]);
  });

  it('ladder-timescale-mismatch: one variant with a video timescale of 1000', async () => {
    const a = await analyzeMse([at(fx.hls.timescale)]);
    const f = only(a, 'ladder-timescale-mismatch');
    expect(f.map((x) => [x.stream, rel(x.url), x.severity])).toEqual([[2, 'hls/v1ms/init.mp4', 'warning']]);
    expect(f[0]!.message).toMatch(/timescale 1000/);
    expect(errors(a)).toEqual([]);
  });

  it('ladder-not-aligned: a variant with a 1.5 s GOP starts its second segment half a second late', async () => {
    const a = await analyzeMse([at(fx.hls.misaligned)]);
    const f = only(a, 'ladder-not-aligned');
    expect(f.map((x) => [x.stream, x.segment, rel(x.url)])).toEqual([[2, 1, 'hls/vgop/seg_001.m4s']]);
    expect(f[0]!.message).toMatch(/1\.500 s .* 1\.000 s/);
  });

  it('hls-target-duration-exceeded: 1.5 s segments under EXT-X-TARGETDURATION:1', async () => {
    const a = await analyzeMse([at(fx.hls.long)]);
    const f = only(a, 'hls-target-duration-exceeded');
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => [x.stream, x.segment, rel(x.url)])[0]).toEqual([0, 0, 'hls/vgop/seg_000.m4s']);
    expect(f[0]!.severity).toBe('error');
  });

  it('manifest-duration-mismatch: an EXTINF half a second longer than its segment', async () => {
    const a = await analyzeMse([at(fx.hls.extinf)]);
    const f = only(a, 'manifest-duration-mismatch');
    expect(f.map((x) => [x.stream, x.segment, rel(x.url), x.severity])).toEqual([[0, 1, 'hls/v0/seg_001.m4s', 'warning']]);
    expect(f[0]!.message).toMatch(/1\.000 s in its media but EXTINF declares 1\.500 s/);
  });

  it('bandwidth-exceeded: BANDWIDTH at a third of the measured peak', async () => {
    const a = await analyzeMse([at(fx.hls.bandwidth)]);
    const f = only(a, 'bandwidth-exceeded');
    expect(f.map((x) => [x.stream, rel(x.url).startsWith('hls/v0/seg_'), x.segment !== undefined])).toEqual([[1, true, true]]);
  });

  it('hls-ts-needs-transmux by the bytes: MPEG-TS segments named .m4s, without EXT-X-MAP, are not called hls-map-missing', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'mwb-ladder-ts-'));
    try {
      for (const n of [0, 1]) await symlink(at(`ts/v0/seg_00${n}.ts`), path.join(tmp, `seg_00${n}.m4s`));
      await writeFile(path.join(tmp, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg_000.m4s\n#EXTINF:1,\nseg_001.m4s\n#EXT-X-ENDLIST\n');
      const a = await analyzeMse([path.join(tmp, 'index.m3u8')]);
      expect(a.findings.map((f) => [f.rule, f.stream, f.segment, path.basename(f.url ?? '')])).toEqual([['hls-ts-needs-transmux', 0, 0, 'seg_000.m4s']]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('hls-map-missing: fMP4 segments listed without EXT-X-MAP', async () => {
    const a = await analyzeMse([at(fx.hls.nomap)]);
    const f = only(a, 'hls-map-missing');
    expect(f.map((x) => [x.stream, x.segment, rel(x.url), x.severity])).toEqual([[1, 0, 'hls/v0/seg_000.m4s', 'error']]);
    expect(only(a, 'hls-ts-needs-transmux')).toEqual([]);
  });
});

describe('over HTTP', () => {
  it('lints a remote master playlist with the same findings, and URLs in them', async () => {
    const clean = await analyzeMse([server.url(fx.hls.master)]);
    expect(errors(clean)).toEqual([]);
    const bad = await analyzeMse([server.url(fx.hls.codecs)]);
    const f = only(bad, 'manifest-codecs-mismatch');
    expect(f.map((x) => [x.stream, rel(x.url)])).toEqual([[1, 'hls/v0/init.mp4']]);
    expect(f[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('every fault raises the same rule through the fixture server as from the folder', async () => {
    const cases: [string, Finding['rule']][] = [
      [fx.hls.nocodecs, 'manifest-codecs-missing'],
      [fx.hls.timescale, 'ladder-timescale-mismatch'],
      [fx.hls.long, 'hls-target-duration-exceeded'],
      [fx.hls.extinf, 'manifest-duration-mismatch'],
      [fx.hls.bandwidth, 'bandwidth-exceeded'],
      [fx.hls.nomap, 'hls-map-missing'],
      [fx.ts.master, 'hls-ts-needs-transmux'],
    ];
    for (const [manifest, rule] of cases) {
      const local = only(await analyzeMse([at(manifest)]), rule).map((f) => [f.stream, f.segment, rel(f.url)]);
      const remote = only(await analyzeMse([server.url(manifest)]), rule).map((f) => [f.stream, f.segment, rel(f.url)]);
      expect(local.length, manifest).toBeGreaterThan(0);
      expect(remote, manifest).toEqual(local);
    }
    const dash = await analyzeMse([server.url(fx.dash.manifest)]);
    expect(errors(dash)).toEqual([]);
    expect(dash.streams).toHaveLength(8);
  });

  it('mwb lint http://…/master.m3u8 --json names stream, segment and url', async () => {
    const r = await mwb('lint', server.url(fx.hls.misaligned), '--json');
    const report = JSON.parse(r.stdout) as { findings: Finding[] };
    const f = report.findings.find((x) => x.rule === 'ladder-not-aligned')!;
    expect(f).toMatchObject({ stream: 2, segment: 1 });
    expect(rel(f.url)).toBe('hls/vgop/seg_001.m4s');
    expect(r.code).not.toBe(0);
  }, 60_000);
});
