import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRegistry } from '../../../electron/core/files';
import { parseRange } from '../../../electron/core/range';

describe('parseRange', () => {
  it('handles the forms media elements send', () => {
    expect(parseRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=20-10', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    expect(parseRange(undefined, 100)).toBeNull();
  });
});

describe('FileRegistry', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-files-'));
    await writeFile(path.join(dir, 'a b ü.mp4'), 'x');
    await mkdir(path.join(dir, 'folder'));
    await symlink(path.join(dir, 'a b ü.mp4'), path.join(dir, 'link.mp4'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('opens a file once, by its real path, with an unguessable id', async () => {
    const reg = new FileRegistry();
    const a = await reg.open(path.join(dir, 'a b ü.mp4'));
    const b = await reg.open(path.join(dir, 'link.mp4'));
    expect(b.id).toBe(a.id);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(reg.list()).toHaveLength(1);
    expect(reg.get(a.id).name).toBe('a b ü.mp4');
  });

  it('explains what is wrong, naming the path', async () => {
    const reg = new FileRegistry();
    await expect(reg.open(path.join(dir, 'missing.mp4'))).rejects.toThrow(/missing\.mp4 does not exist/);
    await expect(reg.open(path.join(dir, 'folder'))).rejects.toThrow(/folder is a folder/);
    expect(() => reg.get('abcdefgh1234')).toThrow(/open the file first/);
  });
});
