import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMap, EventName } from '../../../electron/api';
import { FileRegistry } from '../../../electron/core/files';
import { gifDetails } from '../../../electron/core/gif/job-result';
import { FINISHED_STATES, type JobRecord } from '../../../electron/core/jobs/types';
import { dispatch, type HandlerContext } from '../../../electron/handlers';
import { clip } from '../../fixtures/generate';
import { parseGif } from './gif-file';

let dir: string;
let input: string;
const events: { event: string; payload: unknown }[] = [];
let ctx: HandlerContext;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-gif-handlers-'));
  input = path.join(dir, 'in.mp4');
  await copyFile(await clip({ duration: 2, width: 320, height: 180, fps: 30, audio: null }), input);
  ctx = {
    mode: 'web',
    files: new FileRegistry(),
    electronVersion: null,
    // Exports are jobs of the shared queue: its history goes here, not into the user's data folder.
    dataDir: dir,
    emit<E extends EventName>(event: E, payload: EventMap[E]) {
      events.push({ event, payload });
    },
  } as HandlerContext;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The job's record once it has finished, from the `jobs.changed` events every UI gets. */
function finished(id: string): Promise<JobRecord> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const e = events.find((x) => x.event === 'jobs.changed' && (x.payload as EventMap['jobs.changed']).job.id === id && FINISHED_STATES.includes((x.payload as EventMap['jobs.changed']).job.state));
      if (e) {
        clearInterval(poll);
        resolve((e.payload as EventMap['jobs.changed']).job);
      }
    }, 20);
  });
}

describe('gif handlers', () => {
  it('describe the source with defaults and a non-clobbering output beside it', async () => {
    const file = await ctx.files.open(input);
    const r = await dispatch(ctx, 'gifSource', { id: file.id });
    expect(r).toMatchObject({
      ok: true,
      result: { source: { width: 320, height: 180, fps: 30 }, defaults: { width: 320, fps: 15, duration: 2 }, defaultOutput: path.join(dir, 'in.gif') },
    });
  });

  it('export by file id as a job of kind gif: jobs.* progress events, then the result with the GIF details', async () => {
    const file = await ctx.files.open(input);
    const started = await dispatch(ctx, 'gifExport', { id: file.id, options: { width: 100 } });
    expect(started.ok).toBe(true);
    const job = (started as { result: JobRecord }).result;
    const output = job.output;
    expect(job).toMatchObject({ kind: 'gif', output: path.join(dir, 'in.gif') });
    const done = await finished(job.id);
    expect(done).toMatchObject({ state: 'done', result: { path: output, details: { output, width: 100, height: 56 } } });
    expect(gifDetails(done)).toMatchObject({ width: 100, height: 56 });
    expect(events.some((e) => e.event === 'jobs.progress' && (e.payload as EventMap['jobs.progress']).id === job.id)).toBe(true);
    expect(events.some((e) => e.event.startsWith('gif.'))).toBe(false);
    expect(parseGif(await readFile(output)).width).toBe(100);
  });

  it('refuse bad options at once, ids that are not open, and unknown jobs', async () => {
    const file = await ctx.files.open(input);
    expect(await dispatch(ctx, 'gifExport', { id: file.id, options: { start: 9 } })).toMatchObject({ ok: false, error: { code: 'EBADOPTION' } });
    expect(await dispatch(ctx, 'gifExport', { id: file.id, options: { fps: 500 } })).toMatchObject({ ok: false, error: { code: 'EINVALIDARGS' } });
    expect(await dispatch(ctx, 'gifExport', { id: file.id, output: 'concat:a|b.gif' })).toMatchObject({ ok: false, error: { code: 'EINVALIDPATH' } });
    expect(await dispatch(ctx, 'gifExport', { id: file.id, output: input })).toMatchObject({ ok: false, error: { code: 'ESAMEFILE' } });
    expect(await dispatch(ctx, 'gifExport', { id: file.id, output: path.join(dir, 'no-such-folder', 'x.gif') })).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
    expect(await dispatch(ctx, 'gifSource', { id: 'AAAAAAAAAAAA' })).toMatchObject({ ok: false, error: { code: 'ENOTOPEN' } });
    expect(await dispatch(ctx, 'jobCancel', { id: 'nosuchjob' })).toMatchObject({ ok: false, error: { code: 'ENOJOB' } });
  });

  it('cancel a running export with jobCancel, like any job', async () => {
    const file = await ctx.files.open(input);
    const started = await dispatch(ctx, 'gifExport', { id: file.id, output: path.join(dir, 'cancel-me.gif'), options: { palette: 'per-frame' } });
    const { id } = (started as { result: JobRecord }).result;
    expect(await dispatch(ctx, 'jobCancel', { id })).toMatchObject({ ok: true, result: { id } });
    expect(await finished(id)).toMatchObject({ state: 'cancelled', error: { code: 'ECANCELLED' } });
  });
});
