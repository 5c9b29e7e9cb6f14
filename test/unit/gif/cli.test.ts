import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../../fixtures/generate';
import { parseGif } from './gif-file';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function mwb(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli.ts'), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let src: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-gif-cli-'));
  src = await clip({ duration: 2, width: 320, height: 180, fps: 30, audio: null });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mwb gif', () => {
  it('exports and prints what it chose with --json', async () => {
    const out = path.join(dir, 'a.gif');
    const r = await mwb(['gif', src, out, '--fps', '12', '--width', '200', '--start', '0.5', '--duration', '1', '--loop', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ output: out, width: 200, height: 113, fps: 12, frames: 12, duration: 1, chosen: { start: 0.5, loop: 1, palette: 'scenes' } });
    const gif = parseGif(await readFile(out));
    expect(gif.loop).toBe(1);
    expect(json.bytes).toBe((await readFile(out)).length);
  });

  it('reports the budget it met with --max-size', async () => {
    const out = path.join(dir, 'b.gif');
    const r = await mwb(['gif', src, out, '--max-size', '60KB', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { bytes: number; budget: { maxBytes: number; outcome: string; attempts: unknown[] } };
    expect(json.budget.maxBytes).toBe(61440);
    expect(json.budget.outcome).toBe('fits');
    expect(json.bytes).toBeLessThanOrEqual(61440);
    expect(json.bytes).toBeGreaterThanOrEqual(0.85 * 61440);
  });

  it('exits 2 on bad usage and on a missing input, naming the file', async () => {
    const usage = await mwb(['gif', src, path.join(dir, 'c.gif'), '--dither', 'sparkle']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--dither must be one of none, bayer, diffusion/);
    const missing = path.join(dir, 'missing.mp4');
    const r = await mwb(['gif', missing, path.join(dir, 'd.gif')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
  });
});
