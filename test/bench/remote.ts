/**
 * Remote-source benchmark: the full box tree of a ~2.2 GB fMP4 (1,080 fragments, `mfra` at the
 * end) served by the fixture HTTP server with 50 ms added to every request, read by the engine
 * (`inspectUrl`: Range requests, fragments found through mfra/tfra, their heads asked for 32 per
 * request as multipart/byteranges, 8 requests at a time; and once more against a server that takes
 * one range per request) versus
 * mp4box.js reading the whole file through the same server (one GET, appendBuffer of 4 MiB
 * chunks). Printed: bytes fetched, requests, time, and the ratios.
 * Targets: under 1% of the bytes, at least 10× faster.
 */
import { createFile, Log, type MP4BoxBuffer } from 'mp4box';
import path from 'node:path';
import { visit } from '../../electron/core/boxes';
import { inspectUrl } from '../../electron/core/net/remote';
import { startFixtureServer } from '../fixtures/http-server';
import { countMp4boxBoxes } from './inspect';
import { bigFragmentedMfraMp4 } from './inputs';
import { best, measure, type Measure } from './measure';

const LATENCY_MS = 50;
const CHUNK = 4 * 1024 * 1024;

interface Cost {
  boxes: number;
  requests: number;
  bytes: number;
}

async function mp4boxOverHttp(url: string): Promise<{ boxes: number; bytes: number }> {
  Log.setLogLevel(Log.error);
  const iso = createFile();
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
  const size = Number(res.headers.get('content-length'));
  const reader = res.body.getReader();
  let offset = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = (last: boolean) => {
    const buf = new ArrayBuffer(pendingBytes) as MP4BoxBuffer;
    const view = new Uint8Array(buf);
    let at = 0;
    for (const c of pending) {
      view.set(c, at);
      at += c.length;
    }
    buf.fileStart = offset;
    offset += pendingBytes;
    pending = [];
    pendingBytes = 0;
    iso.appendBuffer(buf, last);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending.push(value);
    pendingBytes += value.length;
    if (pendingBytes >= CHUNK) flush(offset + pendingBytes >= size);
  }
  if (pendingBytes) flush(true);
  iso.flush();
  return { boxes: countMp4boxBoxes(iso.boxes as unknown[]), bytes: offset };
}

export async function run(): Promise<void> {
  const log = (l: string) => process.stderr.write(`[remote] ${l}\n`);
  const file = await bigFragmentedMfraMp4({ log });
  const server = await startFixtureServer(path.dirname(file), { latencyMs: LATENCY_MS });
  const url = server.url(path.basename(file));
  try {
    const engineAt = async (target: string): Promise<Cost> => {
      server.resetLog();
      const r = await inspectUrl(target);
      let boxes = 0;
      visit(r.boxes, () => void boxes++);
      const served = server.totals();
      if (served.requests !== r.http.requests) throw new Error(`engine counted ${r.http.requests} requests, the server saw ${served.requests}`);
      return { boxes, requests: r.http.requests, bytes: r.http.bytesFetched };
    };
    const engine = () => engineAt(url);
    const theirs = async (): Promise<Cost> => {
      server.resetLog();
      const r = await mp4boxOverHttp(url);
      return { boxes: r.boxes, requests: server.totals().requests, bytes: r.bytes };
    };
    await engine();
    const ours: Measure<Cost>[] = [];
    for (let i = 0; i < 3; i++) ours.push(await measure(engine));
    // A server that answers one range per request (S3, some CDNs): one request per fragment.
    const single = await measure(() => engineAt(server.url(path.basename(file), { noMultiRange: true })));
    const base: Measure<Cost>[] = [await measure(theirs)];
    const o = best(ours);
    const t = best(base);
    const size = (await import('node:fs/promises')).stat(file).then((s) => s.size);
    const total = await size;
    const pct = (o.value.bytes / total) * 100;
    const line = (label: string, m: Measure<Cost>) =>
      `  ${label.padEnd(10)} ${m.ms.toFixed(0).padStart(8)} ms  ${m.value.requests.toLocaleString('en-US').padStart(6)} requests  ${(m.value.bytes / 1e6).toFixed(1).padStart(8)} MB  (${m.value.boxes} boxes)`;
    process.stdout.write(
      [
        `## remote: full box tree of ${path.basename(file)} (${(total / 1e9).toFixed(2)} GB) over HTTP, ${LATENCY_MS} ms per request`,
        line('engine', o) + `  runs: ${ours.map((m) => m.ms.toFixed(0)).join(', ')} ms`,
        line('mp4box.js', t) + '  (whole file, one GET)',
        line('1 range/req', single) + `  (server without multi-range: ${(t.ms / single.ms).toFixed(1)}× faster)`,
        `  bytes      ${pct.toFixed(3)}% of the file  (target < 1%)`,
        `  ratio      ${(t.ms / o.ms).toFixed(1)}× faster  (target ≥ 10×)`,
        '',
      ].join('\n'),
    );
  } finally {
    await server.close();
  }
}
