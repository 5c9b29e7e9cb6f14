/**
 * ffmpeg arguments built from user input cannot inject options or protocols. Every case runs the
 * real ffmpeg/ffprobe on real files whose names are hostile, and checks *which bytes were read* by
 * giving the intended file and the decoys different picture sizes. The "naive" cases show that
 * the same names, passed as-is, really are misread: so these tests would fail if the helper did
 * nothing.
 */
import { copyFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBinary } from '../../../electron/core/binaries';
import { fileArg, inputArg, inputArgs, isAllowedInputUrl, outputArg } from '../../../electron/core/ffmpeg-input';
import { runCapture } from '../../../electron/core/process';
import { clip } from '../../fixtures/generate';

const ffprobe = () => resolveBinary('ffprobe').path;
const ffmpeg = () => resolveBinary('ffmpeg').path;

/** Width of the first video stream ffprobe finds at `argv`'s input, or the error it printed. */
async function probeWidth(input: string[]): Promise<{ width: number | null; stderr: string }> {
  const res = await runCapture(ffprobe(), ['-v', 'error', ...input, '-select_streams', 'v:0', '-show_entries', 'stream=width', '-of', 'csv=p=0'], {
    timeoutMs: 20_000,
  });
  const width = res.code === 0 ? Number(res.stdout.trim().split('\n')[0]) : null;
  return { width, stderr: res.stderr };
}

/** ffprobe takes its input as a bare argument; inputArgs() gives `-protocol_whitelist x -i name`. */
function probeInput(value: string): string[] {
  const args = inputArgs(value);
  expect(args[2]).toBe('-i');
  return args;
}

describe('ffmpeg input/output arguments from user input', () => {
  let dir: string;
  let small: string; // 160x90: the file the user meant
  let big: string; // 320x180: a decoy an injection would read

  const hostileNames = [
    '-y',
    '-i.mp4',
    '--help.mp4',
    '-filter_complex movie=big.mp4.mp4',
    'concat:big.mp4|big.mp4',
    'subfile,,start,0,end,100000,,:big.mp4',
    'a|b.mp4',
    'line\nbreak.mp4',
    'cr\rreturn.mp4',
    'file:big.mp4',
    'http:big.mp4',
    'pipe:0',
    'data:video_mp4;base64,AAAA',
    'tee:big.mp4',
    'frame%d.mp4',
    "quote'\"$(touch pwned)`x`;.mp4",
    'spaces and ünïcödé.mp4',
  ];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-ffin-'));
    small = path.join(dir, 'small.mp4');
    big = path.join(dir, 'big.mp4');
    await copyFile(await clip({ duration: 1, width: 160, height: 90, audio: null }), small);
    await copyFile(await clip({ duration: 1, width: 320, height: 180, audio: null }), big);
    for (const name of hostileNames) await copyFile(small, path.join(dir, name));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('always yields file:<absolute path> for local names', () => {
    expect(inputArg('-y')).toBe('file:' + path.resolve('-y'));
    expect(inputArg('/abs/concat:a|b.mp4')).toBe('file:/abs/concat:a|b.mp4');
    expect(fileArg('rel/x.mp4')).toBe('file:' + path.resolve('rel/x.mp4'));
    for (const name of hostileNames) {
      const arg = inputArg(path.join(dir, name));
      expect(arg.startsWith('file:/') || /^file:[A-Za-z]:\\/.test(arg), name).toBe(true);
    }
  });

  it.each(hostileNames)('reads the file literally named %j, not an option or protocol', async (name) => {
    const result = await probeWidth(probeInput(path.join(dir, name)));
    expect(result.stderr).toBe('');
    expect(result.width).toBe(160);
  });

  it('relative hostile names resolve against the working folder, still literally', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      for (const name of ['-y', 'concat:big.mp4|big.mp4', 'subfile,,start,0,end,100000,,:big.mp4', 'file:big.mp4']) {
        const result = await probeWidth(probeInput(name));
        expect(result.width, name).toBe(160);
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it('the same names passed naively are misread (what the helper prevents)', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      // concat: reads the decoy instead of the file of that name.
      expect((await probeWidth(['concat:big.mp4|big.mp4'])).width).toBe(320);
      // file: prefix in the name picks big.mp4.
      expect((await probeWidth(['file:big.mp4'])).width).toBe(320);
      // A leading dash is an option, not a file.
      expect((await probeWidth(['-y'])).width).toBeNull();
    } finally {
      process.chdir(cwd);
    }
  });

  it('ffmpeg transcodes hostile input names to hostile output names, touching nothing else', async () => {
    const out = path.join(dir, 'out');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    const before = new Set(await readdir(dir));
    const pairs: Array<[string, string]> = [
      ['-y', '-y.mp4'],
      ['concat:big.mp4|big.mp4', 'concat:o.mp4|x.mp4'],
      ['line\nbreak.mp4', 'tee:o2.mp4'],
      ['a|b.mp4', '-f null.mp4'],
    ];
    for (const [input, output] of pairs) {
      const target = path.join(out, output);
      const res = await runCapture(
        ffmpeg(),
        ['-hide_banner', '-nostdin', '-v', 'error', ...inputArgs(path.join(dir, input)), '-c', 'copy', '-y', outputArg(target, { inputs: [path.join(dir, input)] })],
        { timeoutMs: 30_000 },
      );
      expect(res.stderr, `${input} -> ${output}`).toBe('');
      expect(res.code).toBe(0);
      expect((await probeWidth(probeInput(target))).width).toBe(160);
    }
    expect((await readdir(out)).sort()).toEqual(pairs.map(([, o]) => o).sort());
    // Nothing appeared beside the inputs (no "pwned", no o.mp4 / x.mp4 / o2.mp4 outside out/).
    expect(new Set(await readdir(dir))).toEqual(before);
  });

  it('refuses URLs unless the user chose a URL input, and then only http(s)', () => {
    const url = 'http://127.0.0.1:9/clip.mp4';
    // Not allowed: it is just a relative file name (that does not exist).
    expect(inputArg(url)).toBe('file:' + path.resolve(url));
    expect(inputArg(url, { allowUrl: true })).toBe(url);
    expect(inputArg('https://example.com/a b.m3u8'.replace(' ', '%20'), { allowUrl: true })).toBe('https://example.com/a%20b.m3u8');
    expect(inputArg('rtsp://camera.local:554/stream', { allowUrl: true })).toBe('rtsp://camera.local:554/stream');
    expect(inputArgs('rtsp://camera.local/stream', { allowUrl: true }).slice(0, 2)).toEqual(['-protocol_whitelist', expect.not.stringMatching(/\bfile\b/)]);
    for (const bad of ['file:///etc/passwd', 'concat://a|b', 'subfile://x', 'data://x', 'ftp://host/x', 'rtmp://host/x', 'pipe://0', 'http://', 'http://host/a\nb', 'http://host/a b']) {
      expect(() => inputArg(bad, { allowUrl: true }), bad).toThrow(/Only http:\/\/, https:\/\/, rtsp:\/\/ and rtsps:\/\//);
      expect(isAllowedInputUrl(bad), bad).toBe(false);
    }
    // Non-URL names are still files even when URLs are allowed.
    expect(inputArg('concat:a|b', { allowUrl: true })).toBe('file:' + path.resolve('concat:a|b'));
    expect(() => inputArg('')).toThrow(/empty/);
    expect(() => inputArg('a\0b')).toThrow(/NUL/);
  });

  describe('with a local HTTP server', () => {
    let server: http.Server;
    let base: string;
    const hits: string[] = [];
    beforeAll(async () => {
      const clipBytes = await import('node:fs/promises').then((fs) => fs.readFile(small));
      server = http.createServer((req, res) => {
        hits.push(req.url ?? '');
        res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': clipBytes.length });
        res.end(clipBytes);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('a chosen URL input is read over http', async () => {
      hits.length = 0;
      const result = await probeWidth(inputArgs(`${base}/clip.mp4`, { allowUrl: true }));
      expect(result.width).toBe(160);
      expect(hits.length).toBeGreaterThan(0);
    });

    it('a local playlist cannot make ffmpeg fetch from the network (protocol whitelist)', async () => {
      const playlist = path.join(dir, 'evil.m3u8');
      await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n${base}/segment.mp4\n#EXT-X-ENDLIST\n`);
      hits.length = 0;
      const guarded = await probeWidth(inputArgs(playlist));
      expect(guarded.width).toBeNull();
      expect(hits).toEqual([]);
      // It is our whitelist that refused it (ffmpeg's own default for local playlists is
      // 'file,crypto,data' in 5.x; older or differently built ffmpegs allow more).
      expect(guarded.stderr).toMatch(/Protocol 'http' not on whitelist 'file'!/);
    });

    it('a URL input cannot reach local files through its playlist', async () => {
      const secret = path.join(dir, 'small.mp4');
      const playlistServer = http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' });
        res.end(`#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile:${secret}\n#EXT-X-ENDLIST\n`);
      });
      await new Promise<void>((resolve) => playlistServer.listen(0, '127.0.0.1', () => resolve()));
      try {
        const url = `http://127.0.0.1:${(playlistServer.address() as AddressInfo).port}/list.m3u8`;
        const result = await probeWidth(inputArgs(url, { allowUrl: true }));
        expect(result.width).toBeNull();
        expect(result.stderr).toMatch(/Protocol 'file' not on whitelist/);
      } finally {
        await new Promise<void>((resolve) => playlistServer.close(() => resolve()));
      }
    });
  });

  describe('outputArg', () => {
    it('refuses an output that is one of the inputs (also through another name)', async () => {
      expect(() => outputArg(small, { inputs: [small] })).toThrow(/is one of the inputs/);
      const link = path.join(dir, 'link-to-small.mp4');
      await import('node:fs/promises').then((fs) => fs.link(small, link));
      expect(() => outputArg(link, { inputs: [small] })).toThrow(/is one of the inputs/);
      expect(() => outputArg(path.join(dir, 'x', '..', 'small.mp4'), { inputs: [small] })).toThrow(/is one of the inputs/);
    });

    it('refuses folders, missing folders, URLs and protocols', () => {
      expect(() => outputArg(dir)).toThrow(/is a folder/);
      expect(() => outputArg(path.join(dir, 'nope', 'x.mp4'))).toThrow(/does not exist/);
      expect(() => outputArg(path.join(small, 'x.mp4'))).toThrow(/is not a folder/);
      expect(() => outputArg('http://host/x.mp4')).toThrow(/not URLs/);
      expect(() => outputArg('')).toThrow(/empty/);
      expect(() => outputArg(path.join(dir, 'a\0.mp4'))).toThrow(/NUL/);
    });

    it('gives file:<absolute> for a new file next to the inputs', async () => {
      const target = path.join(dir, 'new.mp4');
      expect(outputArg(target, { inputs: [small] })).toBe('file:' + target);
      await expect(stat(target)).rejects.toThrow();
    });
  });
});
