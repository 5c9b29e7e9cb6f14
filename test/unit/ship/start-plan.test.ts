/**
 * What `npm start` runs (scripts/lib/start-plan.mjs): the project root from a file URL whatever the
 * folder is called, and files named after `npm start --` resolved against the folder the user ran
 * it from (npm's INIT_CWD), not the package root npm changes to.
 */
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs script helpers, no type declarations
import { projectRoot } from '../../../scripts/lib/root.mjs';
// @ts-expect-error: plain .mjs script helpers, no type declarations
import { startPlan } from '../../../scripts/lib/start-plan.mjs';

interface Plan {
  mode: 'electron' | 'web';
  command: string;
  args: string[];
  cwd: string;
  notice: string | null;
}
const plan = startPlan as (o: { root: string; args: string[]; env: Record<string, string | undefined>; cwd: string; execPath: string; electron: string | null }) => Plan;
const rootOf = projectRoot as (url: string, levelsUp?: number, pathApi?: typeof path) => string;

let tmp: string;
let root: string;
let user: string;
beforeAll(async () => {
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mwb-start-')));
  root = path.join(tmp, 'sp ace é', 'media-workbench');
  user = path.join(tmp, 'sp ace é', 'clips');
  await mkdir(root, { recursive: true });
  await mkdir(user, { recursive: true });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the project root', () => {
  it('is a real path for folders with spaces and non-ASCII letters (URL.pathname keeps %20 and %C3%A9)', () => {
    const url = pathToFileURL(path.join(root, 'scripts', 'start.mjs')).href;
    expect(url).toContain('sp%20ace%20%C3%A9');
    expect(rootOf(url)).toBe(root);
    expect(rootOf(pathToFileURL(path.join(root, 'scripts', 'lib', 'root.mjs')).href, 2)).toBe(root);
  });

  it('is a drive path on Windows (URL.pathname gave "/C:/Users/J%C3%B6rg/…")', () => {
    const url = 'file:///C:/Users/J%C3%B6rg/sp%20ace/media-workbench/scripts/start.mjs';
    expect(rootOf(url, 1, path.win32)).toBe('C:\\Users\\Jörg\\sp ace\\media-workbench');
  });
});

describe('npm start', () => {
  const base = { root: '', args: [] as string[], env: {} as Record<string, string | undefined>, cwd: '', execPath: '/usr/bin/node', electron: null as string | null };

  it('runs in the folder npm was started from (INIT_CWD), so "npm start -- ../x.mp4" means that folder\'s parent', () => {
    const p = plan({ ...base, root, cwd: root, args: ['../x.mp4'], env: { INIT_CWD: user } });
    expect(p.cwd).toBe(user);
    // `mwb serve` resolves its file arguments against its working folder: this is where ../x.mp4 lands.
    expect(path.resolve(p.cwd, p.args.at(-1)!)).toBe(path.join(tmp, 'sp ace é', 'x.mp4'));
    expect(p.args).toEqual([path.join(root, 'dist', 'electron', 'cli.mjs'), 'serve', '../x.mp4']);
  });

  it('the desktop app gets the project folder as its app path and the same working folder', () => {
    const p = plan({ ...base, root, cwd: root, args: ['a.mp4'], env: { INIT_CWD: user }, electron: '/opt/electron/electron' });
    expect(p).toMatchObject({ mode: 'electron', command: '/opt/electron/electron', args: [root, 'a.mp4'], cwd: user, notice: null });
  });

  it('without npm (node scripts/start.mjs), or with an INIT_CWD that is not a folder, the current folder is used', () => {
    expect(plan({ ...base, root, cwd: user }).cwd).toBe(user);
    expect(plan({ ...base, root, cwd: user, env: { INIT_CWD: 'relative/dir' } }).cwd).toBe(user);
    expect(plan({ ...base, root, cwd: user, env: { INIT_CWD: path.join(tmp, 'gone') } }).cwd).toBe(user);
  });

  it('web mode when Electron is missing (saying why) or MWB_WEB is set (silently)', () => {
    const missing = plan({ ...base, root, cwd: root });
    expect(missing.mode).toBe('web');
    expect(missing.notice).toMatch(/Electron is not installed/);
    const forced = plan({ ...base, root, cwd: root, env: { MWB_WEB: '1' }, electron: '/opt/electron/electron' });
    expect(forced).toMatchObject({ mode: 'web', command: '/usr/bin/node', notice: null });
  });
});
