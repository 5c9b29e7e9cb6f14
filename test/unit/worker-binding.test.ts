/**
 * The browser binding (electron/worker.ts) run in Node: it is plain message passing over `File`s,
 * so the same requests can go to it and to the Node handlers (`dispatch`) for the same media, and
 * the answers must match: same schemas, same results, same error envelopes.
 */
import { openAsBlob, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../electron/api';
import { FileRegistry } from '../../electron/core/files';
import type { OpenedFile } from '../../electron/core/files-types';
import { dispatch, type HandlerContext } from '../../electron/handlers';
import type { WorkerAnswer, WorkerRequest } from '../../electron/worker';
import { brokenFixture, cleanFmp4 } from '../fixtures/mse-broken';

type Scope = { onmessage: ((e: { data: WorkerRequest }) => void) | null; postMessage(msg: WorkerAnswer): void };
const scope = globalThis as unknown as Scope;
const waiting = new Map<number, (e: Envelope<unknown>) => void>();
let seq = 0;

function post(req: Omit<WorkerRequest, 'seq'>): Promise<Envelope<unknown>> {
  const s = ++seq;
  return new Promise((resolve) => {
    waiting.set(s, resolve);
    scope.onmessage!({ data: { ...req, seq: s } });
  });
}

async function fileOf(p: string): Promise<File> {
  // A file-backed Blob wrapped as a File: lazy, as a dropped File is (and dated like one).
  return new File([await openAsBlob(p)], path.basename(p), { lastModified: statSync(p).mtimeMs });
}

describe('the worker binding answers like the Node handlers', () => {
  const ctx: HandlerContext = { mode: 'web', files: new FileRegistry(), emit: () => {}, electronVersion: null };
  let a: string;
  let b: string;
  let local: OpenedFile[];
  let node: OpenedFile[];

  beforeAll(async () => {
    scope.postMessage = (msg) => {
      waiting.get(msg.seq)?.(msg.envelope);
      waiting.delete(msg.seq);
    };
    await import('../../electron/worker');
    a = await cleanFmp4();
    b = (await brokenFixture('tfhd-base-data-offset')).file;
    const opened = await post({ open: [await fileOf(a), await fileOf(b)] });
    local = (opened as { result: OpenedFile[] }).result;
    node = [await ctx.files.open(a), await ctx.files.open(b)];
  });

  const both = async (name: string, args: (ids: string[]) => Record<string, unknown>) => {
    const w = await post({ name, args: args(local.map((f) => f.id)) });
    const n = await dispatch(ctx, name, args(node.map((f) => f.id)));
    return { w, n };
  };

  it('registers Files without reading them, and lists them as browser files', async () => {
    expect(local.map((f) => [f.name, f.browser])).toEqual([
      [path.basename(a), true],
      [path.basename(b), true],
    ]);
    const again = (await post({ open: [await fileOf(a)] })) as { result: OpenedFile[] };
    expect(again.result[0]!.id).toBe(local[0]!.id);
    const list = (await post({ name: 'listFiles', args: {} })) as { result: OpenedFile[] };
    expect(list.result.map((f) => f.id).sort()).toEqual(local.map((f) => f.id).sort());
  });

  it('Inspector methods: same summary, rows, box details and samples', async () => {
    const strip = (e: Envelope<unknown>) => JSON.parse(JSON.stringify(e, (k, v) => (k === 'parseMs' || k === 'file' ? undefined : v)));
    for (const [name, args] of [
      ['inspectOpen', (ids: string[]) => ({ id: ids[1] })],
      ['inspectRows', (ids: string[]) => ({ id: ids[1], expanded: [1, 2], start: 0, count: 50 })],
      ['inspectRows', (ids: string[]) => ({ id: ids[1], filter: 'tfhd trun', start: 0, count: 50 })],
      ['inspectBox', (ids: string[]) => ({ id: ids[1], node: 5 })],
      ['inspectLocate', (ids: string[]) => ({ id: ids[1], node: 9 })],
      ['inspectSamples', (ids: string[]) => ({ id: ids[1], trackId: 1, start: 0, count: 40 })],
      ['inspectSampleChart', (ids: string[]) => ({ id: ids[1], trackId: 1, buckets: 64 })],
    ] as const) {
      const { w, n } = await both(name, args);
      expect(w.ok, `${name}: ${JSON.stringify(w).slice(0, 200)}`).toBe(true);
      expect(strip(w), name).toEqual(strip(n));
    }
  });

  it('Compare and the MSE lint: same results', async () => {
    const cmp = await both('compareFiles', (ids) => ({ a: ids[0], b: ids[1] }));
    const pick = (e: Envelope<unknown>) => {
      const r = (e as { result: { summary: unknown; reported: unknown; identical: boolean; differenceCount: number } }).result;
      return { summary: r.summary, reported: r.reported, identical: r.identical, differenceCount: r.differenceCount };
    };
    expect(pick(cmp.w)).toEqual(pick(cmp.n));
    const session = (cmp.w as { result: { session: string } }).result.session;
    expect((await post({ name: 'compareFields', args: { session, row: 0 } })).ok).toBe(true);

    const lint = await both('mseAnalyze', (ids) => ({ id: ids[1] }));
    const findings = (e: Envelope<unknown>) => (e as { result: { findings: unknown; tracks: unknown; counts: unknown } }).result;
    expect(findings(lint.w).findings).toEqual(findings(lint.n).findings);
    expect(findings(lint.w).counts).toEqual(findings(lint.n).counts);
  });

  it('validates arguments with the contract and refuses what needs Node, with codes and messages', async () => {
    const bad = await both('inspectRows', (ids) => ({ id: ids[0], start: -1, count: 10 }));
    expect(bad.w).toEqual(bad.n);
    expect(bad.w).toMatchObject({ ok: false, error: { code: 'EINVALIDARGS' } });
    expect(await post({ name: 'inspectOpen', args: { id: 'AAAAAAAAAAAAAAAA' } })).toMatchObject({ ok: false, error: { code: 'ENOTOPEN' } });
    expect(await post({ name: 'gifSource', args: { id: local[0]!.id } })).toMatchObject({ ok: false, error: { code: 'ENOTLOCAL', message: expect.stringMatching(/gifSource needs ffmpeg or the file's path/) } });
  });
});
