/**
 * The Player's read-ahead (renderer/lib/mse/loader.ts) against a real HTTP server on 127.0.0.1:
 * adjacent pieces coalesced into growing ranged reads, exact bytes per piece, faults reported to
 * the piece that needed them, servers that ignore Range.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EarlyRead, fetchRange, PieceLoader, READ_BYTES, type LoadablePiece } from '../../../renderer/lib/mse/loader';
import { ArrivedBytes, streamRange, type ArrivingRead } from '../../../renderer/lib/range';

const data = new Uint8Array(200_000).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
let server: Server;
let base: string;
const seen: { path: string; range: string | undefined }[] = [];
/** `/slow` sends the first `slowSplit` bytes of a range at once and the rest when `release()` is called. */
let slowSplit = 0;
let releaseSlow: () => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url!, range: req.headers.range });
    if (req.url === '/missing') {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!m || req.url === '/no-range') {
      res.writeHead(200, { 'Content-Length': data.length }).end(Buffer.from(data));
      return;
    }
    const a = Number(m[1]);
    const b = Math.min(Number(m[2]), data.length - 1);
    res.writeHead(206, { 'Content-Range': `bytes ${a}-${b}/${data.length}`, 'Content-Length': b - a + 1 });
    if (req.url === '/slow') {
      res.write(Buffer.from(data.subarray(a, a + slowSplit)));
      releaseSlow = () => res.end(Buffer.from(data.subarray(a + slowSplit, b + 1)));
      return;
    }
    res.end(Buffer.from(data.subarray(a, b + 1)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.close(() => r());
      // (A slow response whose reader went away is never ended by its test.)
      server.closeAllConnections();
    }),
);

function piece(path: string, offset: number, size: number): LoadablePiece {
  const range = { url: base + path, offset, size };
  return { size, range, load: (signal?: AbortSignal) => fetchRange(range.url, range.offset, range.size, signal) };
}

/** Back-to-back pieces of `sizes` bytes from `from` in `path`. */
function pieces(path: string, sizes: number[], from = 0): LoadablePiece[] {
  let at = from;
  return sizes.map((size) => {
    const p = piece(path, at, size);
    at += size;
    return p;
  });
}

const bytesOf = (p: ArrayBuffer | Uint8Array) => (p instanceof Uint8Array ? p : new Uint8Array(p));

describe('PieceLoader', () => {
  it('reports every read with its bytes and time (the throughput the Auto rendition rule uses)', async () => {
    seen.length = 0;
    const list = pieces('/t', Array.from({ length: 12 }, () => 5000));
    const reads: { bytes: number; ms: number }[] = [];
    const loader = new PieceLoader(list, { window: 2, onRead: (bytes, ms) => reads.push({ bytes, ms }) });
    for (let k = 0; k < list.length; k++) await loader.get(k);
    // One report per request, together exactly the bytes of every piece.
    expect(reads).toHaveLength(seen.length);
    expect(reads.reduce((n, r) => n + r.bytes, 0)).toBe(12 * 5000);
    for (const r of reads) expect(r.ms).toBeGreaterThanOrEqual(0);
  });

  it('reads adjacent pieces with few, growing requests and gives each piece exactly its bytes', async () => {
    seen.length = 0;
    const list = pieces('/a', Array.from({ length: 30 }, (_, k) => 1000 + k * 37));
    const loader = new PieceLoader(list, { window: 3, maxBytes: 20_000 });
    let at = 0;
    for (let k = 0; k < list.length; k++) {
      const got = bytesOf(await loader.get(k));
      expect(got).toEqual(data.subarray(at, at + list[k]!.size));
      at += list[k]!.size;
      loader.release(k);
    }
    const ranges = seen.map((s) => s.range!);
    expect(ranges[0]).toBe(`bytes=0-${list[0]!.size + list[1]!.size - 1}`); // init + first segment only
    // (Up to three are in flight: they may reach the server in any order.)
    ranges.sort((x, y) => Number(x.slice(6).split('-')[0]) - Number(y.slice(6).split('-')[0]));
    expect(ranges.length).toBe(loader.requests);
    expect(ranges.length).toBeLessThan(12);
    // Together the requests cover the pieces once, in order, without gaps.
    // Each at most maxBytes, but the last, which takes a rest of less than maxBytes along.
    let end = -1;
    ranges.forEach((r, k) => {
      const [a, b] = r.slice(6).split('-').map(Number) as [number, number];
      expect(a).toBe(end + 1);
      expect(b - a + 1).toBeLessThan(k === ranges.length - 1 ? 40_000 : 20_001);
      end = b;
    });
    expect(end).toBe(at - 1);
  });

  it('grows reads by bytes after the first: at least growFrom, then fourfold, up to maxBytes, the last one taking a short rest along', async () => {
    seen.length = 0;
    // 100 pieces of 1,000 bytes: first 2 pieces, then 10,000, 40,000, then 45,000 (the cap) and
    // the 3,000 after it in one read (less than another read's worth).
    const list = pieces('/a', Array.from({ length: 100 }, () => 1000));
    const loader = new PieceLoader(list, { window: 3, growFrom: 10_000, maxBytes: 45_000 });
    for (let k = 0; k < list.length; k++) {
      expect(bytesOf(await loader.get(k))).toEqual(data.subarray(k * 1000, (k + 1) * 1000));
      loader.release(k);
    }
    const sizes = seen.map((x) => x.range!.slice(6).split('-').map(Number)).sort((x, y) => x[0]! - y[0]!).map(([a, b]) => b! - a! + 1);
    expect(sizes).toEqual([2000, 10_000, 40_000, 48_000]);
  });

  it('keeps at most `window` reads ahead of the piece asked for', async () => {
    seen.length = 0;
    const list = pieces('/a', Array.from({ length: 40 }, () => 1000));
    const loader = new PieceLoader(list, { window: 2, growFrom: 5000, maxBytes: 5000 });
    await loader.get(0);
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.length).toBe(2); // the window holds two reads: nothing more until the appends move on
    for (let k = 1; k < 40; k++) await loader.get(k);
    expect(loader.requests).toBe(8); // 2 pieces, then 5 per read (the 5,000-byte cap), the last 5 + 3
    expect(seen.length).toBe(8);
  });

  it('hands out each piece as soon as its bytes are in, before the rest of its read', async () => {
    seen.length = 0;
    // The second read covers pieces 2–9 (1,000 bytes each); its first 3,500 bytes come at once.
    const list = pieces('/slow', Array.from({ length: 10 }, () => 1000));
    slowSplit = 3500;
    const loader = new PieceLoader(list, { growFrom: 100_000 });
    releaseSlow = () => {};
    const firstRead = Promise.all([loader.get(0), loader.get(1)]);
    while (seen.length < 1) await new Promise((r) => setTimeout(r, 1));
    releaseSlow();
    await firstRead;
    expect(bytesOf(await loader.get(2))).toEqual(data.subarray(2000, 3000));
    expect(bytesOf(await loader.get(4))).toEqual(data.subarray(4000, 5000)); // 2,000–5,499 are in
    expect(seen.length).toBe(2); // still the one read for pieces 2–9
    expect(loader.readyFrom(2)).toBe(3); // pieces 2, 3 and 4; 5 is half in
    let ready = false;
    const waiting = loader.whenReady(2, 5000).then(() => (ready = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(ready).toBe(false); // 3,000 bytes from piece 2 on are in; it waits for 5,000 or the end of the read
    releaseSlow();
    await waiting;
    expect(loader.readyFrom(2)).toBe(8);
    expect(bytesOf(await loader.get(9))).toEqual(data.subarray(9000, 10_000));
  });

  it('reads the rest of a file in one request when it is less than two reads, never across a gap or another file', async () => {
    seen.length = 0;
    // After the first read: 7 × 1,000 bytes with a 5,000 cap → 5,000 + 2,000 taken along.
    const loader = new PieceLoader(pieces('/t', Array.from({ length: 9 }, () => 1000)), { growFrom: 5000, maxBytes: 5000 });
    for (let k = 0; k < 9; k++) expect(bytesOf(await loader.get(k))).toEqual(data.subarray(k * 1000, (k + 1) * 1000));
    expect(seen.map((x) => x.range)).toEqual(['bytes=0-1999', 'bytes=2000-8999']);
    // Exactly another read's worth left: not taken along.
    seen.length = 0;
    const even = new PieceLoader(pieces('/t', Array.from({ length: 12 }, () => 1000)), { growFrom: 5000, maxBytes: 5000 });
    for (let k = 0; k < 12; k++) await even.get(k);
    expect(seen.map((x) => x.range)).toEqual(['bytes=0-1999', 'bytes=2000-6999', 'bytes=7000-11999']);
    // A gap in the rest: the read stops at the cap.
    seen.length = 0;
    const gap = new PieceLoader([...pieces('/t', Array.from({ length: 8 }, () => 1000)), piece('/t', 9000, 1000)], { growFrom: 5000, maxBytes: 5000 });
    for (let k = 0; k < 9; k++) await gap.get(k);
    expect(seen.map((x) => x.range)).toEqual(['bytes=0-1999', 'bytes=2000-6999', 'bytes=7000-7999', 'bytes=9000-9999']);
  });

  it('does not coalesce pieces that are not adjacent or not in the same file', async () => {
    seen.length = 0;
    const loader = new PieceLoader([piece('/a', 0, 100), piece('/a', 5000, 100), piece('/b', 100, 100)], { firstPieces: 3 });
    expect(bytesOf(await loader.get(1))).toEqual(data.subarray(5000, 5100));
    await loader.get(2);
    expect(seen.map((s) => `${s.path} ${s.range}`)).toEqual(['/a bytes=0-99', '/a bytes=5000-5099', '/b bytes=100-199']);
  });

  it('reports a failed read to the pieces it was for, naming the HTTP status', async () => {
    const list = pieces('/missing', [10, 10, 10]);
    const loader = new PieceLoader(list);
    await expect(loader.get(0)).rejects.toThrow(/HTTP 404/);
    await expect(loader.get(1)).rejects.toThrow(/HTTP 404/);
  });

  it('takes the right bytes from a server that ignores Range (200 with the whole file)', async () => {
    const list = [piece('/no-range', 0, 300), ...pieces('/no-range', [400, 500], 1300)];
    const loader = new PieceLoader(list, { firstPieces: 1 });
    expect(bytesOf(await loader.get(0))).toEqual(data.subarray(0, 300));
    expect(bytesOf(await loader.get(2))).toEqual(data.subarray(1700, 2200));
  });

  it('abort() stops reads in flight', async () => {
    const loader = new PieceLoader(pieces('/a', [1000, 1000]));
    const pending = loader.get(0);
    loader.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });

  it('takes the pieces inside a read started before the plan from it: no request of their own, each as soon as its bytes are in', async () => {
    seen.length = 0;
    slowSplit = 3500;
    releaseSlow = () => {};
    // The read of the first 8,000 bytes leaves before anyone knows the pieces (as the Player's does, with the plan).
    const early = new EarlyRead(`${base}/slow`, 0, 8000);
    while (!seen.some((x) => x.path === '/slow')) await new Promise((r) => setTimeout(r, 1));
    seen.length = 0;
    const list = pieces('/slow', Array.from({ length: 10 }, () => 1000));
    const reads: number[] = [];
    const loader = new PieceLoader(list, { early, onRead: (bytes) => reads.push(bytes) });
    // Pieces 0–2 are in (3,500 bytes), piece 3 is not: handed out without waiting for the rest.
    expect(bytesOf(await loader.get(0))).toEqual(data.subarray(0, 1000));
    expect(bytesOf(await loader.get(2))).toEqual(data.subarray(2000, 3000));
    expect(loader.readyFrom(0)).toBe(3);
    expect(seen).toHaveLength(0);
    releaseSlow();
    for (let k = 3; k < 8; k++) expect(bytesOf(await loader.get(k))).toEqual(data.subarray(k * 1000, (k + 1) * 1000));
    // Past its end, pieces are read as any others: one request from where it stopped.
    expect(bytesOf(await loader.get(9))).toEqual(data.subarray(9000, 10_000));
    expect(seen.map((x) => x.range)).toEqual(['bytes=8000-9999']);
    expect(loader.requests).toBe(1);
    expect(reads).toEqual([8000, 2000]);
  });

  it('reads again what an early read did not bring when it fails, from the first piece it was missing', async () => {
    seen.length = 0;
    slowSplit = 2500;
    releaseSlow = () => {};
    const early = new EarlyRead(`${base}/slow`, 0, 6000);
    while (!seen.some((x) => x.path === '/slow')) await new Promise((r) => setTimeout(r, 1));
    seen.length = 0;
    const loader = new PieceLoader(pieces('/slow', Array.from({ length: 6 }, () => 1000)), { early });
    expect(bytesOf(await loader.get(1))).toEqual(data.subarray(1000, 2000));
    early.abort();
    // Pieces 2–5 come from a read of their own (the slow route sends 2,500 bytes of it at once, then the rest).
    const rest = Promise.all([2, 3, 4, 5].map((k) => loader.get(k)));
    while (seen.length < 1) await new Promise((r) => setTimeout(r, 1));
    releaseSlow();
    expect((await rest).map((b) => Array.from(bytesOf(b).subarray(0, 4)))).toEqual([2, 3, 4, 5].map((k) => Array.from(data.subarray(k * 1000, k * 1000 + 4))));
    expect(seen.map((x) => x.range)).toEqual(['bytes=2000-5999']);
  });

  it('starts an early read of a whole file up to two reads long, else of its first read', () => {
    const small = EarlyRead.forFile(`${base}/t`, 150_000);
    const big = EarlyRead.forFile(`${base}/t`, 2 * READ_BYTES + 1);
    expect([small.offset, small.size]).toEqual([0, 150_000]);
    expect([big.offset, big.size]).toEqual([0, READ_BYTES]);
    expect(small.holds({ url: `${base}/t`, offset: 100_000, size: 50_000 })).toBe(true);
    expect(small.holds({ url: `${base}/t`, offset: 100_000, size: 50_001 })).toBe(false);
    expect(small.holds({ url: `${base}/a`, offset: 0, size: 10 })).toBe(false);
    small.abort();
    big.abort();
  });

  it('with a read that hands its bytes over in slabs (the read worker), batches never span two slabs and a piece across two is a copy', async () => {
    // As the worker does: the response gathered into 2,500-byte slabs, each kept as it is.
    const slabbed: ArrivingRead = async (url, offset, size, signal, onBytes) => {
      const arrived = ArrivedBytes.inParts();
      let slab = new Uint8Array(Math.min(2500, size));
      let fill = 0;
      let left = size;
      await streamRange(url, offset, size, signal, (chunk) => {
        for (let at = 0; at < chunk.byteLength; ) {
          const n = Math.min(slab.byteLength - fill, chunk.byteLength - at);
          slab.set(chunk.subarray(at, at + n), fill);
          fill += n;
          at += n;
          left -= n;
          if (fill === slab.byteLength) {
            arrived.push(slab);
            onBytes(arrived);
            slab = new Uint8Array(Math.min(2500, left));
            fill = 0;
          }
        }
      });
    };
    const loader = new PieceLoader(pieces('/t', Array.from({ length: 10 }, () => 1000)), { readArriving: slabbed, firstPieces: 10 });
    const got = await Promise.all(Array.from({ length: 10 }, (_, k) => loader.get(k)));
    got.forEach((b, k) => expect(bytesOf(b)).toEqual(data.subarray(k * 1000, (k + 1) * 1000)));
    // Slabs: 0–2,499, 2,500–4,999, 5,000–7,499, 7,500–9,999. Pieces 0 and 1 share the first; 2 crosses
    // into the second (a copy of its own); 3 and 4 share the second; 5, 6 the third; 7 crosses; 8, 9.
    expect([0, 1, 2, 3, 5, 7, 8].map((k) => loader.readyFrom(k))).toEqual([2, 1, 1, 2, 2, 1, 2]);
    const views = got.map((b) => bytesOf(b).buffer);
    expect(views[0]).toBe(views[1]);
    expect(views[2]).not.toBe(views[1]);
    expect(views[2]).not.toBe(views[3]);
  });
});

describe('ArrivedBytes', () => {
  it('gives views of one buffer when filled contiguously, and views or copies of its parts when kept in parts', () => {
    const one = ArrivedBytes.contiguous(10);
    one.push(new Uint8Array([0, 1, 2, 3]));
    one.push(new Uint8Array([4, 5, 6]));
    const a = one.slice(2, 6);
    expect(Array.from(a)).toEqual([2, 3, 4, 5]);
    expect(a.buffer).toBe(one.slice(0, 1).buffer);
    expect(() => one.slice(5, 8)).toThrow(RangeError);

    const parts = ArrivedBytes.inParts();
    const p0 = new Uint8Array([0, 1, 2, 3]);
    const p1 = new Uint8Array([4, 5, 6, 7]);
    parts.push(p0);
    parts.push(p1);
    expect(parts.received).toBe(8);
    expect(parts.slice(1, 3).buffer).toBe(p0.buffer);
    expect(parts.slice(5, 8).buffer).toBe(p1.buffer);
    const across = parts.slice(2, 7);
    expect(Array.from(across)).toEqual([2, 3, 4, 5, 6]);
    expect(across.buffer).not.toBe(p0.buffer);
    expect(across.buffer).not.toBe(p1.buffer);
  });
});
