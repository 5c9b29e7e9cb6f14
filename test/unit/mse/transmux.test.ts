/**
 * MPEG-TS → fMP4 on the fly (core/media/transmux.ts), on TS made by ffmpeg at test time: what the
 * Player appends (one init segment, then each segment's moof+mdat) is fragmented MP4 with the
 * right tracks and codec strings, whose decode times run on without a gap or overlap from one
 * separately remuxed segment to the next, at the TS's own timestamps; broken input gives an error
 * naming the segment; the plan of a TS playlist carries what the Player needs; and web mode remuxes
 * only files that were opened.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferSource, child, childrenOf, num, parseBoxTree, sampleTable, type BoxNode } from '../../../electron/core/boxes';
import { resolveBinary } from '../../../electron/core/binaries';
import { TopLevelBoxes } from '../../../electron/core/media/box-stream';
import { transmux, transmuxHead, type TransmuxPart } from '../../../electron/core/media/transmux';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { FRAGMENTS_PER_SEGMENT } from '../../../electron/core/mse/transport';
import { runCapture } from '../../../electron/core/process';
import type { MseAnalysis } from '../../../electron/core/mse/types';
import { dispatch } from '../../../electron/handlers';
import { startWebServer, type WebServer } from '../../../electron/web';
import { sourcesOf, type ByteReader } from '../../../renderer/lib/mse/sources';
import { remuxLine, type RemuxEvent } from '../../../renderer/lib/mse/transmux';
import { startFixtureServer, type FixtureServer } from '../../fixtures/http-server';
import { ladderFixture } from '../../fixtures/ladder';
import { ffmpeg, run } from '../../fixtures/generate';
import { tsHls, type TsHls } from '../../fixtures/ts-hls';

let ts: TsHls;
let tmp: string;

beforeAll(async () => {
  ts = await tsHls();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'mwb-transmux-'));
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const remux = async (file: string, part: TransmuxPart, range?: { offset: number; size: number }, firstFragment?: number) => bytesOf(await transmux({ path: file, ...range }, { part, firstFragment }));
const topTypes = async (bytes: Uint8Array) => (await parseBoxTree(bufferSource(bytes))).map((b) => b.type);

/** The TS's own first decode and presentation time of a stream (ffprobe), in seconds. */
async function firstPacket(file: string, stream: 'v' | 'a'): Promise<{ pts: number; dts: number }> {
  const r = await runCapture(resolveBinary('ffprobe').path, ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time,dts_time', '-read_intervals', '%+#1', '-of', 'json', file]);
  const p = (JSON.parse(r.stdout) as { packets: { pts_time: string; dts_time: string }[] }).packets[0]!;
  return { pts: Number(p.pts_time), dts: Number(p.dts_time) };
}

describe('MPEG-TS remuxed to fMP4 by ffmpeg', () => {
  it("what the Player appends is fMP4 with both tracks, contiguous decode times across segments, at the TS's own timestamps", async () => {
    const init = await remux(ts.segments[0]!, 'init');
    expect(await topTypes(init)).toEqual(['ftyp', 'moov']);
    // Fragment numbers as the plan gives them (FRAGMENTS_PER_SEGMENT apart).
    const media = await Promise.all(ts.segments.map((s, k) => remux(s, 'media', undefined, k * FRAGMENTS_PER_SEGMENT + 1)));
    for (const m of media) expect((await topTypes(m)).filter((t) => t !== 'moof' && t !== 'mdat')).toEqual([]);
    expect(ts.segments.length).toBeGreaterThanOrEqual(4);

    // The stream as MSE gets it: one init segment, then every segment's moof+mdat.
    const stream = new Uint8Array(init.length + media.reduce((n, m) => n + m.length, 0));
    let at = 0;
    for (const part of [init, ...media]) {
      stream.set(part, at);
      at += part.length;
    }
    const boxes = await parseBoxTree(bufferSource(stream));
    const moov = boxes.find((b) => b.type === 'moov')!;
    expect(child(moov, 'mvex')).toBeDefined();
    expect(childrenOf(moov, 'trak')).toHaveLength(2);
    expect(boxes.filter((b) => b.type === 'moof').length).toBeGreaterThanOrEqual(ts.segments.length);

    for (const [id, kind] of [[1, 'v'], [2, 'a']] as const) {
      const table = sampleTable(boxes, id)!;
      expect(table.count).toBeGreaterThan(40);
      // No gap or overlap anywhere, segment boundaries included: each sample starts where the last ended.
      const breaks: number[] = [];
      for (let i = 1; i < table.count; i++) if (table.dts[i] !== table.dts[i - 1]! + table.duration[i - 1]!) breaks.push(i);
      expect(breaks, `track ${id}`).toEqual([]);
      // Timestamps kept (-copyts): the first sample sits where the TS put it, not at 0.
      const first = await firstPacket(ts.segments[0]!, kind);
      expect(table.dts[0]! / table.timescale).toBeCloseTo(first.dts, 3);
      expect(table.cts[0]! / table.timescale).toBeCloseTo(first.pts, 3);
      expect(first.dts).toBeGreaterThan(1);
    }

    // Each separately remuxed segment starts (tfdt) at its own TS timestamp.
    const tfdts = (await Promise.all(media.map(async (m) => (await parseBoxTree(bufferSource(m))).find((b) => b.type === 'moof')!)))
      .map((moof: BoxNode) => num(child(childrenOf(moof, 'traf')[0], 'tfdt'), 'baseMediaDecodeTime')! / 90_000);
    for (const [k, seg] of ts.segments.entries()) expect(tfdts[k]).toBeCloseTo((await firstPacket(seg, 'v')).dts, 3);

    // And the MSE lint finds nothing wrong with it (codec strings complete, tfdt continuous).
    const file = path.join(tmp, 'remuxed.mp4');
    await writeFile(file, stream);
    const a = await analyzeMse([file]);
    expect(a.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
    expect(a.tracks.map((t) => [t.kind, t.codec, t.codecComplete])).toEqual([
      ['video', expect.stringMatching(/^avc1\.4d/), true],
      ['audio', 'mp4a.40.2', true],
    ]);
  }, 60_000);

  it('a byte range of a file is remuxed alone (EXT-X-BYTERANGE), and `all` keeps the whole output', async () => {
    const one = await readFile(ts.segments[1]!);
    const joined = path.join(tmp, 'joined.ts');
    await writeFile(joined, Buffer.concat([await readFile(ts.segments[0]!), one]));
    const ranged = await remux(joined, 'media', { offset: (await readFile(ts.segments[0]!)).length, size: one.length });
    expect(ranged).toEqual(await remux(ts.segments[1]!, 'media'));
    expect((await topTypes(await remux(ts.segments[1]!, 'all'))).slice(0, 4)).toEqual(['ftyp', 'moov', 'moof', 'mdat']);
  }, 30_000);

  it('an audio-only TS rendition (the ladder fixture) remuxes to an AAC track with its AudioSpecificConfig', async () => {
    const fx = await ladderFixture();
    const init = await remux(path.join(fx.dir, 'ts/audio/seg_001.ts'), 'init');
    const file = path.join(tmp, 'audio-init.mp4');
    await writeFile(file, init);
    const a = await analyzeMse([file], { lint: false });
    expect(a.tracks.map((t) => [t.kind, t.codec])).toEqual([['audio', 'mp4a.40.2']]);
  }, 120_000);

  it('a TS whose audio is MP3 is remuxed without the AAC filter (the plan remembers it)', async () => {
    const dir = await mkdtemp(path.join(tmp, 'mp3-'));
    const seg = path.join(dir, 'seg_000.ts');
    await run(ffmpeg(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=24:d=1', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'libmp3lame', '-f', 'mpegts', seg]);
    await expect(transmux({ path: seg }, { part: 'init' })).rejects.toMatchObject({ code: 'ETRANSMUXAAC', message: expect.stringContaining('seg_000.ts') });
    await writeFile(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg_000.ts\n#EXT-X-ENDLIST\n');
    const a = await analyzeMse([path.join(dir, 'index.m3u8')], { lint: false });
    expect(a.streams[0]!.transmux).toEqual({ aac: false });
    expect(a.streams[0]!.tracks.map((t) => t.kind)).toEqual(['video', 'audio']);
    expect(await topTypes(await bytesOf(await transmux({ path: seg }, { part: 'all', aac: false })))).toContain('moof');
  }, 30_000);

  it('corrupt or foreign input gives an error naming the segment; a truncated one still gives what it has', async () => {
    const noise = path.join(tmp, 'noise.ts');
    await writeFile(noise, Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251)));
    await expect(remux(noise, 'media')).rejects.toMatchObject({ code: 'ETRANSMUX', message: expect.stringMatching(/noise\.ts.*Is it MPEG-TS\?/s) });
    const mp4 = path.join(tmp, 'not-ts.mp4');
    await writeFile(mp4, await remux(ts.segments[0]!, 'all'));
    await expect(remux(mp4, 'init')).rejects.toMatchObject({ code: 'ETRANSMUX', message: expect.stringContaining('not-ts.mp4') });
    const empty = path.join(tmp, 'empty.ts');
    await writeFile(empty, '');
    await expect(remux(empty, 'media')).rejects.toMatchObject({ code: 'EEMPTY', message: expect.stringContaining('empty.ts') });
    await expect(remux(path.join(tmp, 'gone.ts'), 'media')).rejects.toMatchObject({ code: 'ENOENT' });
    // Cut in the middle (a download that stopped): the frames that are there.
    const whole = await readFile(ts.segments[2]!);
    const cut = path.join(tmp, 'cut.ts');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2 / 188) * 188));
    const part = await remux(cut, 'media');
    expect((await topTypes(part))[0]).toBe('moof');
  }, 30_000);

  it('the box splitter cuts a stream at top-level boxes whatever the chunk sizes', async () => {
    const all = await remux(ts.segments[0]!, 'all');
    const expected = await topTypes(all);
    for (const step of [1, 7, 4096]) {
      const split = new TopLevelBoxes();
      const types: string[] = [];
      let bytes = 0;
      for (let at = 0; at < all.length; at += step) {
        for (const p of split.push(all.subarray(at, at + step))) {
          if (types[types.length - 1] !== p.type || bytes === 0) types.push(p.type);
          bytes += p.data.length;
          if (p.last) bytes = 0;
        }
      }
      expect(types, `chunks of ${step}`).toEqual(expected);
      expect(split.atBoundary).toBe(true);
    }
    expect(() => new TopLevelBoxes().push(new Uint8Array([0, 0, 0, 4, 0x6d, 0x6f, 0x6f, 0x66]))).toThrow(/impossible size 4/);
  });
});

describe('a remux that stalls or is no longer wanted', () => {
  let stalling: http.Server;
  let url = '';
  beforeAll(async () => {
    // Sends the first 40 KiB of a segment, then nothing, keeping the connection open.
    const head = (await readFile(ts.segments[0]!)).subarray(0, 40 * 1024);
    stalling = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'video/mp2t' });
      res.write(head);
    });
    await new Promise<void>((r) => stalling.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(stalling.address() as import('node:net').AddressInfo).port}/stuck.ts`;
  });
  afterAll(async () => {
    stalling.closeAllConnections();
    await new Promise((r) => stalling.close(r));
  });

  const gone = async (pid: number) => {
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  it('the time limit stops ffmpeg and says which segment', async () => {
    let pid = 0;
    await expect(transmux({ path: url }, { part: 'media', timeoutMs: 1500, onSpawn: (p) => (pid = p) })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
      message: expect.stringContaining('stuck.ts'),
    });
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid)).toBe(true);
  }, 20_000);

  it('an abort (the Player left, the client went away) stops ffmpeg', async () => {
    let pid = 0;
    const stop = new AbortController();
    const pending = transmux({ path: url }, { part: 'media', signal: stop.signal, onSpawn: (p) => (pid = p) });
    for (let i = 0; i < 100 && !pid; i++) await new Promise((r) => setTimeout(r, 20));
    expect(pid).toBeGreaterThan(0);
    stop.abort();
    await expect(pending).rejects.toMatchObject({ code: 'EABORTED' });
    expect(await gone(pid)).toBe(true);
  }, 20_000);

  it('cancelling the fMP4 stream mid-way stops ffmpeg', async () => {
    let pid = 0;
    const stream = await transmux({ path: ts.segments[0]! }, { part: 'all', onSpawn: (p) => (pid = p) });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(await gone(pid)).toBe(true);
  }, 20_000);
});

describe('the plan of a TS playlist', () => {
  it('tracks and codec strings from the remux, segments at EXTINF times from the first one, marked for the remux', async () => {
    const a = await analyzeMse([ts.playlist], { lint: false });
    expect(a.fragmented).toBe(true);
    expect(a.input.files).toBe(ts.segments.length);
    const s = a.streams[0]!;
    expect(s.transmux).toEqual({ aac: true });
    expect(s.mime).toMatch(/^video\/mp4; codecs="avc1\.4d[0-9a-f]{4},mp4a\.40\.2"$/);
    expect(s.init).toMatchObject({ name: 'seg_000.ts', offset: 0 });
    expect(s.initBoxes.map((b) => b.type)).toEqual(['ftyp', 'moov']);
    expect(s.segments.map((g) => g.range.name)).toEqual(ts.segments.map((f) => path.basename(f)));
    // Segment 0: each track where the remux put it (the TS's own times); then EXTINF (1 s) laid end
    // to end from the video's start (segments are cut at its keyframes).
    const [video, audio] = [await firstPacket(ts.segments[0]!, 'v'), await firstPacket(ts.segments[0]!, 'a')];
    expect(s.segments[0]!.tracks.map((t) => t.presentationStart)).toEqual([expect.closeTo(video.pts, 3), expect.closeTo(audio.pts, 3)]);
    for (let k = 1; k < s.segments.length; k++) for (const t of s.segments[k]!.tracks) expect(t.presentationStart).toBeCloseTo(video.pts + k, 3);
    for (const [k, g] of s.segments.entries()) expect(g.range.size).toBe((await readFile(ts.segments[k]!)).length);
  }, 60_000);

  it("the Player's init request after the plan is served from the plan's remux (no second ffmpeg run), and equals a fresh one", async () => {
    await analyzeMse([ts.playlist], { lint: false });
    const cached = await bytesOf(await transmux({ path: ts.segments[0]! }, { part: 'init', ffmpegPath: path.join(tmp, 'no-such-ffmpeg') }));
    expect(await topTypes(cached)).toEqual(['ftyp', 'moov']);
    const copy = path.join(tmp, 'seg0-copy.ts');
    await writeFile(copy, await readFile(ts.segments[0]!));
    expect(cached).toEqual(await remux(copy, 'init'));
    // The lint's plan after it uses the same remux.
    await expect(transmuxHead({ path: ts.segments[0]! }, { ffmpegPath: path.join(tmp, 'no-such-ffmpeg') })).resolves.toMatchObject({ aac: true });
    // A file rewritten since is remuxed again, and anything else runs ffmpeg (here: a binary that does not exist, so it says so).
    const later = new Date(Date.now() + 5000);
    await (await import('node:fs/promises')).utimes(ts.segments[0]!, later, later);
    await expect(transmux({ path: ts.segments[0]! }, { part: 'init', ffmpegPath: path.join(tmp, 'no-such-ffmpeg') })).rejects.toMatchObject({ code: 'ESPAWN' });
    await expect(transmux({ path: ts.segments[0]! }, { part: 'media', ffmpegPath: path.join(tmp, 'no-such-ffmpeg') })).rejects.toMatchObject({ code: 'ESPAWN' });
  }, 60_000);

  it('the lint still raises hls-ts-needs-transmux and says the Player remuxes', async () => {
    const a = await analyzeMse([ts.playlist]);
    const f = a.findings.filter((x) => x.rule === 'hls-ts-needs-transmux');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/Player remuxes each segment to fMP4 with ffmpeg/);
    expect(a.streams[0]!.segments).toHaveLength(ts.segments.length);
  }, 60_000);

  it('EXT-X-DISCONTINUITY with a new clock: the run after it is shifted to follow the one before', async () => {
    const a = await analyzeMse([ts.discontinuity], { lint: false });
    const s = a.streams[0]!;
    // The clock jumped by about 100 s: shifting back by exactly the jump of the video's timestamps joins the runs.
    const jump = (await firstPacket(path.join(ts.dir, 'jump/seg_002.ts'), 'v')).pts - (await firstPacket(ts.segments[2]!, 'v')).pts;
    expect(jump).toBeGreaterThan(99);
    expect(s.transmux?.runs).toEqual([{ from: 2, shift: expect.closeTo(-jump, 3) }]);
    const video = await firstPacket(ts.segments[0]!, 'v');
    expect(s.segments[2]!.tracks[0]!.presentationStart! + s.transmux!.runs![0]!.shift).toBeCloseTo(video.pts + 2, 3);
    // And the Player's pieces carry the timestampOffset of their run.
    const [source] = sourcesOf(a, { read: () => Promise.reject(new Error('unused')), transmux: { url: () => 'http://127.0.0.1:9/never' } });
    const base = source!.timestampOffset!;
    expect(source!.segments.map((p) => p.timestampOffset)).toEqual([base, base, expect.closeTo(base - jump, 3), expect.closeTo(base - jump, 3)]);
  }, 60_000);

  it('a stream whose first segment cannot be remuxed is planned with the reason, not thrown', async () => {
    const dir = await mkdtemp(path.join(tmp, 'bad-'));
    await writeFile(path.join(dir, 'seg_000.ts'), Buffer.alloc(188 * 40, 0x47));
    await writeFile(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg_000.ts\n#EXT-X-ENDLIST\n');
    const a = await analyzeMse([path.join(dir, 'index.m3u8')], { lint: false });
    expect(a.streams[0]!.transmux?.error).toMatch(/seg_000\.ts/);
    expect(a.streams[0]!.tracks).toEqual([]);
  }, 30_000);
});

function get(server: WebServer, pathname: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, headers: { 'x-workbench-token': server.token }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web mode remuxes opened TS segments only', () => {
  let server: WebServer;
  let fixture: FixtureServer;
  beforeAll(async () => {
    const www = path.join(tmp, 'www');
    await (await import('node:fs/promises')).mkdir(www, { recursive: true });
    await writeFile(path.join(www, 'index.html'), '<!doctype html><title>ok</title>');
    server = await startWebServer({ staticDir: www });
    fixture = await startFixtureServer(ts.dir);
  });
  afterAll(async () => {
    await server?.close();
    await fixture?.close();
  });

  it('GET /transmux/<id> of an opened local or remote segment answers fMP4; errors name the segment', async () => {
    const local = await server.files.open(ts.segments[1]!, { listed: false });
    const a = await get(server, `/transmux/${local.id}?part=media`);
    expect(a.status).toBe(200);
    expect(a.type).toBe('video/mp4');
    expect(new Uint8Array(a.body)).toEqual(await remux(ts.segments[1]!, 'media'));
    const remote = await server.files.openUrl(fixture.url('seg_001.ts', { noRange: true }));
    const size = (await readFile(ts.segments[1]!)).length;
    const b = await get(server, `/transmux/${remote.id}?part=media&offset=0&size=${size}`);
    expect(b.status).toBe(200);
    expect(new Uint8Array(b.body)).toEqual(new Uint8Array(a.body));
    const init = await get(server, `/transmux/${remote.id}?part=init`);
    expect(await topTypes(new Uint8Array(init.body))).toEqual(['ftyp', 'moov']);

    const noise = path.join(tmp, 'noise-served.ts');
    await writeFile(noise, Buffer.alloc(20_000, 0x11));
    const bad = await get(server, `/transmux/${(await server.files.open(noise)).id}?part=media`);
    expect(bad.status).toBe(422);
    expect(bad.body.toString()).toMatch(/noise-served\.ts/);
    expect((await get(server, `/transmux/${local.id}?part=moov`)).status).toBe(400);
    expect((await get(server, `/transmux/${local.id}?part=media&offset=0&size=999999999`)).status).toBe(416);
  }, 60_000);

  it("the Player's sources for a TS plan fetch the remux: init then moof+mdat per segment, each timed, starting at 0", async () => {
    const ctx = server.ctx;
    const playlist = await server.files.open(ts.playlist);
    const plan = (await dispatch(ctx, 'msePlan', { id: playlist.id })) as { ok: true; result: MseAnalysis };
    expect(plan.ok).toBe(true);
    const events: RemuxEvent[] = [];
    const reader: ByteReader = {
      read: () => Promise.reject(new Error('a TS stream is never read by range')),
      transmux: { url: (id, query) => `${server.origin}/transmux/${id}?${query}&token=${server.token}`, onRemux: (e) => events.push(e) },
    };
    const [source] = sourcesOf(plan.result, reader);
    expect(source!.mime).toBe(plan.result.streams[0]!.mime);
    expect(source!.timestampOffset).toBeCloseTo(-Math.max(...plan.result.streams[0]!.segments[0]!.tracks.map((t) => t.presentationStart!)), 5);
    expect(source!.segments[1]!.expected![0]).toBeCloseTo(plan.result.streams[0]!.segments[1]!.tracks[0]!.presentationStart!, 5);
    expect(await topTypes(new Uint8Array(await source!.init!.load()))).toEqual(['ftyp', 'moov']);
    for (const piece of source!.segments) expect([...new Set(await topTypes(new Uint8Array(await piece.load())))]).toEqual(['moof', 'mdat']);
    expect(events.map((e) => [e.segment, e.name])).toEqual([[-1, 'seg_000.ts'], ...ts.segments.map((f, k) => [k, path.basename(f)])]);
    expect(events[0]!.fromPlan).toBe(true);
    expect(remuxLine(events[2]!)).toMatch(/^segment 1: seg_001\.ts \([\d.]+ KiB MPEG-TS\) remuxed to fMP4 by ffmpeg in \d+ ms → moof\+mdat [\d.]+ KiB$/);
  }, 60_000);

  it('is not an open proxy: a URL or path nobody opened is never fetched or read', async () => {
    fixture.resetLog();
    const canary = fixture.url('canary-never.ts');
    for (const p of [
      `/transmux/${encodeURIComponent(canary)}?part=media`,
      `/transmux/${canary}`,
      `/transmux/?url=${encodeURIComponent(canary)}`,
      `/transmux/AAAAAAAAAAAAAAAA?part=all`,
      `/transmux/${encodeURIComponent(ts.segments[0]!)}?part=all`,
    ]) {
      const r = await get(server, p);
      expect(r.status, p).toBe(404);
    }
    expect(fixture.log).toEqual([]);
    // Without the token, not even an opened segment.
    const local = await server.files.open(ts.segments[0]!, { listed: false });
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port, path: `/transmux/${local.id}?part=init`, agent: false }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    });
    expect(status).toBe(401);
  });
});
