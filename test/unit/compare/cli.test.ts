/** `mwb diff`: the JSON shape, the human report, and the exit codes (0 same, 1 different, 2 error). */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAG, FRAG_MOOF, remux, splitSegments } from './fixtures';

const root = path.resolve(__dirname, '../../..');
const mwb = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli.ts'), 'diff', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('mwb diff', () => {
  it('--json prints exactly { a, b, summary, differences } and exits 1 when the files differ', async () => {
    const a = await remux(['-movflags', FRAG]);
    const b = await remux(['-movflags', FRAG_MOOF]);
    const res = mwb(a, b, '--json');
    expect(res.stderr).toBe('');
    expect(res.status).toBe(1);
    const out = JSON.parse(res.stdout);
    expect(Object.keys(out)).toEqual(['a', 'b', 'summary', 'differences']);
    expect(out.a).toBe(a);
    expect(out.b).toBe(b);
    for (const s of out.summary) {
      expect(Object.keys(s).filter((k) => !['topic', 'a', 'b', 'rule'].includes(k))).toEqual([]);
      expect(typeof s.topic).toBe('string');
    }
    expect(out.summary).toContainEqual({
      topic: 'Fragment data offsets (tfhd flags)',
      a: 'base-data-offset (absolute offsets)',
      b: 'default-base-is-moof',
      rule: 'tfhd-base-data-offset',
    });
    for (const d of out.differences) {
      expect(Object.keys(d).filter((k) => !['path', 'kind', 'field', 'a', 'b'].includes(k))).toEqual([]);
      expect(['added', 'removed', 'changed']).toContain(d.kind);
    }
    expect(out.differences).toContainEqual({ path: 'moof[*]/traf[0]/tfhd', kind: 'changed', field: 'flags', a: { boxes: 4, value: '0x000039' }, b: { boxes: 4, value: '0x020038' } });
  });

  it('the human report puts the summary first, then differences grouped by box path', async () => {
    const res = mwb(await remux(['-movflags', FRAG]), await remux(['-movflags', FRAG_MOOF]));
    expect(res.status).toBe(1);
    const text = res.stdout;
    const summaryAt = text.indexOf('Playback summary: 2 differences');
    const diffsAt = text.indexOf('Differences:');
    expect(summaryAt).toBeGreaterThan(0);
    expect(diffsAt).toBeGreaterThan(summaryAt);
    expect(text).toContain('  Fragment data offsets (tfhd flags)  [tfhd-base-data-offset]\n      a: base-data-offset (absolute offsets)\n      b: default-base-is-moof\n');
    expect(text).toContain('  moof[*]/traf[0]/tfhd  (4 boxes)\n      flags');
    expect(text).toMatch(/Ignored: \d+ offsets that only moved with the data\. --include-volatile lists them\./);
  });

  it('exits 0 for files that differ only in volatile fields, 1 with --include-volatile', async () => {
    const a = await remux(['-metadata', 'creation_time=2020-01-02T03:04:05Z']);
    const b = await remux(['-metadata', 'creation_time=2024-05-06T07:08:09Z']);
    const same = mwb(a, b, '--json');
    expect(same.status).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ summary: [], differences: [] });
    expect(mwb(a, b).stdout).toContain('No differences that matter');
    const strict = mwb(a, b, '--json', '--include-volatile');
    expect(strict.status).toBe(1);
    expect(JSON.parse(strict.stdout).differences).toContainEqual(expect.objectContaining({ path: 'moov/mvhd', field: 'creation_time' }));
  });

  it('compares media segments with --init-a/--init-b (or --init for both)', async () => {
    const base = await splitSegments(await remux(['-movflags', FRAG_MOOF]));
    const both = mwb(base.segments[0]!, base.segments[0]!, '--init', base.init, '--json');
    expect(both.status).toBe(0);
    const res = mwb(base.segments[0]!, base.segments[1]!, '--init-a', base.init, '--init-b', base.init, '--json');
    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout).differences).toContainEqual(expect.objectContaining({ path: 'moof[0]/traf[0]/tfdt', field: 'baseMediaDecodeTime', a: 0 }));
  });

  it('exits 2 with a message naming the file on errors and bad usage', async () => {
    const good = await remux(['-movflags', FRAG_MOOF]);
    const text = path.join(os.tmpdir(), `mwb-diff-not-mp4-${process.pid}.txt`);
    await writeFile(text, 'definitely not an mp4 file\n');
    const notMp4 = mwb(good, text);
    expect(notMp4.status).toBe(2);
    expect(notMp4.stderr).toContain(`${text} is not an MP4`);
    const missing = mwb(good, '/nonexistent/b.mp4', '--json');
    expect(missing.status).toBe(2);
    // With --json the error is also on stdout, as JSON.
    expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 'ENOENT', message: expect.stringContaining('/nonexistent/b.mp4 does not exist') } });
    expect(missing.stderr).toContain('/nonexistent/b.mp4 does not exist');
    const oneFile = mwb(good);
    expect(oneFile.status).toBe(2);
    expect(oneFile.stderr).toContain('give exactly two files');
    expect(mwb(good, good, '--bogus').status).toBe(2);
    expect(mwb(good, good, '--init', good, '--init-a', good).status).toBe(2);
  });
});
