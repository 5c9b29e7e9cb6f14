import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clip } from '../fixtures/generate';
import { launchBrowser, ROOT } from './helpers';

function get(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    http
      .get({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { host: u.host, ...headers } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('npm start on a machine without Electron', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('serves web mode and prints a URL that needs its token and its own Host', async () => {
    child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      env: { ...process.env, MWB_WEB: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; output so far:\n${out}`)), 90_000);
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child!.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
    });
    expect(await get(url)).toBe(200);
    const bare = url.replace(/\?token=.*/, '');
    expect([401, 403]).toContain(await get(bare));
    const port = new URL(url).port;
    expect(await get(url, { host: `attacker.example:${port}` })).toBe(421);
  });
});

/** POST one API call the way the page does (token header, own Host), and return the envelope. */
function api(url: string, name: string, args: unknown = {}): Promise<{ ok: boolean; result?: unknown }> {
  const u = new URL(url);
  const token = u.searchParams.get('token')!;
  const body = JSON.stringify(args);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: `/api/call/${name}`, method: 'POST', headers: { host: u.host, 'x-workbench-token': token, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve(JSON.parse(text) as { ok: boolean; result?: unknown }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The project's own files: what git tracks (and new files it does not ignore), or, outside a git checkout, the tree minus what is generated. */
function projectFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    const skip = new Set(['node_modules', 'dist', 'release', '.git', '.cache']);
    const walk = (rel: string): string[] =>
      readdirSync(path.join(ROOT, rel), { withFileTypes: true }).flatMap((d) =>
        skip.has(d.name) ? [] : d.isDirectory() ? walk(path.join(rel, d.name)) : d.isFile() ? [path.join(rel, d.name)] : [],
      );
    return walk('');
  }
}

/**
 * The project as a user has it, in another folder: every tracked (and new) source file hard-linked
 * (start.mjs only reads them; links keep their times, so the build in dist/ stays current), dist/
 * copied with its times (a rebuild writes there, and must not write through a link into this
 * checkout), and node_modules a symlink.
 */
async function copyProject(to: string): Promise<void> {
  const listed = projectFiles();
  const place = async (rel: string, hard: boolean) => {
    const from = path.join(ROOT, rel);
    const st = await stat(from).catch(() => null);
    if (!st?.isFile()) return; // deleted in the work tree, or a symlink such as test/bench/.cache
    const dest = path.join(to, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    if (hard) {
      try {
        await link(from, dest);
        return;
      } catch {
        // another file system: copy, keeping the time
      }
    }
    await copyFile(from, dest);
    await utimes(dest, st.atime, st.mtime);
  };
  for (const rel of listed) await place(rel, true);
  const dist = (await readdir(path.join(ROOT, 'dist'), { recursive: true })).map((f) => path.join('dist', String(f)));
  for (const rel of dist) await place(rel, false);
  await symlink(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
}

describe('npm start from a folder whose name has a space and a non-ASCII letter (issue 12)', () => {
  let base: string;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    // npm, start.mjs and the server run in their own process group: end exactly that group.
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => child!.once('exit', r));
    }
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('prints its URL, serves the UI, and opens "npm start -- ../x" from the folder it was typed in', async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'mwb-start-'));
    const project = path.join(base, 'sp ace é', 'media workbench');
    const clips = path.join(project, 'clips');
    await copyProject(project);
    await mkdir(clips, { recursive: true });
    const source = await clip({ duration: 1 });
    const file = path.join(base, 'sp ace é', 'clip é.mp4');
    await copyFile(source, file);

    const env: NodeJS.ProcessEnv = { ...process.env, MWB_WEB: '1', MWB_DATA_DIR: path.join(base, 'data') };
    delete env.INIT_CWD; // npm sets it to the folder it is run in: here, clips/
    child = spawn('npm', ['start', '--', path.join('..', '..', 'clip é.mp4')], { cwd: clips, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child!.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
    });
    expect(out).not.toMatch(/ENOENT|%20|%C3%A9/);

    // The UI: index.html and the script it loads, then the page itself in Chromium.
    const index = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(url);
      http
        .get({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { host: u.host } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<script');
    expect(index.body).toBe(await readFile(path.join(project, 'dist', 'renderer', 'index.html'), 'utf8'));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.getByTestId('status').filter({ hasText: 'web mode' }).waitFor();
      await page.getByTestId('file-count').filter({ hasText: '1 open' }).waitFor();
    } finally {
      await browser.close();
    }

    // ../../clip é.mp4 from clips/, not from the project folder npm changed to.
    const files = await api(url, 'listFiles');
    expect(files.ok).toBe(true);
    expect((files.result as { path: string }[]).map((f) => f.path)).toEqual([file]);
  });
});
