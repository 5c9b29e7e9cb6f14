import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brokenFixture, cleanFmp4, segmentedSet } from '../../fixtures/mse-broken';

const root = path.resolve(__dirname, '../../..');
const mwb = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

const FINDING_KEYS = ['rule', 'severity', 'message', 'path', 'offset', 'segment', 'track', 'fix'];

describe('mwb lint', () => {
  it('--json on a clean fMP4: exit 0, codec strings, only info findings', async () => {
    const res = mwb('lint', await cleanFmp4(), '--json');
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { findings: Record<string, unknown>[]; tracks: unknown[]; mime: string; sourceBuffers: unknown[] };
    expect(Object.keys(out).sort()).toEqual(['findings', 'mime', 'sourceBuffers', 'tracks']);
    // Audio and video muxed in one file: one SourceBuffer whose type names both codecs.
    expect(out.mime).toBe('video/mp4; codecs="avc1.42c00d,mp4a.40.2"');
    expect(out.sourceBuffers).toEqual([{ mime: 'video/mp4; codecs="avc1.42c00d,mp4a.40.2"', tracks: [1, 2] }]);
    for (const f of out.findings) expect(f.message).toContain(`addSourceBuffer('video/mp4; codecs="avc1.42c00d,mp4a.40.2"')`);
    expect(out.tracks).toEqual([
      { id: 1, codec: 'avc1.42c00d', mime: 'video/mp4; codecs="avc1.42c00d"' },
      { id: 2, codec: 'mp4a.40.2', mime: 'audio/mp4; codecs="mp4a.40.2"' },
    ]);
    expect(out.findings.every((f) => f.severity === 'info' && f.rule === 'codec-string')).toBe(true);
    for (const f of out.findings) for (const k of Object.keys(f)) expect(FINDING_KEYS).toContain(k);
  });

  it('--json on a broken fMP4: exit 1 and the finding with rule, severity, message, path, offset, segment, track, fix', async () => {
    const res = mwb('lint', (await brokenFixture('tfdt-discontinuity')).file, '--json');
    expect(res.status).toBe(1);
    const { findings } = JSON.parse(res.stdout) as { findings: Record<string, unknown>[] };
    const gap = findings.find((f) => f.rule === 'tfdt-discontinuity')!;
    expect(gap).toMatchObject({ severity: 'error', path: 'moof[2]/traf[0]/tfdt', segment: 2, track: 1 });
    expect(typeof gap.offset).toBe('number');
    expect(gap.fix).toMatch(/re-segment/);
    for (const f of findings) for (const k of Object.keys(f)) expect(FINDING_KEYS).toContain(k);
  });

  it('human output names the rule, place and fix; warnings alone exit 0', async () => {
    const res = mwb('lint', (await brokenFixture('init-missing-ftyp')).file);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/WARN\s+init-missing-ftyp/);
    expect(res.stdout).toContain('fix: keep the ftyp box');
    expect(res.stdout).toContain('0 errors, 1 warning');
    const bad = mwb('lint', (await brokenFixture('traf-missing-tfdt')).file);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/ERROR\s+traf-missing-tfdt\s+segment 0 · track 1 · moof\[0\]\/traf\[0\] @\d+/);
  });

  it('lints a manifest and an init + segments list; multi-file findings name the file', async () => {
    const { dir, manifest } = await segmentedSet('hls');
    const res = mwb('lint', manifest);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('4 media segments · 5 files');
    // Segments out of order: the decode time jumps, and the finding says in which file.
    const swapped = mwb('lint', ...['init.mp4', 'seg_000.m4s', 'seg_002.m4s', 'seg_001.m4s', 'seg_003.m4s'].map((f) => path.join(dir, f)), '--json');
    expect(swapped.status).toBe(1);
    const { findings } = JSON.parse(swapped.stdout) as { findings: { rule: string; file?: string }[] };
    expect(findings.find((f) => f.rule === 'tfdt-discontinuity')?.file).toBe('seg_002.m4s');
  });

  it('usage errors and unreadable input exit 2, naming the file', () => {
    const none = mwb('lint');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('Usage: mwb lint');
    const missing = mwb('lint', '/nonexistent/file.mp4');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/file.mp4 does not exist');
  });
});

describe('mwb probe', () => {
  it('--json puts ffprobe stream info and our codec strings side by side', async () => {
    const res = mwb('probe', await cleanFmp4(), '--json');
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.streams).toHaveLength(2);
    expect(out.streams[0]).toMatchObject({
      index: 0,
      trackId: 1,
      ffprobe: { codec_type: 'video', codec_name: 'h264', profile: 'Constrained Baseline', codec_tag_string: 'avc1' },
      ours: { codec: 'avc1.42c00d', mime: 'video/mp4; codecs="avc1.42c00d"' },
    });
    // ffprobe's level is the same number our string carries in hex.
    expect(out.streams[0].ffprobe.level).toBe(0x0d);
    expect(out.streams[1]).toMatchObject({ trackId: 2, ffprobe: { codec_name: 'aac', profile: 'LC' }, ours: { codec: 'mp4a.40.2' } });
    expect(out.mime).toBe('video/mp4; codecs="avc1.42c00d,mp4a.40.2"');
    const human = mwb('probe', await cleanFmp4());
    expect(human.stdout).toMatch(/ffprobe: video h264 \[avc1\]/);
    expect(mwb('probe').status).toBe(2);
  });

  it('reads names ffprobe would take for a protocol or an option as plain files (file: prefix, protocol whitelist)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-probe-names-'));
    try {
      for (const name of ['concat:a.mp4|b.mp4', '-x.mp4']) {
        await copyFile(await cleanFmp4(), path.join(dir, name));
        // Run from the folder that holds the file, so the name reaches ffprobe as given.
        const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;
        const res = spawnSync(process.execPath, ['--import', tsx, path.join(root, 'electron/cli.ts'), 'probe', '--json', '--', name], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
        expect(res.status, res.stderr).toBe(0);
        expect(JSON.parse(res.stdout).streams[0]).toMatchObject({ trackId: 1, ours: { codec: 'avc1.42c00d' } });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
