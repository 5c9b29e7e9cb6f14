import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const mwb = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('mwb CLI', () => {
  it('--help lists the verbs; --version prints the version', () => {
    const help = mwb('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('caps');
    expect(help.stdout).toContain('serve');
    const version = mwb('--version');
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('caps --json prints the ffmpeg path, version and non-empty encoder and muxer lists', () => {
    const res = mwb('caps', '--json');
    expect(res.status).toBe(0);
    const caps = JSON.parse(res.stdout);
    expect(caps.ffmpeg.path).toMatch(/ffmpeg/);
    expect(caps.ffmpeg.version).toMatch(/\d/);
    expect(caps.encoders.length).toBeGreaterThan(0);
    expect(caps.muxers.length).toBeGreaterThan(0);
  });

  it('bad usage exits 2 with the message on stderr', () => {
    const unknown = mwb('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown verb "frobnicate"');
    const badFlag = mwb('caps', '--bogus');
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toContain('mwb caps');
    expect(badFlag.stdout).toBe('');
  });

  it('a missing ffmpeg is a failure (exit 1) that says what was tried', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli.ts'), 'caps'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PATH: '/nonexistent', FFMPEG_PATH: '/nonexistent/ffmpeg' },
    });
    // With ffmpeg-static installed the bundled binary is found instead; that is a pass too.
    if (res.status === 0) return;
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('ffmpeg was not found');
    expect(res.stderr).toContain('FFMPEG_PATH=/nonexistent/ffmpeg');
  });
});
