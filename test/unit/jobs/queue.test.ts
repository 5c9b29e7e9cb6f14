import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveBinary } from '../../../electron/core/binaries';
import { stampProcess } from '../../../electron/core/jobs/orphans';
import { JobQueue } from '../../../electron/core/jobs/queue';
import { parseLogLine, runFfmpeg, withRunnerFlags } from '../../../electron/core/jobs/runner';
import type { JobKind, JobProgress, JobRecord } from '../../../electron/core/jobs/types';
import { ffmpegChildren, isAlive, sleep, strayFiles, tempDir, waitForState } from './helpers';

const queues: JobQueue[] = [];
async function openQueue(...args: Parameters<typeof JobQueue.open>): Promise<JobQueue> {
  const q = await JobQueue.open(...args);
  queues.push(q);
  return q;
}
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.shutdown()));
  expect(ffmpegChildren()).toEqual([]);
});

/** A task that waits until released, so tests control when it ends. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  return { release, opened };
}

/** Slow, deterministic ffmpeg work: a lavfi source read at real-time speed. */
function realtimeEncode(seconds: number, out: string): string[] {
  return ['-re', '-f', 'lavfi', '-i', `testsrc2=s=160x90:r=15:d=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mp4', `file:${out}`];
}

describe('JobQueue with arbitrary async work', () => {
  it('runs a task: progress events, safe output committed, log kept', async () => {
    const dir = await tempDir();
    const progress: JobProgress[] = [];
    const q = await openQueue({ progressIntervalMs: 0, listener: { progress: (_id, p) => progress.push(p) } });
    const target = path.join(dir, 'result.txt');
    let scratch = '';
    const rec = q.submit({
      title: 'write a file',
      input: null,
      output: target,
      outputKind: 'file',
      async run(job) {
        const out = await job.output(target, {});
        expect(path.dirname(out.tempPath)).toBe(path.dirname(target));
        expect(existsSync(target)).toBe(false);
        job.progress({ percent: 50, stage: 'half' });
        scratch = await job.scratchDir();
        await writeFile(path.join(scratch, 'intermediate.bin'), 'x');
        await writeFile(out.tempPath, 'hello');
        job.log('wrote it\n');
        return out.commit({ summary: '5 bytes' });
      },
    });
    expect(['queued', 'running']).toContain(rec.state);
    const done = await q.waitFor(rec.id);
    expect(done.state).toBe('done');
    expect(done.result).toMatchObject({ path: target, kind: 'file', summary: '5 bytes', files: [{ name: 'result.txt', size: 5 }] });
    expect(await readFile(target, 'utf8')).toBe('hello');
    expect(await strayFiles(dir)).toEqual(['result.txt']);
    expect(progress.some((p) => p.percent === 50 && p.stage === 'half')).toBe(true);
    expect(scratch).not.toBe('');
    expect(existsSync(scratch)).toBe(false); // the scratch folder goes with the job
    expect((await q.readLog(rec.id)).text).toContain('wrote it');
  });

  it('a record reads as finished only once its jobs.changed event has gone out (the log is closed first)', async () => {
    const dir = await tempDir();
    const emitted: string[] = [];
    const q = await openQueue({ dataDir: dir, listener: { job: (j) => emitted.push(j.state) } });
    const target = path.join(dir, 'quick.txt');
    const rec = q.submit({
      title: 'quick',
      input: null,
      output: target,
      outputKind: 'file',
      async run(job) {
        const out = await job.output(target, {});
        await writeFile(out.tempPath, 'x');
        return out.commit({ summary: '1 byte' });
      },
    });
    // Read the record between every turn of the event loop, as a client polling jobsList would.
    for (;;) {
      const state = q.get(rec.id).state;
      if (state === 'done' || state === 'failed') {
        expect(state).toBe('done');
        expect(emitted.at(-1)).toBe('done');
        break;
      }
      await new Promise((r) => setImmediate(r));
    }
  });

  it('a task that throws fails with its message and leaves nothing behind', async () => {
    const dir = await tempDir();
    const q = await openQueue({});
    const target = path.join(dir, 'never.bin');
    const rec = q.submit({
      title: 'fails half-way',
      input: null,
      output: target,
      outputKind: 'file',
      async run(job) {
        const out = await job.output(target, {});
        await writeFile(out.tempPath, 'partial');
        throw Object.assign(new Error('disk on fire'), { code: 'EFIRE', details: ['line 1'] });
      },
    });
    const done = await q.waitFor(rec.id);
    expect(done.state).toBe('failed');
    expect(done.error).toEqual({ code: 'EFIRE', message: 'disk on fire', details: ['line 1'] });
    expect(await strayFiles(dir)).toEqual([]);
  });

  it('concurrency 1, reorder, cancel a queued job, pause and resume', async () => {
    const q = await openQueue({ concurrency: 1 });
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const task = (name: string) => {
      const g = gate();
      gates.set(name, g);
      return q.submit({
        title: name,
        input: null,
        output: `/nowhere/${name}`,
        outputKind: 'file',
        async run() {
          started.push(name);
          await g.opened;
          return { path: `/nowhere/${name}`, kind: 'file', primary: `/nowhere/${name}`, files: [], summary: name, durationSeconds: null };
        },
      });
    };
    const a = task('a');
    const b = task('b');
    const c = task('c');
    await waitForState(q, a.id, ['running']);
    expect(q.state().order).toEqual([b.id, c.id]);
    q.move(c.id, 0);
    expect(q.state().order).toEqual([c.id, b.id]);
    expect(q.cancel(b.id).state).toBe('cancelled');
    gates.get('a')!.release();
    await waitForState(q, c.id, ['running']);
    expect(started).toEqual(['a', 'c']);
    q.setPaused(true);
    const d = task('d');
    gates.get('c')!.release();
    await waitForState(q, c.id, ['done']);
    await sleep(50);
    expect(q.get(d.id).state).toBe('queued');
    q.setPaused(false);
    await waitForState(q, d.id, ['running']);
    gates.get('d')!.release();
    await waitForState(q, d.id, ['done']);
    expect(started).toEqual(['a', 'c', 'd']);
    expect(() => q.move(d.id, 0)).toThrow(/not waiting/);
  });

  it('runs two jobs at once with concurrency 2', async () => {
    const q = await openQueue({ concurrency: 2 });
    const g = gate();
    const mk = (n: string) =>
      q.submit({ title: n, input: null, output: n, outputKind: 'file', run: async () => (await g.opened, { path: n, kind: 'file', primary: n, files: [], summary: '', durationSeconds: null }) });
    const x = mk('x');
    const y = mk('y');
    await waitForState(q, x.id, ['running']);
    await waitForState(q, y.id, ['running']);
    g.release();
    await q.waitFor(y.id);
  });

  it('retries a failed task (same id, next attempt)', async () => {
    const q = await openQueue({});
    let calls = 0;
    const rec = q.submit({
      title: 'flaky',
      input: null,
      output: 'x',
      outputKind: 'file',
      async run() {
        calls++;
        if (calls === 1) throw new Error('first time fails');
        return { path: 'x', kind: 'file', primary: 'x', files: [], summary: 'ok', durationSeconds: null };
      },
    });
    expect((await q.waitFor(rec.id)).state).toBe('failed');
    await expect(q.retry(rec.id).then((r) => r.state)).resolves.toBe('queued');
    const done = await q.waitFor(rec.id);
    expect(done.state).toBe('done');
    expect(done.attempts).toBe(2);
    await expect(q.retry(rec.id)).rejects.toThrow(/only failed, cancelled or interrupted/);
  });
});

describe('ffmpeg passes in jobs', () => {
  it('cancel stops ffmpeg (q, then signals), waits for it, deletes the temporary file', async () => {
    const dir = await tempDir();
    const q = await openQueue({ progressIntervalMs: 0 });
    let pass: Promise<unknown> | null = null;
    const target = path.join(dir, 'long.mp4');
    const rec = q.submit({
      title: 'long encode',
      input: null,
      output: target,
      outputKind: 'file',
      async run(job) {
        const out = await job.output(target, {});
        pass = job.ffmpeg(realtimeEncode(30, out.tempPath), { durationSeconds: 30, label: 'encode' });
        await pass;
        return out.commit({ summary: 'never' });
      },
    });
    // Wait until ffmpeg reports progress (it is really encoding), then cancel.
    for (let i = 0; i < 500 && !(q.get(rec.id).progress?.outTimeSeconds ?? 0); i++) await sleep(10);
    const p = q.get(rec.id).progress!;
    expect(p.percent).toBeGreaterThan(0);
    expect(p.percent).toBeLessThan(50);
    expect(ffmpegChildren().length).toBe(1);
    expect(q.cancel(rec.id).state).toBe('cancelling');
    const done = await q.waitFor(rec.id);
    expect(done.state).toBe('cancelled');
    expect(ffmpegChildren()).toEqual([]);
    expect(await strayFiles(dir)).toEqual([]);
    expect(done.command).toContain('-progress pipe:1');
    expect((await q.readLog(rec.id)).text).toMatch(/cancelled; temporary output deleted/);
  });

  it('a failing ffmpeg gives its error lines as details', async () => {
    const dir = await tempDir();
    const q = await openQueue({});
    const target = path.join(dir, 'bad.mp4');
    const rec = q.submit({
      title: 'bad option value',
      input: null,
      output: target,
      outputKind: 'file',
      async run(job) {
        const out = await job.output(target, {});
        await job.ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=d=1', '-c:v', 'libx264', '-preset', 'no-such-preset', '-f', 'mp4', `file:${out.tempPath}`]);
        return out.commit({ summary: '' });
      },
    });
    const done = await q.waitFor(rec.id);
    expect(done.state).toBe('failed');
    expect(done.error!.code).toBe('EFFMPEG');
    expect(done.error!.message).toMatch(/^ffmpeg failed \(exit code \d+\): /);
    expect(done.error!.details.join('\n')).toMatch(/no-such-preset|Error setting option|Error initializing/i);
    expect(done.error!.details.join('\n')).not.toContain('file:/');
    expect(await strayFiles(dir)).toEqual([]);
  });

  it('shutdown cancels running work and waits for the processes', async () => {
    const dir = await tempDir();
    const q = await JobQueue.open({});
    const target = path.join(dir, 'x.mp4');
    const rec = q.submit({
      title: 'encode',
      input: null,
      output: target,
      outputKind: 'file',
      run: async (job) => {
        const out = await job.output(target, {});
        await job.ffmpeg(realtimeEncode(30, out.tempPath));
        return out.commit({ summary: '' });
      },
    });
    await waitForState(q, rec.id, ['running']);
    for (let i = 0; i < 300 && !ffmpegChildren().length; i++) await sleep(10);
    await q.shutdown();
    expect(q.get(rec.id).state).toBe('cancelled');
    expect(ffmpegChildren()).toEqual([]);
    expect(await strayFiles(dir)).toEqual([]);
  });
});

describe('GIF export as a job kind of this queue', () => {
  it('runs gifJob (core/gif/job.ts) through JobContext: passes, safe output, result', async () => {
    const { gifJob } = await import('../../../electron/core/gif/job');
    const { clip } = await import('../../fixtures/generate');
    const input = await clip({ duration: 1, gop: 15 });
    const dir = await tempDir();
    const q = await openQueue({ kinds: [gifJob as JobKind<unknown>], progressIntervalMs: 0 });
    const output = path.join(dir, 'clip.gif');
    const rec = await q.enqueue('gif', { input, output, options: { fps: 10, width: 160 }, overwrite: false });
    const done = await q.waitFor(rec.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    expect(done.result?.path).toBe(output);
    expect((await readFile(output)).subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(await strayFiles(dir)).toEqual(['clip.gif']);
  });
});

describe('runFfmpeg', () => {
  it('escalates to signals when ffmpeg cannot read q (blocked opening a FIFO) and waits for exit', async () => {
    const dir = await tempDir();
    const fifo = path.join(dir, 'never.fifo');
    execFileSync('mkfifo', [fifo]);
    const ac = new AbortController();
    const run = runFfmpeg({
      bin: resolveBinary('ffmpeg').path,
      args: withRunnerFlags(['-i', `file:${fifo}`, '-f', 'null', '-']),
      signal: ac.signal,
      graceMs: 200,
      termMs: 300,
    });
    await sleep(300);
    const [pid] = ffmpegChildren();
    expect(pid).toBeDefined();
    ac.abort();
    const res = await run;
    expect(res.cancelled).toBe(true);
    expect(res.signal === 'SIGTERM' || res.signal === 'SIGKILL' || res.code !== 0).toBe(true);
    expect(isAlive(pid!)).toBe(false);
    // How long the escalation takes is a benchmark figure: npm run bench -- cancel.
  });

  it('tags log lines by level', () => {
    expect(parseLogLine('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x561d4099b980] [error] moov atom not found')).toEqual({
      level: 'error',
      text: '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x561d4099b980] moov atom not found',
    });
    expect(parseLogLine('[warning] file:x.mp4: corrupt input packet in stream 0')).toEqual({ level: 'warning', text: 'file:x.mp4: corrupt input packet in stream 0' });
    expect(parseLogLine('frame=  10 fps=0.0')).toBeNull();
  });
});

describe('history', () => {
  interface EchoParams {
    out: string;
  }
  const echoKind: JobKind<EchoParams> = {
    kind: 'echo',
    async prepare(p) {
      return { title: `echo ${path.basename(p.out)}`, input: null, output: p.out, outputKind: 'file' };
    },
    async run(p, job) {
      const out = await job.output(p.out, { overwrite: true });
      await writeFile(out.tempPath, 'echo');
      return out.commit({ summary: 'echo' });
    },
  };

  it('persists jobs and settings, marks a crash\'s running job interrupted and removes its temporary file', async () => {
    const data = await tempDir();
    const outDir = await tempDir();
    const q1 = await JobQueue.open({ dataDir: data, kinds: [echoKind as JobKind<unknown>] });
    const done = await q1.waitFor((await q1.enqueue('echo', { out: path.join(outDir, 'a.txt') })).id);
    expect(done.state).toBe('done');
    q1.setConcurrency(3);
    await q1.shutdown();

    // Simulate a crash mid-job: a running record whose temporary file is still on disk.
    const historyPath = path.join(data, 'jobs', 'history.json');
    const history = JSON.parse(await readFile(historyPath, 'utf8')) as { jobs: JobRecord[] };
    const leftover = path.join(outDir, '.b.mwb-crashed1.part.txt');
    const userFile = path.join(outDir, 'precious.txt');
    await writeFile(leftover, 'half');
    await writeFile(userFile, 'keep me');
    history.jobs.push({
      ...done,
      id: 'crashedjob01',
      title: 'echo b.txt',
      state: 'running',
      result: null,
      finishedAt: null,
      params: { out: path.join(outDir, 'b.txt') },
      logPath: path.join(data, 'jobs', 'logs', 'crashedjob01.log'),
      tempPaths: [leftover, userFile],
    });
    history.jobs.push({ ...done, id: 'crashedtask1', kind: 'task', state: 'running', result: null, params: null, tempPaths: [], processes: [] });
    await writeFile(historyPath, JSON.stringify(history));

    const q2 = await openQueue({ dataDir: data, kinds: [echoKind as JobKind<unknown>] });
    expect(q2.state().concurrency).toBe(3);
    expect(q2.get(done.id).state).toBe('done');
    const crashed = q2.get('crashedjob01');
    expect(crashed.state).toBe('interrupted');
    expect(crashed.error!.message).toMatch(/closed while this job was running/);
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(userFile)).toBe(true); // not a temporary name: never deleted
    expect(crashed.retryable).toBe(true);
    expect(q2.get('crashedtask1').retryable).toBe(false);
    await expect(q2.retry('crashedtask1')).rejects.toThrow(/cannot be retried after a restart/);
    await q2.retry('crashedjob01');
    const again = await q2.waitFor('crashedjob01');
    expect(again.state).toBe('done');
    expect(await readFile(path.join(outDir, 'b.txt'), 'utf8')).toBe('echo');
    // Logs live in the data folder, one per job.
    const log = await q2.readLog('crashedjob01');
    expect(log.path).toBe(path.join(data, 'jobs', 'logs', 'crashedjob01.log'));
    expect(log.text).toMatch(/attempt 2: echo b.txt/);
    await q2.remove(done.id);
    expect(() => q2.get(done.id)).toThrow(/No job/);
  });

  it('stops an ffmpeg a crashed app left running (pid and start time match) before deleting its file', async () => {
    const data = await tempDir();
    const outDir = await tempDir();
    const temp = path.join(outDir, '.x.mwb-orphan00001.part.mp4');
    // The orphan: an ffmpeg whose parent is gone (detached from this process), still encoding.
    const orphan = spawn(resolveBinary('ffmpeg').path, withRunnerFlags(realtimeEncode(60, temp)), { detached: true, stdio: 'ignore' });
    orphan.unref();
    const pid = orphan.pid!;
    for (let i = 0; i < 100 && !existsSync(temp); i++) await sleep(20);
    const stamp = await stampProcess(pid);
    expect(stamp.started).not.toBeNull();
    // Our own pid with a wrong start time: a recycled pid must never be killed.
    const impostor = { pid: process.pid, started: 'Thu Jan  1 00:00:00 1970' };
    const record = {
      id: 'orphanjob01',
      kind: 'task',
      title: 'crashed',
      state: 'running',
      createdAt: Date.now(),
      startedAt: Date.now(),
      finishedAt: null,
      input: null,
      output: path.join(outDir, 'x.mp4'),
      outputKind: 'file',
      command: null,
      progress: null,
      error: null,
      result: null,
      attempts: 1,
      logPath: null,
      retryable: false,
      params: null,
      tempPaths: [temp],
      processes: [stamp, impostor],
    } satisfies JobRecord;
    await mkdir(path.join(data, 'jobs'), { recursive: true });
    await writeFile(path.join(data, 'jobs', 'history.json'), JSON.stringify({ version: 1, settings: { concurrency: 1, paused: false }, jobs: [record] }));
    expect(isAlive(pid)).toBe(true);
    const q = await openQueue({ dataDir: data });
    expect(q.get('orphanjob01').state).toBe('interrupted');
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(temp)).toBe(false);
  });

  it('starts empty, keeping an unreadable history file aside', async () => {
    const data = await tempDir();
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(data, 'jobs'), { recursive: true }));
    await writeFile(path.join(data, 'jobs', 'history.json'), '{ not json');
    const q = await openQueue({ dataDir: data });
    expect(q.list()).toEqual([]);
    expect((await strayFiles(path.join(data, 'jobs'))).some((n) => n.startsWith('history.json.unreadable-'))).toBe(true);
  });
});
