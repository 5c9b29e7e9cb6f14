import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { jobsContract } from '../contract/jobs';
import type { OpenedFile } from '../core/files-types';
import type { ParsedArgsOf } from '../api';
import { resolveBinary } from '../core/binaries';
import { defaultDataDir } from '../core/data-dir';
import { WorkbenchError } from '../core/errors';
import { presetCaps, useCapsCacheDir } from '../core/jobs/caps-index';
import { getPreset, hwEncodersFor, presetInfo, PRESETS } from '../core/jobs/presets';
import { probeHwEncoders } from '../core/jobs/hw';
import { JOB_KINDS } from '../core/jobs/kinds';
import { JobQueue } from '../core/jobs/queue';
import { prepareRecording } from '../core/jobs/record';
import type { RecordPreview } from '../core/jobs/record-types';
import { formatCommand } from '../core/jobs/quote';
import { planTranscode, prepareTranscode, type TranscodeRequest } from '../core/jobs/transcode';
import type { TranscodePreview } from '../core/jobs/transcode-types';
import { bindingSlot, bindingState, dropBindingState, type HandlerContext, type HandlerMap } from './context';

/** Jobs whose command the log already has (one line per command, not per progress update). */
const logged = new Set<string>();

/** The queue of a binding (one per Electron app / web server), created on first use. */
const queueSlot = bindingSlot('jobs.queue', (ctx): Promise<JobQueue> => {
  useCapsCacheDir(ctx.dataDir);
  const q = JobQueue.open({
    dataDir: ctx.dataDir ?? defaultDataDir(),
    kinds: JOB_KINDS,
    listener: {
      job: (job) => {
        // The log records every job's command and how it ended (once each).
        if (ctx.log && job.state === 'running' && job.command && !logged.has(`${job.id}:${job.command}`)) {
          logged.add(`${job.id}:${job.command}`);
          ctx.log.info(`job ${job.id} (${job.kind}) runs: ${job.command}`);
        }
        ctx.emit('jobs.changed', { job });
      },
      progress: (id, progress) => ctx.emit('jobs.progress', { id, progress }),
      queue: (queue) => ctx.emit('jobs.queue', { queue }),
      removed: (id) => ctx.emit('jobs.removed', { id }),
    },
    onFinished: (job) => {
      if (ctx.log) {
        const how = job.state === 'done' ? 'finished' : job.state === 'cancelled' ? 'was cancelled' : `failed: ${job.error?.code ?? ''} ${job.error?.message ?? ''}`;
        (job.state === 'failed' ? ctx.log.error : ctx.log.info).call(ctx.log, `job ${job.id} (${job.kind}) ${how}${job.command ? ` · last command: ${job.command}` : ''}`);
      }
      if (!ctx.desktopNotify || job.state === 'cancelled') return;
      if (job.state === 'done') ctx.desktopNotify('Job finished', `${job.title}\n${job.result?.summary ?? ''}`);
      else ctx.desktopNotify('Job failed', `${job.title}\n${job.error?.message ?? ''}`);
    },
  });
  q.catch(() => dropBindingState(ctx, queueSlot));
  return q;
});

export function jobQueueFor(ctx: HandlerContext): Promise<JobQueue> {
  return bindingState(ctx, queueSlot);
}

/**
 * For bindings when the app quits or the server closes: cancel running jobs (waiting for their
 * processes and deleting temporary outputs) and write the history.
 */
export async function shutdownJobQueue(ctx: HandlerContext): Promise<void> {
  if (!ctx.state?.has(queueSlot)) return;
  const q = jobQueueFor(ctx);
  dropBindingState(ctx, queueSlot);
  await (await q).shutdown();
}

type RequestArgs = ParsedArgsOf<'transcodeEnqueue'>;

/**
 * Raw ffmpeg arguments never cross the contract: with them, whoever can call the API (a renderer,
 * a web-mode client holding the token) could make ffmpeg read or write any file (`-vf movie=…`,
 * `-passlogfile`, `-f tee`…). The custom preset is therefore offered on the command line only.
 */
export const CUSTOM_IN_CLI_ONLY =
  'Custom ffmpeg arguments are taken on the command line only (mwb transcode <in> <out> --preset custom --args "…"): ' +
  'the app never passes arbitrary arguments to ffmpeg. Copy a preset\'s command from here to start from.';

function toRequest(args: Omit<RequestArgs, 'output'> & { output: string }, ctx: HandlerContext): TranscodeRequest {
  if (args.preset === 'custom') throw new WorkbenchError('ECLIONLY', CUSTOM_IN_CLI_ONLY);
  // An opened URL (Open box) goes to ffmpeg as the URL input it is.
  const fromOpened = (f: OpenedFile) => (f.url ? { kind: 'url' as const, url: f.url } : { kind: 'file' as const, path: f.path });
  const input = 'fileId' in args.input ? fromOpened(ctx.files.get(args.input.fileId)) : { kind: 'url' as const, url: args.input.url };
  return { input, output: args.output, preset: args.preset, options: args.options ?? {}, overwrite: args.overwrite ?? false };
}

/** `<folder of the input>/<name>.<tag><ext>`, or `-2`, `-3`… when taken. */
export function suggestOutput(inputPath: string | null, presetId: string, taken: string[] = []): string {
  const preset = getPreset(presetId);
  const dir = inputPath ? path.dirname(inputPath) : os.homedir();
  const stem = inputPath ? path.basename(inputPath, path.extname(inputPath)) : 'stream';
  const { tag } = preset;
  for (let n = 1; n < 1000; n++) {
    const name = `${stem}.${tag}${n > 1 ? `-${n}` : ''}${preset.outputKind === 'folder' ? '' : preset.extension}`;
    const candidate = path.join(dir, name);
    if (!existsSync(candidate) && !taken.includes(candidate)) return candidate;
  }
  return path.join(dir, `${stem}.${tag}-${Date.now()}${preset.extension}`);
}

/** `~/Videos/recording-2026-12-06-1415.mp4` (home when there is no Videos folder), `-2`… when taken. */
export function suggestRecordingOutput(taken: string[] = [], now = new Date()): string {
  const videos = path.join(os.homedir(), 'Videos');
  const dir = existsSync(videos) ? videos : os.homedir();
  const pad = (n: number) => String(n).padStart(2, '0');
  const stem = `recording-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`;
  for (let n = 1; n < 1000; n++) {
    const candidate = path.join(dir, `${stem}${n > 1 ? `-${n}` : ''}.mp4`);
    if (!existsSync(candidate) && !taken.includes(candidate)) return candidate;
  }
  return path.join(dir, `${stem}-${Date.now()}.mp4`);
}

function altDialect(): 'posix' | 'windows' {
  return process.platform === 'win32' ? 'posix' : 'windows';
}

export const jobsHandlers: HandlerMap<keyof typeof jobsContract> = {
  async transcodePresets(_args, ctx) {
    const caps = await presetCaps({ dataDir: ctx.dataDir });
    return PRESETS.map((p) => presetInfo(p, caps, p.id === 'custom' ? CUSTOM_IN_CLI_ONLY : p.unavailable(caps)));
  },

  async transcodeHardware(_args, ctx) {
    const caps = await presetCaps({ dataDir: ctx.dataDir });
    const names = [...new Set((['h264', 'hevc', 'av1'] as const).flatMap((f) => hwEncodersFor(f, caps)))];
    return probeHwEncoders(names);
  },

  async transcodePreview(args, ctx): Promise<TranscodePreview> {
    const opened = 'fileId' in args.input ? ctx.files.get(args.input.fileId) : null;
    const inputPath = opened && !opened.url ? opened.path : null;
    const suggested = args.output ? null : suggestOutput(inputPath, args.preset, (await jobQueueFor(ctx)).pendingOutputs());
    const req = toRequest({ ...args, output: args.output ?? suggested! }, ctx);
    const { plan, env } = await prepareTranscode(req).catch(async (err: unknown) => {
      // A URL may be slow or down: still show the command, planned without the probe.
      if (req.input.kind !== 'url') throw err;
      const caps = await presetCaps({ dataDir: ctx.dataDir });
      const e = { caps, probe: null, ffmpegPath: resolveBinary('ffmpeg').path };
      return { plan: planTranscode(req, e), env: e };
    });
    return {
      command: plan.command,
      commandAlt: formatCommand(env.ffmpegPath, plan.args, { cwd: plan.cwd ?? undefined, dialect: altDialect() }),
      args: plan.args,
      ffmpeg: env.ffmpegPath,
      cwd: plan.cwd,
      target: plan.target,
      outputKind: plan.preset.outputKind,
      mainFile: plan.mainFile,
      expectedDuration: plan.expectedDuration,
      notes: plan.notes,
      suggestedOutput: suggested,
      exists: existsSync(plan.target),
      busy: (await jobQueueFor(ctx)).pendingOutputs().includes(plan.target),
    };
  },

  async transcodeEnqueue(args, ctx) {
    const q = await jobQueueFor(ctx);
    return q.enqueue('transcode', toRequest(args, ctx));
  },

  async recordPreview(args, ctx): Promise<RecordPreview> {
    const q = await jobQueueFor(ctx);
    const suggested = args.output ? null : suggestRecordingOutput(q.pendingOutputs());
    const { plan } = await prepareRecording({ ...args, output: args.output ?? suggested! });
    return {
      command: plan.command,
      args: plan.args,
      target: plan.target,
      streams: plan.streams,
      notes: plan.notes,
      suggestedOutput: suggested,
      exists: existsSync(plan.target),
      busy: q.pendingOutputs().includes(plan.target),
    };
  },

  recordEnqueue: async (args, ctx) => (await jobQueueFor(ctx)).enqueue('record', args),
  jobStop: async (args, ctx) => (await jobQueueFor(ctx)).stop(args.id),

  async jobsList(_args, ctx) {
    const q = await jobQueueFor(ctx);
    return { jobs: q.list(), queue: q.state() };
  },
  jobCancel: async (args, ctx) => (await jobQueueFor(ctx)).cancel(args.id),
  jobRetry: async (args, ctx) => (await jobQueueFor(ctx)).retry(args.id),
  jobMove: async (args, ctx) => (await jobQueueFor(ctx)).move(args.id, args.index),
  jobsPause: async (args, ctx) => (await jobQueueFor(ctx)).setPaused(args.paused),
  jobsConcurrency: async (args, ctx) => (await jobQueueFor(ctx)).setConcurrency(args.concurrency),
  jobLog: async (args, ctx) => (await jobQueueFor(ctx)).readLog(args.id, args.maxBytes),

  async jobOpenOutput(args, ctx) {
    const job = (await jobQueueFor(ctx)).get(args.id);
    const result = job.result;
    if (job.state !== 'done' || !result) throw new WorkbenchError('ENOOUTPUT', `Job "${job.title}" has no output (it is ${job.state}).`);
    let file = result.primary;
    if (args.file !== undefined) {
      // Only a file the job wrote: names come from its result, never from the caller.
      const entry = result.files.find((f) => f.name === args.file);
      if (!entry) throw new WorkbenchError('ENOENT', `Job "${job.title}" wrote no file named ${args.file}.`);
      file = result.kind === 'folder' ? path.join(result.path, ...entry.name.split('/')) : result.path;
    }
    return ctx.files.open(file, { listed: !args.preview });
  },

  async jobReveal(args, ctx) {
    const job = (await jobQueueFor(ctx)).get(args.id);
    const target = job.result?.path ?? job.output;
    if (!ctx.showInFolder) return { revealed: false, path: target };
    ctx.showInFolder(target);
    return { revealed: true, path: target };
  },

  async jobRemove(args, ctx) {
    await (await jobQueueFor(ctx)).remove(args.id);
    return { removed: true as const };
  },
  jobsClearFinished: async (_args, ctx) => ({ removed: await (await jobQueueFor(ctx)).clearFinished() }),
};
