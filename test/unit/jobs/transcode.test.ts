/**
 * Every preset on a generated source, verified with ffprobe and box headers; the classic failures
 * (truncated, missing, non-media input; unwritable, existing or same-as-input output); awkward
 * paths; and cancelling at random moments, checking that no temporary file and no ffmpeg remain.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InspectResult } from '../../../electron/core/boxes';
import { inspectFile } from '../../../electron/core/boxes/file-source';
import { describeFragmentation, scanBoxes } from '../../../electron/core/jobs/box-scan';
import { JobQueue } from '../../../electron/core/jobs/queue';
import { planTranscode, transcodeJob, type TranscodeRequest } from '../../../electron/core/jobs/transcode';
import { indexCaps, validateCustomArgs } from '../../../electron/core/jobs/presets';
import type { PresetId, TranscodeOptions } from '../../../electron/core/jobs/transcode-types';
import type { JobKind, JobRecord } from '../../../electron/core/jobs/types';
import { getCapabilities } from '../../../electron/core/media/caps';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { probeMedia, type ProbeResult } from '../../../electron/core/media/ffprobe';
import { clip, ffmpeg, ffmpegFixture, run } from '../../fixtures/generate';
import { verifyOutput } from '../../../electron/core/jobs/verify';
import { ffmpegChildren, sleep, strayFiles, tempDir } from './helpers';

let queue: JobQueue;
let source: string; // 2 s, 320×180, H.264/AAC, keyframe every 0.5 s
let longSource: string; // 8 s, 640×360: long enough to be cancelled mid-encode

beforeAll(async () => {
  [source, longSource] = await Promise.all([
    clip({ duration: 2, gop: 15 }),
    clip({ duration: 8, width: 640, height: 360, pattern: 'noise', gop: 60 }),
  ]);
  queue = await JobQueue.open({ kinds: [transcodeJob as JobKind<unknown>], cancelGraceMs: 1500 });
});

afterAll(async () => {
  await queue?.shutdown();
  expect(ffmpegChildren()).toEqual([]);
});

async function transcode(req: Omit<TranscodeRequest, 'overwrite'> & { overwrite?: boolean }): Promise<JobRecord> {
  const rec = await queue.enqueue('transcode', { overwrite: false, ...req });
  return queue.waitFor(rec.id);
}

const probe = (p: string): Promise<ProbeResult> => probeMedia({ kind: 'file', path: p });

/** The MSE lint (core/mse, MSE_RULES.md) on an output: no errors, no warnings. */
async function lintClean(file: string): Promise<void> {
  const lint = await analyzeMse([file]);
  expect(lint.fragmented).toBe(true);
  expect(lint.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
}

/** Our own box inspector (core/boxes) on an output: it must parse without a single box error. */
async function inspected(file: string): Promise<InspectResult> {
  const r = await inspectFile(file);
  expect(r.errors, `${path.basename(file)}: box errors`).toEqual([]);
  return r;
}
const entries = (r: InspectResult) => r.tracks.map((t) => t.sampleEntry).sort();
const codecs = (pr: ProbeResult) => pr.streams.map((s) => `${s.type}:${s.codec}`).sort();

describe('every preset makes a valid output from a generated source', () => {
  const fast: TranscodeOptions = { speed: 'ultrafast' };
  const cases: { preset: PresetId; out: string; options?: TranscodeOptions; check(out: string, job: JobRecord): Promise<void> }[] = [
    {
      preset: 'web-mp4',
      out: 'web.mp4',
      options: fast,
      async check(out) {
        const p = await probe(out);
        expect(codecs(p)).toEqual(['audio:aac', 'video:h264']);
        const layout = await scanBoxes(out);
        expect(layout.top.indexOf('moov')).toBeLessThan(layout.top.indexOf('mdat')); // +faststart
        const boxes = await inspected(out);
        expect(boxes.fragmented).toBe(false);
        expect(entries(boxes)).toEqual(['avc1', 'mp4a']);
      },
    },
    ...(['fmp4-mse', 'cmaf'] as const).map((preset) => ({
      preset,
      out: `${preset}.mp4`,
      options: { ...fast, segmentSeconds: 0.5 },
      async check(out: string) {
        const p = await probe(out);
        expect(codecs(p)).toEqual(['audio:aac', 'video:h264']);
        const layout = await scanBoxes(out);
        const frag = describeFragmentation(layout);
        expect(frag).toMatchObject({ fragmented: true, problem: null });
        await lintClean(out);
        expect(frag.fragments).toBeGreaterThanOrEqual(4); // a fragment per 0.5 s keyframe
        expect(layout.top.slice(0, 2)).toEqual(['ftyp', 'moov']);
        if (preset === 'cmaf') {
          const head = (await readFile(out)).subarray(0, 64).toString('latin1');
          expect(head).toContain('cmfc');
        }
        const boxes = await inspected(out);
        expect(boxes.fragmented).toBe(true);
        for (const t of boxes.tracks) {
          expect(t.fragmented).toBe(true);
          expect(t.fragmentCount).toBeGreaterThanOrEqual(4);
        }
      },
    })),
    {
      preset: 'hls-fmp4',
      out: 'hls',
      options: { ...fast, segmentSeconds: 1 },
      async check(out) {
        const names = (await readdir(out)).sort();
        expect(names).toEqual(['index.m3u8', 'init.mp4', 'seg_00000.m4s', 'seg_00001.m4s']);
        const playlist = await readFile(path.join(out, 'index.m3u8'), 'utf8');
        expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
        expect(playlist).toContain('#EXT-X-ENDLIST');
        expect((await scanBoxes(path.join(out, 'init.mp4'))).moovChildren).toContain('mvex');
        for (const seg of names.filter((n) => n.endsWith('.m4s'))) {
          const top = (await scanBoxes(path.join(out, seg))).top;
          expect(top).toContain('moof');
          expect(top).toContain('mdat');
        }
        const p = await probe(path.join(out, 'index.m3u8'));
        expect(codecs(p)).toEqual(['audio:aac', 'video:h264']);
        expect(entries(await inspected(path.join(out, 'init.mp4')))).toEqual(['avc1', 'mp4a']);
        expect((await inspected(path.join(out, 'seg_00001.m4s'))).fragmented).toBe(true);
        await lintClean(path.join(out, 'index.m3u8'));
      },
    },
    {
      preset: 'dash',
      out: 'dash',
      options: { ...fast, segmentSeconds: 1 },
      async check(out) {
        const names = (await readdir(out)).sort();
        expect(names).toContain('manifest.mpd');
        expect(names).toEqual(expect.arrayContaining(['init-0.m4s', 'init-1.m4s', 'chunk-0-00001.m4s']));
        const mpd = await readFile(path.join(out, 'manifest.mpd'), 'utf8');
        expect(mpd).toContain('type="static"');
        expect(mpd).toContain('codecs="avc1.');
        const p = await probe(path.join(out, 'manifest.mpd'));
        expect(codecs(p)).toEqual(['audio:aac', 'video:h264']);
        await lintClean(path.join(out, 'manifest.mpd'));
      },
    },
    {
      preset: 'webm-vp9-opus',
      out: 'vp9.webm',
      options: fast,
      async check(out) {
        const p = await probe(out);
        expect(p.formatName).toContain('webm');
        expect(codecs(p)).toEqual(['audio:opus', 'video:vp9']);
      },
    },
    {
      preset: 'av1-mp4',
      out: 'av1.mp4',
      options: fast,
      async check(out) {
        expect(codecs(await probe(out))).toEqual(['audio:aac', 'video:av1']);
        expect(entries(await inspected(out))).toEqual(['av01', 'mp4a']);
      },
    },
    {
      preset: 'hevc-mp4',
      out: 'hevc.mp4',
      options: fast,
      async check(out) {
        const p = await probe(out);
        expect(codecs(p)).toEqual(['audio:aac', 'video:hevc']);
        expect(p.streams.find((s) => s.type === 'video')!.codecTag).toBe('hvc1');
        expect(entries(await inspected(out))).toEqual(['hvc1', 'mp4a']);
      },
    },
    {
      preset: 'audio-mp3',
      out: 'audio.mp3',
      async check(out) {
        const p = await probe(out);
        expect(p.formatName).toBe('mp3');
        expect(codecs(p)).toEqual(['audio:mp3']);
      },
    },
    {
      preset: 'audio-aac',
      out: 'audio.m4a',
      options: { audioBitrateKbps: 96 },
      async check(out) {
        const p = await probe(out);
        expect(codecs(p)).toEqual(['audio:aac']);
        expect((await readFile(out)).subarray(8, 12).toString('latin1')).toBe('M4A ');
        expect(entries(await inspected(out))).toEqual(['mp4a']);
      },
    },
    {
      preset: 'remux',
      out: 'remux.mkv',
      async check(out) {
        const p = await probe(out);
        expect(p.formatName).toContain('matroska');
        expect(codecs(p)).toEqual(['audio:aac', 'video:h264']);
      },
    },
    {
      preset: 'prores-timecode',
      out: 'prores.mov',
      options: { timecode: '10:00:00:12', proresProfile: 'proxy' },
      async check(out) {
        const p = await probe(out);
        expect(p.streams.find((s) => s.type === 'video')!.codec).toBe('prores');
        const tmcd = p.streams.find((s) => s.codecTag === 'tmcd');
        expect(tmcd?.type).toBe('data');
        expect(tmcd?.tags.timecode).toBe('10:00:00:12');
        const tc = (await inspected(out)).tracks.find((t) => t.kind === 'timecode');
        expect(tc?.sampleEntry).toBe('tmcd');
        expect(tc?.timecode?.start).toBe('10:00:00:12');
      },
    },
    {
      preset: 'letterbox-1080p',
      out: 'letterbox.mp4',
      options: { ...fast, duration: 1 },
      async check(out, job) {
        const v = (await probe(out)).streams.find((s) => s.type === 'video')!;
        expect([v.width, v.height]).toEqual([1920, 1080]);
        const track = (await inspected(out)).tracks.find((t) => t.kind === 'video');
        expect([track?.width, track?.height]).toEqual([1920, 1080]);
        expect(job.result!.durationSeconds).toBeGreaterThan(0.9);
        expect(job.result!.durationSeconds).toBeLessThan(1.2);
      },
    },
    {
      preset: 'custom',
      out: 'custom.mp4',
      options: { customArgs: ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-an'] },
      async check(out) {
        expect(codecs(await probe(out))).toEqual(['video:h264']);
      },
    },
  ];

  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('mwb-presets-');
  });

  it.each(cases)('$preset', async ({ preset, out, options, check }) => {
    const target = path.join(dir, out);
    const job = await transcode({ input: { kind: 'file', path: source }, output: target, preset, options: options ?? {} });
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    expect(job.result!.path).toBe(target);
    expect(job.result!.summary).toMatch(/ s · /);
    expect(job.command).toContain('-progress pipe:1');
    await check(target, job);
    // Nothing but outputs in the folder: no temporary names left behind.
    expect((await readdir(dir)).filter((n) => n.includes('.mwb-'))).toEqual([]);
  });

  it('letterbox pads a 4:3 source with black bars at the sides', async () => {
    const square = await clip({ duration: 1, width: 240, height: 180, pattern: 'smptebars', audio: null });
    const target = path.join(dir, 'pillarbox.mp4');
    const job = await transcode({ input: { kind: 'file', path: square }, output: target, preset: 'letterbox-1080p', options: { speed: 'ultrafast' } });
    expect(job.state).toBe('done');
    // Mean luma of the left 200 px column vs the centre, from one decoded frame.
    const luma = (x: number) =>
      execFileSync(ffmpeg(), ['-v', 'error', '-i', target, '-frames:v', '1', '-vf', `crop=200:1080:${x}:0,scale=1:1:flags=area,format=gray`, '-f', 'rawvideo', '-'])[0]!;
    expect(luma(0)).toBeLessThan(24);
    expect(luma(860)).toBeGreaterThan(60);
  });
});

describe('honest errors, no stray files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('mwb-errors-');
  });

  async function expectRefused(req: TranscodeRequest, code: string, message: RegExp): Promise<void> {
    const before = await readdir(dir);
    let err: { code?: string; message?: string } | null = null;
    try {
      const job = await transcode(req);
      err = job.error;
      expect(job.state).toBe('failed');
    } catch (e) {
      err = e as Error & { code: string };
    }
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(message);
    expect(await readdir(dir)).toEqual(before);
  }

  it('a source that fails half-way (truncated media data) fails verification with ffmpeg\'s lines', async () => {
    const faststart = path.join(dir, 'faststart.mp4');
    await run(ffmpeg(), ['-v', 'error', '-i', source, '-c', 'copy', '-movflags', '+faststart', faststart]);
    const cut = path.join(dir, 'cut.mp4');
    await copyFile(faststart, cut);
    await truncate(cut, Math.floor((await stat(faststart)).size * 0.5));
    const before = await readdir(dir);
    const job = await transcode({ input: { kind: 'file', path: cut }, output: path.join(dir, 'out.mp4'), preset: 'web-mp4', options: { speed: 'ultrafast' } });
    expect(job.state).toBe('failed');
    expect(job.error!.code).toBe('EVERIFY');
    expect(job.error!.message).toMatch(/lasts [\d.]+ s but 2\.\d+ s were expected: the input .*cut\.mp4 ends early or is damaged/);
    expect(job.error!.details.join('\n')).toMatch(/partial file|corrupt|Invalid/i);
    expect(await readdir(dir)).toEqual(before);
  });

  it('a truncated file without its index (moov at the end) is refused as unreadable', async () => {
    const cut = path.join(dir, 'no-moov.mp4');
    await copyFile(source, cut);
    await truncate(cut, Math.floor((await stat(source)).size * 0.6));
    await expectRefused({ input: { kind: 'file', path: cut }, output: path.join(dir, 'o.mp4'), preset: 'web-mp4', options: {}, overwrite: false }, 'ENOTMEDIA', /no-moov\.mp4 is not a media file.*moov atom not found/);
  });

  it('a missing input', async () => {
    const missing = path.join(dir, 'nope.mp4');
    await expectRefused({ input: { kind: 'file', path: missing }, output: path.join(dir, 'o.mp4'), preset: 'web-mp4', options: {}, overwrite: false }, 'ENOENT', /nope\.mp4 does not exist/);
  });

  it('a non-media input', async () => {
    const text = path.join(dir, 'notes.mp4');
    await writeFile(text, 'this is not a video\n'.repeat(100));
    await expectRefused({ input: { kind: 'file', path: text }, output: path.join(dir, 'o.mp4'), preset: 'web-mp4', options: {}, overwrite: false }, 'ENOTMEDIA', /notes\.mp4 is a text file, not audio or video/);
  });

  it('output == input, also through a symlink and with overwrite', async () => {
    const input = path.join(dir, 'same.mp4');
    await copyFile(source, input);
    await expectRefused({ input: { kind: 'file', path: input }, output: input, preset: 'remux', options: {}, overwrite: true }, 'ESAMEFILE', /is the input file itself/);
    execFileSync('ln', ['-s', input, path.join(dir, 'link.mp4')]);
    await expectRefused({ input: { kind: 'file', path: input }, output: path.join(dir, 'link.mp4'), preset: 'remux', options: {}, overwrite: true }, 'ESAMEFILE', /is the input file itself/);
    expect((await stat(input)).size).toBe((await stat(source)).size);
  });

  it('an existing output without overwrite, a missing output folder', async () => {
    const existing = path.join(dir, 'exists.mp4');
    await writeFile(existing, 'mine');
    await expectRefused({ input: { kind: 'file', path: source }, output: existing, preset: 'web-mp4', options: {}, overwrite: false }, 'EEXIST', /exists\.mp4 already exists/);
    expect(await readFile(existing, 'utf8')).toBe('mine');
    await expectRefused({ input: { kind: 'file', path: source }, output: path.join(dir, 'no', 'such', 'o.mp4'), preset: 'web-mp4', options: {}, overwrite: false }, 'ENOENT', /output folder .*no\/such does not exist/);
  });

  it('an unwritable output folder', async () => {
    let folder: string;
    if (process.getuid?.() === 0) {
      folder = '/sys'; // root may write anywhere chmod allows; sysfs refuses new files even to root
    } else {
      folder = path.join(dir, 'readonly');
      await mkdir(folder, { mode: 0o555 });
    }
    let err: { code?: string; message?: string } | null = null;
    try {
      err = (await transcode({ input: { kind: 'file', path: source }, output: path.join(folder, 'o.mp4'), preset: 'web-mp4', options: {} })).error;
    } catch (e) {
      err = e as Error;
    }
    expect(err?.code).toMatch(/^(EACCES|EPERM|EROFS)$/);
    expect(err?.message).toMatch(/Cannot write in the output folder .* choose another folder/);
    expect((await readdir(folder)).filter((n) => n.includes('mwb'))).toEqual([]);
  });

  it('bad options and presets are refused before anything runs', async () => {
    const base = { input: { kind: 'file' as const, path: source }, output: path.join(dir, 'x.mp4'), overwrite: false };
    await expectRefused({ ...base, preset: 'web-mp4', options: { width: 333 } }, 'EBADOPTIONS', /width must be even/);
    await expectRefused({ ...base, preset: 'audio-mp3', options: { width: 320 } }, 'EBADOPTIONS', /does not take a size/);
    await expectRefused({ ...base, preset: 'web-mp4', options: { start: 5 } }, 'EBADOPTIONS', /start \(5 s\) is at or past the end/);
    await expectRefused({ ...base, preset: 'prores-timecode', output: path.join(dir, 'x.mov'), options: { timecode: '00:00:00:30' } }, 'EBADOPTIONS', /frame field 30 does not exist at 30 fps/);
    await expectRefused({ ...base, preset: 'web-mp4', output: path.join(dir, 'x.mkv'), options: {} }, 'EBADOPTIONS', /writes \.mp4, \.m4v files/);
    await expectRefused({ ...base, preset: 'web-mp4', input: { kind: 'url', url: 'http://127.0.0.1:9/x.mp4' }, options: {} }, 'EBADOPTIONS', /only remux reads from a URL/);
    const silent = await clip({ duration: 1, audio: null });
    await expectRefused({ ...base, input: { kind: 'file', path: silent }, preset: 'audio-mp3', output: path.join(dir, 'x.mp3'), options: {} }, 'EBADOPTIONS', /no audio stream/);
  });

  it('verification fails a fragmented output that breaks an MSE rule, naming the rule', async () => {
    // Fragments without default-base-is-moof: offsets rely on the implicit base (tfhd-base-data-offset).
    const broken = await ffmpegFixture(['-v', 'error', '-i', source, '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4', '{out}']);
    const err = await verifyOutput({
      written: broken,
      kind: 'file',
      mainFile: null,
      expect: { video: 'ifInput', audio: 'ifInput', format: 'mp4', fragmented: true, checkDuration: true },
      expectedDuration: 2,
      inputProbe: await probe(source),
      problems: [],
    }).catch((e: unknown) => e as { code: string; message: string; details: string[] });
    expect(err).toMatchObject({ code: 'EVERIFY', message: expect.stringMatching(/breaks \d+ MSE rules? \(first: tfhd-base-data-offset/) });
    expect((err as { details: string[] }).details[0]).toMatch(/^tfhd-base-data-offset at moof\[0\]\/traf\[0\]\/tfhd: /);
  });

  it('custom arguments: no inputs, no second output, no URL output without confirmation', () => {
    expect(() => validateCustomArgs(['-c:v', 'libx264', '-an'], false)).not.toThrow();
    expect(() => validateCustomArgs(['-i', 'other.mp4'], false)).toThrow(/cannot add inputs/);
    expect(() => validateCustomArgs(['-c:v', 'libx264', 'second.mp4'], false)).toThrow(/second output/);
    expect(() => validateCustomArgs(['-f', 'flv', 'rtmp://example.com/live'], false)).toThrow(/confirm output to a URL/);
    expect(() => validateCustomArgs(['-f', 'tee', '-map', '0'], false)).toThrow(/confirm/);
    expect(() => validateCustomArgs(['-progress', 'x'], false)).toThrow(/set by the job runner/);
  });
});

describe('awkward paths', () => {
  const names = [
    "-leading dash 'single' \"double\" ünïcødé ✓.mp4",
    'concat:a.mp4|b.mp4',
    'subfile,,start,0,end,10,,:x.mp4',
    'new\nline.mp4',
  ];
  it.each(names)('%j in and out', async (name) => {
    const dir = await tempDir('mwb-paths-');
    const sub = path.join(dir, '-dir with space|pipe');
    await mkdir(sub);
    const input = path.join(sub, name);
    await copyFile(source, input);
    const output = path.join(sub, `out ${name}`);
    const job = await transcode({ input: { kind: 'file', path: input }, output, preset: 'remux', options: {} });
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    expect(codecs(await probe(output))).toEqual(['audio:aac', 'video:h264']);
    expect((await readdir(sub)).sort()).toEqual([name, `out ${name}`].sort());
  });

  it('a folder output whose path has % and $ (template characters of the HLS/DASH muxers)', async () => {
    const dir = await tempDir('mwb-paths-');
    const parent = path.join(dir, '100% $RepresentationID$ %05d');
    await mkdir(parent);
    const job = await transcode({ input: { kind: 'file', path: source }, output: path.join(parent, 'stream.m3u8'), preset: 'hls-fmp4', options: { speed: 'ultrafast' } });
    expect(job.state).toBe('done');
    expect(job.result!.path).toBe(path.join(parent, 'stream'));
    expect((await readdir(path.join(parent, 'stream'))).sort()).toEqual(['init.mp4', 'seg_00000.m4s', 'stream.m3u8']);
  });
});

describe('remux from a URL', () => {
  it('copies from an http:// input the user chose explicitly', async () => {
    const server = http.createServer((req, res) => {
      const size = Number(execFileSync('stat', ['-c', '%s', source], { encoding: 'utf8' }));
      const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      const end = m && m[2] ? Number(m[2]) : size - 1;
      res.writeHead(m ? 206 : 200, {
        'Content-Type': 'video/mp4',
        'Accept-Ranges': 'bytes',
        'Content-Length': end - start + 1,
        ...(m ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
      });
      createReadStream(source, { start, end }).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clip.mp4`;
      const dir = await tempDir();
      const output = path.join(dir, 'from-url.mp4');
      const job = await transcode({ input: { kind: 'url', url }, output, preset: 'remux', options: {} });
      expect(job.error).toBeNull();
      expect(job.input).toBe(url);
      expect(codecs(await probe(output))).toEqual(['audio:aac', 'video:h264']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('plans URL inputs with timeouts and a protocol whitelist, local ones with file: only', async () => {
    const caps = indexCaps(await getCapabilities());
    const env = { caps, probe: null, ffmpegPath: '/usr/bin/ffmpeg' };
    const urlPlan = planTranscode({ input: { kind: 'url', url: 'https://example.com/a.m3u8' }, output: '/tmp/x.mp4', preset: 'remux', options: {}, overwrite: false }, env);
    expect(urlPlan.args).toEqual(expect.arrayContaining(['-rw_timeout', '20000000', '-i', 'https://example.com/a.m3u8']));
    const filePlan = planTranscode({ input: { kind: 'file', path: '/tmp/-x.mp4' }, output: '/tmp/y.mp4', preset: 'remux', options: {}, overwrite: false }, env);
    const i = filePlan.args.indexOf('-i');
    expect(filePlan.args.slice(i - 2, i + 2)).toEqual(['-protocol_whitelist', 'file', '-i', 'file:/tmp/-x.mp4']);
    expect(filePlan.command).toContain("-i file:/tmp/-x.mp4");
  });
});

describe('cancel at random moments', () => {
  /** Small seeded PRNG so a failing sequence can be replayed (the seed is in the test name). */
  function prng(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  }
  const seed = Date.now() % 100_000;

  it(`never leaves a partial/temporary file or an ffmpeg process (seed ${seed})`, async () => {
    const rand = prng(seed);
    const dir = await tempDir('mwb-cancel-');
    const states: string[] = [];
    for (let i = 0; i < 14; i++) {
      const folder = i % 4 === 3; // every 4th run writes an HLS folder
      const short = i % 5 === 4; // every 5th run is short: the cancel may come too late
      const output = path.join(dir, folder ? `run-${i}` : `run-${i}.mp4`);
      const rec = await queue.enqueue('transcode', {
        input: { kind: 'file', path: short ? source : longSource },
        output,
        preset: folder ? 'hls-fmp4' : 'web-mp4',
        options: folder ? { speed: 'veryfast', segmentSeconds: 2 } : { speed: 'veryfast' },
        overwrite: false,
      });
      const delay = Math.floor(rand() * 1800);
      await sleep(delay);
      queue.cancel(rec.id);
      const done = await queue.waitFor(rec.id);
      states.push(`${delay}ms:${done.state}`);
      expect(['cancelled', 'done'], `run ${i} after ${delay} ms`).toContain(done.state);
      const left = await strayFiles(dir);
      if (done.state === 'cancelled') {
        expect(left.filter((n) => n.startsWith(`run-${i}`) || n.includes('.mwb-')), `run ${i} after ${delay} ms`).toEqual([]);
      } else {
        // Cancelled too late: the output is complete and valid.
        const p = await probe(folder ? path.join(output, 'index.m3u8') : output);
        expect(p.durationSeconds).toBeGreaterThan(short ? 1.9 : 7.9);
      }
      expect(ffmpegChildren(), `run ${i} after ${delay} ms`).toEqual([]);
    }
    expect(states.filter((s) => s.endsWith('cancelled')).length, states.join(' ')).toBeGreaterThan(4);
    expect((await readdir(dir)).filter((n) => n.includes('.mwb-'))).toEqual([]);
  }, 240_000);

  it('a queued job cancelled before it starts never creates anything', async () => {
    const dir = await tempDir('mwb-cancel-');
    queue.setPaused(true);
    try {
      const rec = await queue.enqueue('transcode', { input: { kind: 'file', path: source }, output: path.join(dir, 'q.mp4'), preset: 'web-mp4', options: {}, overwrite: false });
      expect(queue.cancel(rec.id).state).toBe('cancelled');
    } finally {
      queue.setPaused(false);
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
