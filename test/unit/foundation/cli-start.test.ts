/**
 * How `mwb` starts (issue #18): verbs are imported only when they run, and the package's bin runs
 * the CLI in its own process (no second Node) while verbs still see signals and set exit codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../../electron/cli/verbs';
import { clip } from '../../fixtures/generate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin/mwb.mjs');

/** Every module URL Node resolves while running `mwb ...args` from the TypeScript sources. */
async function modulesLoadedBy(...args: string[]): Promise<{ status: number | null; stdout: string; modules: string[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-modules-'));
  const log = path.join(dir, 'resolved.txt');
  const hooks = path.join(dir, 'hooks.mjs');
  await writeFile(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`,
  );
  const register = path.join(dir, 'register.mjs');
  await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, '--import', pathToFileURL(register).href, path.join(root, 'electron/cli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, modules: existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [] };
}

const project = (urls: string[]) => urls.filter((u) => u.startsWith('file:')).map((u) => path.relative(root, fileURLToPath(u)));

describe('mwb start-up', () => {
  it('--version and --help load no verb, engine, zod or mp4box.js', async () => {
    for (const args of [['--version'], ['--help']]) {
      const r = await modulesLoadedBy(...args);
      expect(r.status).toBe(0);
      const loaded = project(r.modules);
      expect(loaded).toContain('electron/cli/verbs.ts');
      expect(loaded.filter((m) => /^electron\/(core\/(boxes|mse|jobs|gif|media|compare)|cli\/(?!common|verbs|exit))/.test(m) || /node_modules\/(zod|mp4box)\//.test(m))).toEqual([]);
    }
  });

  it('a verb loads its own modules only', async () => {
    const file = await clip({ duration: 1, audio: null });
    const r = await modulesLoadedBy('inspect', file, '--json', '--depth', '1');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).boxes.map((b: { type: string }) => b.type)).toContain('moov');
    const loaded = project(r.modules);
    expect(loaded).toContain('electron/cli/inspect.ts');
    expect(loaded.filter((m) => /^electron\/cli\/(transcode|gif|serve|diff|lint|caps|probe|presets|flags)\.ts$/.test(m) || /^electron\/core\/(jobs|gif)\//.test(m))).toEqual([]);
    // zod (option schemas of gif and transcode) costs more to load than the rest of an inspect.
    expect(r.modules.filter((u) => /node_modules\/zod\//.test(u))).toEqual([]);
  });

  it('every verb in the table loads and has a run function', async () => {
    expect(VERBS.map((v) => v.name)).toEqual(['caps', 'inspect', 'diff', 'lint', 'probe', 'gif', 'serve', 'transcode', 'record', 'presets']);
    for (const v of VERBS) expect(typeof (await v.load()).run).toBe('function');
  });

  it.runIf(process.platform === 'linux')('bin/mwb.mjs runs the CLI in its own process: its only child is ffmpeg, and SIGINT still cancels with exit 130', async () => {
    const input = await clip({ duration: 8, width: 640, height: 360, pattern: 'noise', gop: 60 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bin-'));
    let children: string[] | null = null;
    const r = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'transcode', input, path.join(dir, 'o.mp4'), '--preset', 'web-mp4', '--speed', 'veryfast', '--progress', 'json'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (children === null && /"percent":[1-9]/.test(stdout)) {
          const pids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
          children = pids.map((p) => path.basename(readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0]!));
          child.kill('SIGINT');
        }
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    });
    expect(children).not.toBeNull();
    expect(children!.length).toBeGreaterThan(0);
    expect(children!.every((c) => /ffmpeg/.test(c))).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('cancelled (SIGINT)');
    expect(await readdir(dir)).toEqual([]);
  });

  it.runIf(existsSync(path.join(root, 'dist/electron/cli.cjs')))('bin/mwb.mjs runs the built one-file CLI through a code cache that the next run accepts', async () => {
    const dir = path.join(root, 'dist/electron/.code-cache');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const ours = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('presets-') && f.endsWith('.bin')) : []);
    for (const f of ours()) rmSync(path.join(dir, f), { force: true });
    const first = run('presets', '--json');
    expect(first.status).toBe(0);
    const [cache] = ours();
    expect(cache).toBeDefined();
    const written = statSync(path.join(dir, cache!)).mtimeMs;
    const second = run('presets', '--json');
    expect([second.status, second.stdout]).toEqual([0, first.stdout]);
    // Rewritten only when missing or refused by V8: the same file means it was read and used.
    expect(statSync(path.join(dir, cache!)).mtimeMs).toBe(written);
    // A usage error (an unknown verb) leaves no cache behind.
    expect(run('frobnicate').status).toBe(2);
    expect(readdirSync(dir).filter((f) => f.startsWith('frobnicate-'))).toEqual([]);
  });

  it('bin/mwb.mjs passes the exit codes through: 0, 1 for a failure, 2 for bad usage or an unreadable input', async () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const version = run('--version');
    expect([version.status, version.stdout.trim()]).toEqual([0, JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version]);
    // 1: a verb's own failure (here: diff found differences).
    const [a, b] = await Promise.all([clip({ duration: 1, audio: null }), clip({ duration: 2, audio: null })]);
    expect(run('diff', a, b).status).toBe(1);
    // 2: the exit-code table of issue #17 (cli/exit.ts) counts a missing input with usage errors.
    const missing = run('inspect', '/nonexistent/x.mp4');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('mwb inspect: /nonexistent/x.mp4 does not exist.\n');
    expect(run('frobnicate').status).toBe(2);
  });
});
