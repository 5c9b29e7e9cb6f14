/** `mwb record` as a user runs it: a real process, a live HLS source, real signals. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeMedia } from '../../../electron/core/media/ffprobe';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { startLiveHls, type LiveSource } from '../../fixtures/live-sources';
import { ffmpegMentioning, mwb, tempDir } from './helpers';

const sources: LiveSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
});
async function live(): Promise<LiveSource> {
  const s = await startLiveHls();
  sources.push(s);
  return s;
}

async function duration(file: string): Promise<number> {
  const probe = await probeMedia({ kind: 'file', path: file });
  return probe.durationSeconds ?? 0;
}

describe('mwb record', () => {
  it('Ctrl+C stops gracefully: exit 0, the file kept, playable and MSE-clean, no ffmpeg left', async () => {
    const src = await live();
    const dir = await tempDir('mwb-rec-cli-');
    const out = path.join(dir, 'live.mp4');
    let sent = false;
    let reported = 0;
    const r = await mwb(['record', src.url, out, '--progress', 'json'], {
      onStdout: (text, child) => {
        const lines = text.trim().split('\n');
        const last = JSON.parse(lines[lines.length - 1]!) as { recordedSeconds: number | null; outSize: number | null; bitrateKbps: number | null };
        reported = last.recordedSeconds ?? 0;
        if (!sent && reported >= 4) {
          sent = true;
          expect(last.outSize).toBeGreaterThan(0);
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.stderr).toMatch(/SIGINT: stopping and keeping the file/);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(out);
    expect(Math.abs((await duration(out)) - reported)).toBeLessThanOrEqual(1.5);
    expect((await analyzeMse([out])).findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(await readdir(dir)).toEqual(['live.mp4']);
    expect(ffmpegMentioning(dir)).toEqual([]);
  });

  it('--duration ends the recording by itself', async () => {
    const src = await live();
    const dir = await tempDir('mwb-rec-cli-');
    const out = path.join(dir, 'two.mp4');
    const r = await mwb(['record', src.url, out, '--duration', '2']);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(out);
    expect(Math.abs((await duration(out)) - 2)).toBeLessThanOrEqual(1);
  });

  it('bad usage exits 2; a URL it may not open, a dead source or a non-MP4 name exit 1 with the reason', async () => {
    const dir = await tempDir('mwb-rec-cli-');
    expect((await mwb(['record', 'rtsp://127.0.0.1:9/x'])).code).toBe(2);
    expect((await mwb(['record', 'rtsp://127.0.0.1:9/x', path.join(dir, 'a.mp4'), '--mode', 'fast'])).code).toBe(2);
    const file = await mwb(['record', 'file:///etc/passwd', path.join(dir, 'a.mp4')]);
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/not an input URL this app opens/);
    const dead = await mwb(['record', 'rtsp://127.0.0.1:9/x', path.join(dir, 'a.mp4')]);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toMatch(/Cannot record rtsp:\/\/127\.0\.0\.1:9\/x/);
    const mkv = await mwb(['record', 'rtsp://127.0.0.1:9/x', path.join(dir, 'a.mkv')]);
    expect(mkv.code).toBe(1);
    expect(mkv.stderr).toMatch(/name it \.mp4 or \.m4v/);
    expect(await readdir(dir)).toEqual([]);
  });
});
