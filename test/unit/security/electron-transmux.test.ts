/**
 * The desktop app's side of MPEG-TS playback, on the built dist/electron/main.cjs (see
 * electron-main.test.ts for the stand-in): `app://workbench/transmux/<id>` answers an opened TS
 * segment remuxed to fMP4 by ffmpeg, refuses ids nobody opened, names a segment ffmpeg cannot
 * read, and the plan (over IPC) marks a TS playlist for the remux.
 */
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferSource, parseBoxTree } from '../../../electron/core/boxes';
import type { MseAnalysis } from '../../../electron/core/mse/types';
import { tsHls, type TsHls } from '../../fixtures/ts-hls';
import { createElectronMock, loadBuiltMain, type MockElectron } from './electron-mock';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const APP_PAGE = 'app://workbench/index.html#/player';
const trusted = { senderFrame: { url: APP_PAGE } };
type Answer = { ok: boolean; result?: unknown; error?: { code: string; message: string } };
const call = (mock: MockElectron, name: string, args: unknown) => mock.invoke('wb:call', trusted, name, args) as Promise<Answer>;

let tmp: string;
let ts: TsHls;
let mock: MockElectron;
beforeAll(async () => {
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mwb-main-ts-')));
  ts = await tsHls();
  const appData = path.join(tmp, 'appData');
  await mkdir(appData, { recursive: true });
  mock = createElectronMock({ appData });
  loadBuiltMain(mock, { argv: ['/usr/bin/electron', ROOT] });
  await mock.ready();
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const types = async (res: Response) => (await parseBoxTree(bufferSource(new Uint8Array(await res.arrayBuffer())))).map((b) => b.type);

describe('app://workbench/transmux', () => {
  it('remuxes an opened TS segment (init: ftyp+moov, media: moof+mdat); unopened ids and bad input are refused by name', async () => {
    const handler = mock.protocolHandlers.get('app')!;
    const opened = await call(mock, 'openPath', { path: ts.segments[1]! });
    const id = (opened.result as { id: string }).id;
    const size = (await readFile(ts.segments[1]!)).length;
    const init = await handler(new Request(`app://workbench/transmux/${id}?part=init`));
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toBe('video/mp4');
    expect(await types(init)).toEqual(['ftyp', 'moov']);
    const media = await handler(new Request(`app://workbench/transmux/${id}?part=media&offset=0&size=${size}&seq=1001`));
    expect(media.status).toBe(200);
    expect([...new Set(await types(media))]).toEqual(['moof', 'mdat']);

    for (const url of [`app://workbench/transmux/notopened123?part=init`, `app://workbench/transmux/${encodeURIComponent(ts.segments[0]!)}?part=init`]) {
      const res = await handler(new Request(url));
      expect(res.status, url).toBe(404);
    }
    const noise = path.join(tmp, 'noise.ts');
    await writeFile(noise, Buffer.alloc(30_000, 0x21));
    const bad = (await call(mock, 'openPath', { path: noise })).result as { id: string };
    const res = await handler(new Request(`app://workbench/transmux/${bad.id}?part=media`));
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/noise\.ts.*MPEG-TS/s);
    expect((await handler(new Request(`app://workbench/transmux/${id}?part=media`, { method: 'POST', body: 'x' }))).status).toBe(405);
  }, 60_000);

  it('the plan over IPC marks a TS playlist for the remux, with codec strings from it', async () => {
    const opened = await call(mock, 'openPath', { path: ts.playlist });
    const plan = await call(mock, 'msePlan', { id: (opened.result as { id: string }).id });
    expect(plan.ok).toBe(true);
    const s = (plan.result as MseAnalysis).streams[0]!;
    expect(s.transmux).toEqual({ aac: true });
    expect(s.mime).toMatch(/avc1\.4d[0-9a-f]{4},mp4a\.40\.2/);
    expect(s.segments).toHaveLength(ts.segments.length);
  }, 60_000);
});
