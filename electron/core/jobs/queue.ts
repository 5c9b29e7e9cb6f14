/**
 * The job queue: runs jobs (transcodes, GIF passes, any cancellable async work) with a concurrency
 * limit, pause/resume, reordering, cancel and retry; keeps a log file per job and the history in
 * `<dataDir>/jobs/history.json` so it survives restarts. See `types.ts` for how to run your own
 * work as a job.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, errorMessage, WorkbenchError } from '../errors';
import { TailBuffer } from '../process';
import { removeWithRetry } from './cleanup';
import { createJobContext } from './context';
import { blankProgress } from './progress';
import { unprefixFileUrls } from './runner';
import { killStamped, stampProcess } from './orphans';
import { isTempName } from './safe-output';
import { FINISHED_STATES, type JobError, type JobKind, type JobProgress, type JobRecord, type JobResult, type QueueState, type TaskSpec } from './types';

export { describeFfmpegFailure, JobCancelledError, JobFailure, unprefixFileUrls } from './runner';

export interface QueueListener {
  /** A job's record changed (state, command, result, error). */
  job(record: JobRecord): void;
  /** Progress of a running job (throttled). */
  progress(id: string, progress: JobProgress): void;
  queue(state: QueueState): void;
  removed(id: string): void;
}

export interface JobQueueOptions {
  /** Folder for `jobs/history.json` and `jobs/logs/`; without it nothing is persisted (CLI). */
  dataDir?: string | null;
  concurrency?: number;
  /** Job kinds known from the start (more with `define`). */
  kinds?: readonly JobKind<unknown>[];
  listener?: Partial<QueueListener>;
  /** Called once per job when it ends (desktop notification). */
  onFinished?(record: JobRecord): void;
  /** Finished jobs kept in the history (oldest dropped with their logs). */
  historyLimit?: number;
  progressIntervalMs?: number;
  /** ms between `q` and SIGTERM when cancelling ffmpeg. */
  cancelGraceMs?: number;
  ffmpegPath?: () => string;
}

type Source = { type: 'kind'; kind: JobKind<unknown>; params: unknown } | { type: 'task'; task: TaskSpec };

interface Entry {
  record: JobRecord;
  source: Source | null;
  controller: AbortController | null;
  /** Aborted by `stop()`: a stoppable job finishes early and keeps its output. */
  stopper: AbortController | null;
  running: Promise<void> | null;
  waiters: ((r: JobRecord) => void)[];
  logTail: TailBuffer;
  log: WriteStream | null;
  logBytes: number;
  lastProgressAt: number;
  progressTimer: NodeJS.Timeout | null;
}

interface HistoryFile {
  version: 1;
  settings: { concurrency: number; paused: boolean };
  jobs: JobRecord[];
}

const LOG_LIMIT = 16 * 1024 * 1024;
const ACTIVE: JobRecord['state'][] = ['running', 'cancelling'];

/** A job's in-memory state beside its record (nothing running, no log open yet). */
function newEntry(record: JobRecord, source: Source | null): Entry {
  return {
    record,
    source,
    controller: null,
    stopper: null,
    running: null,
    waiters: [],
    logTail: new TailBuffer(64 * 1024),
    log: null,
    logBytes: 0,
    lastProgressAt: 0,
    progressTimer: null,
  };
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

export class JobQueue {
  private readonly entries = new Map<string, Entry>();
  private queued: string[] = [];
  private readonly kinds = new Map<string, JobKind<unknown>>();
  private paused = false;
  private concurrency: number;
  private active = 0;
  private closing = false;
  private saveChain: Promise<void> = Promise.resolve();
  private saveTimer: NodeJS.Timeout | null = null;
  private readonly historyFile: string | null;
  private readonly logDir: string | null;
  private listener: Partial<QueueListener>;

  private constructor(private readonly options: JobQueueOptions) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.listener = options.listener ?? {};
    for (const k of options.kinds ?? []) this.kinds.set(k.kind, k);
    this.historyFile = options.dataDir ? path.join(options.dataDir, 'jobs', 'history.json') : null;
    this.logDir = options.dataDir ? path.join(options.dataDir, 'jobs', 'logs') : null;
  }

  /** Create a queue and load its history (jobs left running by a crash become "interrupted"). */
  static async open(options: JobQueueOptions = {}): Promise<JobQueue> {
    const q = new JobQueue(options);
    await q.load();
    return q;
  }

  setListener(listener: Partial<QueueListener>): void {
    this.listener = listener;
  }

  /** Register a job kind (its jobs can be enqueued by name and retried from the history). */
  define<P>(kind: JobKind<P>): void {
    this.kinds.set(kind.kind, kind as JobKind<unknown>);
  }

  // ------------------------------------------------------------------ reading

  state(): QueueState {
    return { paused: this.paused, concurrency: this.concurrency, order: [...this.queued] };
  }

  /** Running jobs first, then the queue in order, then finished jobs newest first. */
  list(): JobRecord[] {
    const all = [...this.entries.values()];
    const running = all.filter((e) => ACTIVE.includes(e.record.state)).sort((a, b) => (a.record.startedAt ?? 0) - (b.record.startedAt ?? 0));
    const queued = this.queued.map((id) => this.entries.get(id)!).filter(Boolean);
    const finished = all
      .filter((e) => FINISHED_STATES.includes(e.record.state))
      .sort((a, b) => (b.record.finishedAt ?? b.record.createdAt) - (a.record.finishedAt ?? a.record.createdAt));
    return [...running, ...queued, ...finished].map((e) => this.snapshot(e));
  }

  get(id: string): JobRecord {
    return this.snapshot(this.entry(id));
  }

  /** The end of a job's log (from its file, or from memory when there is no data folder). */
  async readLog(id: string, maxBytes = 64 * 1024): Promise<{ text: string; truncated: boolean; path: string | null }> {
    const e = this.entry(id);
    const file = e.record.logPath;
    if (!file) return { text: e.logTail.toString(), truncated: false, path: null };
    let fh;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return { text: e.logTail.toString(), truncated: false, path: file };
      throw err;
    }
    try {
      const { size } = await fh.stat();
      const start = Math.max(0, size - maxBytes);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      let text = buf.toString('utf8');
      if (start > 0) text = text.slice(text.indexOf('\n') + 1);
      return { text, truncated: start > 0, path: file };
    } finally {
      await fh.close();
    }
  }

  /** Resolves with the record once the job has finished (done, failed, cancelled). */
  waitFor(id: string): Promise<JobRecord> {
    const e = this.entry(id);
    if (FINISHED_STATES.includes(e.record.state)) return Promise.resolve(this.snapshot(e));
    return new Promise((resolve) => e.waiters.push(resolve));
  }

  // ------------------------------------------------------------------ adding

  /** Queue a job of a registered kind. `prepare` runs first: a bad request is refused, not queued. */
  async enqueue<P>(kind: string, params: P): Promise<JobRecord> {
    const k = this.kinds.get(kind);
    if (!k) throw new WorkbenchError('ENOKIND', `Unknown job kind "${kind}".`);
    const desc = await k.prepare(params);
    const record = this.newRecord(kind, desc, params === undefined ? null : clone(params));
    return this.add(record, { type: 'kind', kind: k as JobKind<unknown>, params: record.params });
  }

  /** Queue ad-hoc work (not retryable after a restart). */
  submit(task: TaskSpec): JobRecord {
    const record = this.newRecord('task', task, null);
    return this.add(record, { type: 'task', task });
  }

  private newRecord(kind: string, desc: { title: string; input: string | null; output: string; outputKind: 'file' | 'folder'; command?: string | null }, params: unknown): JobRecord {
    const id = randomBytes(9).toString('base64url');
    return {
      id,
      kind,
      title: desc.title,
      state: 'queued',
      createdAt: Date.now(),
      startedAt: null,
      finishedAt: null,
      input: desc.input,
      output: desc.output,
      outputKind: desc.outputKind,
      command: desc.command ?? null,
      progress: null,
      error: null,
      result: null,
      attempts: 0,
      logPath: this.logDir ? path.join(this.logDir, `${id}.log`) : null,
      retryable: true,
      params,
      tempPaths: [],
      processes: [],
    };
  }

  /** Outputs of jobs that are queued or running (no two may write the same path). */
  pendingOutputs(): string[] {
    return [...this.entries.values()].filter((e) => !FINISHED_STATES.includes(e.record.state)).map((e) => path.resolve(e.record.output));
  }

  private checkOutputFree(record: JobRecord): void {
    const mine = path.resolve(record.output);
    const clash = [...this.entries.values()].find(
      (e) => e.record.id !== record.id && !FINISHED_STATES.includes(e.record.state) && path.resolve(e.record.output) === mine,
    );
    if (clash) {
      throw new WorkbenchError('EBUSY', `Another job ("${clash.record.title}", ${clash.record.state}) already writes ${record.output}; wait for it or choose another output.`);
    }
  }

  private add(record: JobRecord, source: Source): JobRecord {
    if (this.closing) throw new WorkbenchError('ECLOSING', 'The job queue is shutting down.');
    this.checkOutputFree(record);
    const e = newEntry(record, source);
    this.entries.set(record.id, e);
    this.queued.push(record.id);
    this.changed(e);
    this.queueChanged();
    this.pump();
    return this.snapshot(e);
  }

  // ------------------------------------------------------------------ control

  /**
   * Cancel: a queued job is dropped from the queue at once; a running one is asked to stop and
   * becomes "cancelling" until its process has exited and its temporary output is deleted.
   */
  cancel(id: string): JobRecord {
    const e = this.entry(id);
    const r = e.record;
    if (r.state === 'queued') {
      this.queued = this.queued.filter((q) => q !== id);
      r.state = 'cancelled';
      r.finishedAt = Date.now();
      r.error = { code: 'ECANCELLED', message: 'Cancelled before it started.', details: [] };
      this.finishWaiters(e);
      this.changed(e);
      this.queueChanged();
    } else if (r.state === 'running') {
      r.state = 'cancelling';
      e.controller?.abort();
      this.changed(e);
    }
    return this.snapshot(e);
  }

  /**
   * Stop a stoppable job (a live recording) and keep what it wrote: ffmpeg gets `q`, the job
   * finishes its output and ends "done". A queued job is simply cancelled. Other kinds refuse:
   * their partial output is worthless, so they are cancelled instead.
   */
  stop(id: string): JobRecord {
    const e = this.entry(id);
    const r = e.record;
    if (r.state === 'queued') return this.cancel(id);
    if (!this.isStoppable(e)) {
      throw new WorkbenchError('ENOTSTOPPABLE', `Job "${r.title}" cannot be stopped early and kept; cancel it instead.`);
    }
    if (r.state === 'running' && !r.stopRequested) {
      r.stopRequested = true;
      e.stopper?.abort();
      this.writeLog(e, '\n# stop requested: finishing the output\n');
      this.changed(e);
    }
    return this.snapshot(e);
  }

  private isStoppable(e: Entry): boolean {
    const kind = e.source?.type === 'kind' ? e.source.kind : this.kinds.get(e.record.kind);
    return kind?.stoppable === true;
  }

  /** Run a failed, cancelled or interrupted job again (same id, next attempt, at the end of the queue). */
  async retry(id: string): Promise<JobRecord> {
    const e = this.entry(id);
    const r = e.record;
    if (!['failed', 'cancelled', 'interrupted'].includes(r.state)) {
      throw new WorkbenchError('ENOTRETRYABLE', `Job "${r.title}" is ${r.state}; only failed, cancelled or interrupted jobs can be retried.`);
    }
    if (!e.source) {
      const k = this.kinds.get(r.kind);
      if (!k || r.params === null) {
        throw new WorkbenchError('ENOTRETRYABLE', `Job "${r.title}" cannot be retried after a restart; start it again from its view.`);
      }
      e.source = { type: 'kind', kind: k as JobKind<unknown>, params: r.params };
    }
    if (e.source.type === 'kind') {
      const desc = await e.source.kind.prepare(e.source.params);
      r.title = desc.title;
      r.command = desc.command ?? r.command;
    }
    // A second click while `prepare` ran has already queued it.
    if (!['failed', 'cancelled', 'interrupted'].includes(r.state)) return this.snapshot(e);
    this.checkOutputFree(r);
    r.state = 'queued';
    r.error = null;
    r.result = null;
    r.progress = null;
    r.finishedAt = null;
    delete r.stopRequested;
    this.queued.push(id);
    this.changed(e);
    this.queueChanged();
    this.pump();
    return this.snapshot(e);
  }

  /** Move a queued job to `index` among the queued jobs (0 = next to start). */
  move(id: string, index: number): QueueState {
    const e = this.entry(id);
    if (e.record.state !== 'queued') throw new WorkbenchError('ENOTQUEUED', `Job "${e.record.title}" is ${e.record.state}, not waiting in the queue.`);
    const rest = this.queued.filter((q) => q !== id);
    const at = Math.max(0, Math.min(rest.length, Math.floor(index)));
    rest.splice(at, 0, id);
    this.queued = rest;
    this.queueChanged();
    return this.state();
  }

  setPaused(paused: boolean): QueueState {
    this.paused = paused;
    this.queueChanged();
    this.pump();
    return this.state();
  }

  setConcurrency(n: number): QueueState {
    this.concurrency = Math.max(1, Math.min(16, Math.floor(n)));
    this.queueChanged();
    this.pump();
    return this.state();
  }

  /** Forget a finished job and delete its log. */
  async remove(id: string): Promise<void> {
    const e = this.entry(id);
    if (!FINISHED_STATES.includes(e.record.state)) {
      throw new WorkbenchError('EBUSY', `Job "${e.record.title}" is ${e.record.state}; cancel it before removing it.`);
    }
    this.entries.delete(id);
    if (e.record.logPath) await rm(e.record.logPath, { force: true });
    this.listener.removed?.(id);
    this.scheduleSave();
  }

  async clearFinished(): Promise<number> {
    const done = [...this.entries.values()].filter((e) => FINISHED_STATES.includes(e.record.state));
    for (const e of done) await this.remove(e.record.id);
    return done.length;
  }

  /**
   * Stop everything: running jobs are cancelled (their processes waited for, temporary outputs
   * deleted), except stoppable ones (recordings), which are stopped and keep their output; the
   * history is written. Queued jobs become "interrupted" at the next start.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    const running = [...this.entries.values()].filter((e) => e.running);
    for (const e of running) {
      if (this.isStoppable(e) && e.record.state === 'running') {
        this.stop(e.record.id);
        continue;
      }
      if (e.record.state === 'running') e.record.state = 'cancelling';
      e.controller?.abort();
    }
    await Promise.all(running.map((e) => e.running));
    await this.flush();
  }

  // ------------------------------------------------------------------ running

  private pump(): void {
    while (!this.paused && !this.closing && this.active < this.concurrency && this.queued.length) {
      const id = this.queued.shift()!;
      const e = this.entries.get(id);
      if (!e || e.record.state !== 'queued') continue;
      this.active++;
      e.running = this.run(e)
        .catch((err: unknown) => {
          // run() handles job errors itself; this is only a bug guard so the queue keeps going.
          e.record.state = 'failed';
          e.record.error = toJobError(err);
          this.finishWaiters(e);
          this.changed(e);
        })
        .finally(() => {
          e.running = null;
          this.active--;
          this.pump();
        });
      this.queueChanged();
    }
  }

  private async run(e: Entry): Promise<void> {
    const r = e.record;
    const controller = new AbortController();
    e.controller = controller;
    const stopper = new AbortController();
    e.stopper = stopper;
    delete r.stopRequested;
    r.state = 'running';
    r.startedAt = Date.now();
    r.attempts++;
    r.progress = blankProgress();
    r.error = null;
    r.result = null;
    await this.openLog(e).catch(() => {});
    this.writeLog(e, `# ${new Date(r.startedAt).toISOString()} ${r.kind} job ${r.id}, attempt ${r.attempts}: ${r.title}\n`);
    this.changed(e);

    const { ctx, settle } = this.context(e, controller.signal, stopper.signal);
    let result: JobResult | null = null;
    let failure: unknown = null;
    try {
      if (!e.source) throw new WorkbenchError('ENOTRETRYABLE', 'This job has nothing to run.');
      result = e.source.type === 'kind' ? await e.source.kind.run(e.source.params, ctx) : await e.source.task.run(ctx);
    } catch (err) {
      failure = err;
    }
    await settle();
    r.tempPaths = [];
    r.processes = [];
    const finishedAt = Date.now();
    // The outcome is written to the log first and put on the record only after the log is closed,
    // so nobody reading the record (jobsList) sees the job ended before its jobs.changed event.
    let ended: Pick<JobRecord, 'state'> & Partial<JobRecord>;
    if (result && failure === null) {
      ended = { state: 'done', result, progress: { ...(r.progress ?? blankProgress()), percent: 100, etaSeconds: 0, stage: null, elapsedSeconds: (finishedAt - r.startedAt!) / 1000 } };
      this.writeLog(e, `# done: ${result.path} (${result.summary})\n`);
    } else if (controller.signal.aborted) {
      ended = { state: 'cancelled', error: { code: 'ECANCELLED', message: 'Cancelled; nothing was written.', details: [] } };
      this.writeLog(e, '# cancelled; temporary output deleted\n');
    } else {
      const error = toJobError(failure);
      ended = { state: 'failed', error };
      this.writeLog(e, `# failed: ${error.message}\n${error.details.map((d) => `#   ${d}\n`).join('')}`);
    }
    if (e.progressTimer) clearTimeout(e.progressTimer);
    e.progressTimer = null;
    await this.closeLog(e);
    Object.assign(r, ended, { finishedAt });
    if (r.progress) r.progress.etaSeconds = ended.state === 'done' ? 0 : null;
    this.finishWaiters(e);
    this.changed(e);
    try {
      this.options.onFinished?.(this.snapshot(e));
    } catch {
      // a notification failure must not break the queue
    }
  }

  private context(e: Entry, signal: AbortSignal, stopSignal: AbortSignal) {
    const r = e.record;
    let exited = false;
    return createJobContext({
      id: r.id,
      signal,
      stopSignal,
      startedAt: r.startedAt ?? Date.now(),
      ffmpegPath: this.options.ffmpegPath,
      cancelGraceMs: this.options.cancelGraceMs,
      log: (text) => this.writeLog(e, text),
      progress: (update) => {
        const stageChanged = update.stage !== undefined && update.stage !== r.progress?.stage;
        r.progress = {
          ...(r.progress ?? blankProgress()),
          ...update,
          elapsedSeconds: update.elapsedSeconds ?? (Date.now() - (r.startedAt ?? Date.now())) / 1000,
        };
        this.progressed(e, stageChanged);
      },
      command: (command) => {
        r.command = command;
        this.changed(e);
      },
      tempAdded: (p) => {
        r.tempPaths.push(p);
        this.scheduleSave();
      },
      spawned: (pid) => {
        exited = false;
        void stampProcess(pid).then((stamp) => {
          if (!exited && !r.processes.some((p) => p.pid === pid)) {
            r.processes.push(stamp);
            this.scheduleSave();
          }
        });
      },
      exited: () => {
        exited = true;
        r.processes = [];
      },
    });
  }

  // ------------------------------------------------------------------ events, logs, history

  private snapshot(e: Entry): JobRecord {
    const r = clone(e.record);
    r.retryable = e.source !== null || (this.kinds.has(r.kind) && r.params !== null);
    r.stoppable = this.isStoppable(e);
    return r;
  }

  private entry(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new WorkbenchError('ENOJOB', `No job has the id ${id}.`);
    return e;
  }

  private changed(e: Entry): void {
    this.listener.job?.(this.snapshot(e));
    this.scheduleSave();
  }

  private queueChanged(): void {
    this.listener.queue?.(this.state());
    this.scheduleSave();
  }

  private progressed(e: Entry, force: boolean): void {
    const interval = this.options.progressIntervalMs ?? 250;
    const emit = () => {
      e.progressTimer = null;
      e.lastProgressAt = Date.now();
      if (e.record.progress && ACTIVE.includes(e.record.state)) this.listener.progress?.(e.record.id, clone(e.record.progress));
    };
    const wait = interval - (Date.now() - e.lastProgressAt);
    if (force || wait <= 0) {
      if (e.progressTimer) clearTimeout(e.progressTimer);
      emit();
    } else if (!e.progressTimer) {
      e.progressTimer = setTimeout(emit, wait);
    }
  }

  private finishWaiters(e: Entry): void {
    const snap = this.snapshot(e);
    for (const w of e.waiters.splice(0)) w(snap);
  }

  private async openLog(e: Entry): Promise<void> {
    if (!e.record.logPath || !this.logDir) return;
    await mkdir(this.logDir, { recursive: true });
    const stream = createWriteStream(e.record.logPath, { flags: 'a' });
    stream.on('error', () => {
      e.log = null;
    });
    e.log = stream;
    e.logBytes = 0;
  }

  private writeLog(e: Entry, text: string): void {
    e.logTail.push(text);
    if (!e.log) return;
    if (e.logBytes > LOG_LIMIT) return;
    e.logBytes += Buffer.byteLength(text);
    e.log.write(e.logBytes > LOG_LIMIT ? `\n# log truncated at ${LOG_LIMIT} bytes\n` : text);
  }

  private closeLog(e: Entry): Promise<void> {
    const stream = e.log;
    e.log = null;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }

  private async load(): Promise<void> {
    if (!this.historyFile) return;
    let data: HistoryFile | null = null;
    try {
      data = JSON.parse(await readFile(this.historyFile, 'utf8')) as HistoryFile;
      if (!data || data.version !== 1 || !Array.isArray(data.jobs)) throw new Error('unknown format');
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') {
        // Keep the unreadable file for inspection; start with an empty history.
        await rename(this.historyFile, `${this.historyFile}.unreadable-${Date.now()}`).catch(() => {});
      }
      data = null;
    }
    if (!data) return;
    this.concurrency = Math.max(1, Math.min(16, data.settings?.concurrency ?? this.concurrency));
    this.paused = data.settings?.paused ?? false;
    for (const record of data.jobs) {
      if (!record || typeof record.id !== 'string') continue;
      record.processes ??= [];
      record.tempPaths ??= [];
      if (!FINISHED_STATES.includes(record.state)) {
        const wasRunning = record.state !== 'queued';
        // A crash can leave ffmpeg running: stop it before deleting the file it writes.
        for (const p of record.processes) await killStamped(p).catch(() => false);
        record.processes = [];
        const kind = this.kinds.get(record.kind);
        let recovered: JobResult | null = null;
        for (const t of record.tempPaths) {
          if (!wasRunning || !kind?.recover || recovered || !isTempName(path.basename(t))) continue;
          recovered = await kind.recover(record.params, t).catch(() => null);
        }
        for (const t of record.tempPaths) {
          if (isTempName(path.basename(t))) await removeWithRetry(t).catch(() => {});
        }
        record.tempPaths = [];
        record.finishedAt = record.finishedAt ?? Date.now();
        if (recovered) {
          record.state = 'done';
          record.result = recovered;
          record.error = null;
        } else {
          record.state = 'interrupted';
          record.error = {
            code: 'EINTERRUPTED',
            message: wasRunning
              ? 'The app closed while this job was running; its temporary output was removed. Retry to run it again.'
              : 'The app closed before this job started. Retry to run it.',
            details: [],
          };
        }
      }
      this.entries.set(record.id, newEntry(record, null));
    }
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (!this.historyFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, 150);
  }

  private save(): Promise<void> {
    const file = this.historyFile;
    if (!file) return Promise.resolve();
    const limit = this.options.historyLimit ?? 300;
    const finished = [...this.entries.values()]
      .filter((e) => FINISHED_STATES.includes(e.record.state))
      .sort((a, b) => (b.record.finishedAt ?? 0) - (a.record.finishedAt ?? 0));
    const dropped = finished.slice(limit);
    for (const d of dropped) {
      this.entries.delete(d.record.id);
      if (d.record.logPath) void rm(d.record.logPath, { force: true }).catch(() => {});
    }
    const body: HistoryFile = {
      version: 1,
      settings: { concurrency: this.concurrency, paused: this.paused },
      jobs: [...this.entries.values()].map((e) => e.record),
    };
    const text = JSON.stringify(body, null, 1);
    this.saveChain = this.saveChain.then(async () => {
      try {
        await mkdir(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, text);
        await rename(tmp, file);
      } catch {
        // History is a convenience: a full disk must not fail the job that just finished.
      }
    });
    return this.saveChain;
  }

  /** Write the history now (pending debounced writes included). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    await this.save();
  }
}

export function toJobError(err: unknown): JobError {
  const details = (err as { details?: unknown })?.details;
  return {
    code: errorCode(err),
    message: unprefixFileUrls(errorMessage(err)),
    details: Array.isArray(details) ? details.filter((d): d is string => typeof d === 'string') : [],
  };
}
