/** `mwb transcode` and `mwb presets` as a user runs them: real processes, real signals. */
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../../electron/core/media/ffprobe';
import { clip } from '../../fixtures/generate';
import { ffmpegMentioning, mwb, repo, tempDir, tsxLoader, type Run } from './helpers';

let source: string;
let longSource: string;
beforeAll(async () => {
  [source, longSource] = await Promise.all([clip({ duration: 2, gop: 15 }), clip({ duration: 8, width: 640, height: 360, pattern: 'noise', gop: 60 })]);
});

describe('mwb presets', () => {
  it('--json lists every preset with its availability', async () => {
    const r = await mwb(['presets', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; available: boolean; reason: string | null }[];
    expect(list.map((p) => p.id)).toEqual([
      'web-mp4', 'fmp4-mse', 'cmaf', 'hls-fmp4', 'dash', 'webm-vp9-opus', 'av1-mp4', 'hevc-mp4',
      'audio-mp3', 'audio-aac', 'remux', 'prores-timecode', 'letterbox-1080p', 'custom',
    ]);
    expect(list.every((p) => p.available === (p.reason === null))).toBe(true);
  });

  it('prints a table', async () => {
    const r = await mwb(['presets']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ web-mp4 +Web MP4/m);
  });
});

describe('mwb transcode', () => {
  it('--progress json prints one object per line, then the output is there', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'out.mp4');
    const r = await mwb(['transcode', source, out, '--preset', 'web-mp4', '--width', '160', '--progress', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(Object.keys(l)).toEqual(['percent', 'fps', 'speed', 'etaSeconds', 'outSize']);
    expect(lines.at(-1)).toMatchObject({ percent: 100, etaSeconds: 0 });
    expect(r.stderr).toContain(out);
    const probe = await probeMedia({ kind: 'file', path: out });
    expect(probe.streams.find((s) => s.type === 'video')!.width).toBe(160);
  });

  it('trims with --start/--duration and prints the path and a summary', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'cut.m4a');
    const r = await mwb(['transcode', source, out, '--preset', 'audio-aac', '--start', '0.5', '--duration', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\nAAC .* 1\\.0\\d s`));
  });

  it('--dry-run prints the exact command and writes nothing', async () => {
    const dir = await tempDir();
    const r = await mwb(['transcode', source, path.join(dir, 'x.mp4'), '--preset', 'fmp4-mse', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`-i file:${source}`);
    expect(r.stdout).toContain('frag_keyframe+empty_moov+default_base_moof');
    expect(await readdir(dir)).toEqual([]);
  });

  it('paths beginning with - work after --', async () => {
    const dir = await tempDir();
    await copyFile(source, path.join(dir, '-in put.mp4'));
    const r = await mwb(['transcode', '--preset', 'remux', '--', '-in put.mp4', '-out.mkv'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['-in put.mp4', '-out.mkv']);
  });

  it('a failure exits 1 with the message and ffmpeg\'s relevant lines', async () => {
    const dir = await tempDir();
    const cut = path.join(dir, 'cut.mp4');
    execFileSync('sh', ['-c', `ffmpeg -v error -i '${source}' -c copy -movflags +faststart '${dir}/fs.mp4' && head -c 150000 '${dir}/fs.mp4' > '${cut}'`]);
    const r = await mwb(['transcode', cut, path.join(dir, 'o.mp4'), '--preset', 'web-mp4', '--speed', 'ultrafast']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mwb transcode: The output lasts .*\/cut\.mp4 ends early or is damaged/);
    expect(r.stderr).toMatch(/\n {2}.*(partial file|corrupt|Invalid)/);
    expect((await readdir(dir)).sort()).toEqual(['cut.mp4', 'fs.mp4']);
  });

  it('a missing input exits 2 naming it (issue #17: unreadable inputs count with usage errors); bad usage exits 2', async () => {
    const missing = await mwb(['transcode', '/nonexistent/in.mp4', '/tmp/o.mp4', '--preset', 'web-mp4']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('mwb transcode: /nonexistent/in.mp4 does not exist.\n');
    expect((await mwb(['transcode', source, '/tmp/o.mp4'])).code).toBe(2);
    const unknown = await mwb(['transcode', source, '/tmp/o.mp4', '--preset', 'gif']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown preset "gif"/);
    expect((await mwb(['transcode', source, '/tmp/o.mp4', '--preset', 'web-mp4', '--width', 'wide'])).code).toBe(2);
  });

  it('bin/mwb.mjs passes SIGTERM on to the CLI (exit 130, nothing left)', async () => {
    const dir = await tempDir('mwb-sig-');
    let sent = false;
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repo, 'bin/mwb.mjs'), 'transcode', longSource, path.join(dir, 'o.mp4'), '--preset', 'web-mp4', '--speed', 'veryfast', '--progress', 'json'], {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (!sent && /"percent":[1-9]/.test(stdout)) {
          sent = true;
          child.kill('SIGTERM');
        }
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(await readdir(dir)).toEqual([]);
    expect(ffmpegMentioning(dir)).toEqual([]);
  });

  it('a process that exits in the middle of a job (process.exit) leaves no ffmpeg and no temporary file', async () => {
    const dir = await tempDir('mwb-exit-');
    const out = path.join(dir, 'out');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    const script = path.join(dir, 'exit-mid-job.mts');
    await writeFile(
      script,
      `import { JobQueue } from ${JSON.stringify(path.join(repo, 'electron/core/jobs/queue.ts'))};
const q = await JobQueue.open({ progressIntervalMs: 0, listener: { progress: (_id, p) => { if ((p.outTimeSeconds ?? 0) > 0) process.exit(0); } } });
q.submit({ title: 'x', input: null, output: ${JSON.stringify(path.join(out, 'x.mp4'))}, outputKind: 'file', async run(job) {
  const o = await job.output(${JSON.stringify(path.join(out, 'x.mp4'))}, {});
  await job.ffmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=15:d=60', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mp4', 'file:' + o.tempPath]);
  return o.commit({ summary: '' });
} });
`,
    );
    const r = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', tsxLoader, script], { cwd: repo, stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(r).toBe(0);
    expect(ffmpegMentioning(out)).toEqual([]);
    expect(await readdir(out)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s cancels: exit 130, no partial file, no ffmpeg left', async (signal) => {
    const dir = await tempDir('mwb-sig-');
    let sent = false;
    const r = await mwb(['transcode', longSource, path.join(dir, 'o.mp4'), '--preset', 'web-mp4', '--speed', 'veryfast', '--progress', 'json'], {
      onStdout(text, child) {
        // Signal once ffmpeg is really encoding (a progress line with media time).
        if (!sent && /"percent":[1-9]/.test(text)) {
          sent = true;
          child.kill(signal);
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`cancelled (${signal}); no output was written.`);
    expect(await readdir(dir)).toEqual([]);
    expect(ffmpegMentioning(dir)).toEqual([]);
  });
});
