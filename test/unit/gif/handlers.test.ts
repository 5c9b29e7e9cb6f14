import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMap, EventName } from '../../../electron/api';
import { FileRegistry } from '../../../electron/core/files';
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

function finished(exportId: string): Promise<EventMap['gif.finished']> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const e = events.find((x) => x.event === 'gif.finished' && (x.payload as { exportId: string }).exportId === exportId);
      if (e) {
        clearInterval(poll);
        resolve(e.payload as EventMap['gif.finished']);
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

  it('export by file id with progress events, then a result event', async () => {
    const file = await ctx.files.open(input);
    const started = await dispatch(ctx, 'gifExport', { id: file.id, options: { width: 100 } });
    expect(started.ok).toBe(true);
    const { exportId, output } = (started as { result: { exportId: string; output: string } }).result;
    expect(output).toBe(path.join(dir, 'in.gif'));
    const done = await finished(exportId);
    expect(done).toMatchObject({ ok: true, result: { output, width: 100, height: 56 } });
    expect(events.some((e) => e.event === 'gif.progress' && (e.payload as { exportId: string }).exportId === exportId)).toBe(true);
    expect(parseGif(await readFile(output)).width).toBe(100);
  });

  it('refuse bad options at once, ids that are not open, and unknown exports', async () => {
    const file = await ctx.files.open(input);
    expect(await dispatch(ctx, 'gifExport', { id: file.id, options: { start: 9 } })).toMatchObject({ ok: false, error: { code: 'EBADOPTION' } });
    expect(await dispatch(ctx, 'gifExport', { id: file.id, options: { fps: 500 } })).toMatchObject({ ok: false, error: { code: 'EINVALIDARGS' } });
    expect(await dispatch(ctx, 'gifExport', { id: file.id, output: 'concat:a|b.gif' })).toMatchObject({ ok: false, error: { code: 'EINVALIDPATH' } });
    expect(await dispatch(ctx, 'gifExport', { id: file.id, output: input })).toMatchObject({ ok: false, error: { code: 'ESAMEFILE' } });
    expect(await dispatch(ctx, 'gifExport', { id: file.id, output: path.join(dir, 'no-such-folder', 'x.gif') })).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
    expect(await dispatch(ctx, 'gifSource', { id: 'AAAAAAAAAAAA' })).toMatchObject({ ok: false, error: { code: 'ENOTOPEN' } });
    expect(await dispatch(ctx, 'gifCancel', { exportId: 'nosuchexport' })).toMatchObject({ ok: false, error: { code: 'ENOEXPORT' } });
  });

  it('cancel a running export', async () => {
    const file = await ctx.files.open(input);
    const started = await dispatch(ctx, 'gifExport', { id: file.id, output: path.join(dir, 'cancel-me.gif'), options: { palette: 'per-frame' } });
    const { exportId } = (started as { result: { exportId: string } }).result;
    expect(await dispatch(ctx, 'gifCancel', { exportId })).toMatchObject({ ok: true, result: { cancelled: true } });
    expect(await finished(exportId)).toMatchObject({ ok: false, error: { code: 'ECANCELLED' } });
  });
});
