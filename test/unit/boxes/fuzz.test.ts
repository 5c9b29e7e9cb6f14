/**
 * Fuzzing: mutate real files (bit flips, truncations, absurd sizes and counts, deep nesting) and
 * run the whole engine (tree, tracks, sample tables, JSON, field ranges) on thousands of variants.
 * Nothing may throw, hang or grow memory without bound. Deterministic: a fixed seed per run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  boxesToJson,
  bufferSource,
  DEFAULTS,
  fieldRanges,
  inspectSource,
  placesOf,
  sampleTable,
  visit,
  type BoxNode,
} from '../../../electron/core/boxes';
import { clip, CORPUS_DIR, corpusAvailable, fmp4 } from '../../fixtures/generate';
import { ascii, box, concat, u32 } from './build';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of every box header in a parsed tree (where size fields and counts live). */
function headerOffsets(nodes: BoxNode[]): { offset: number; headerSize: number; full: boolean }[] {
  const out: { offset: number; headerSize: number; full: boolean }[] = [];
  visit(nodes, (n) => {
    out.push({ offset: n.offset, headerSize: n.headerSize, full: n.version !== undefined });
  });
  return out;
}

const ABSURD = [0, 1, 2, 7, 8, 9, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

interface Seed {
  name: string;
  bytes: Uint8Array;
  headers: { offset: number; headerSize: number; full: boolean }[];
}

async function runAll(bytes: Uint8Array): Promise<number> {
  const result = await inspectSource(bufferSource(bytes, 'fuzz'), { maxNodes: 50_000 });
  let nodes = 0;
  let depth = 0;
  visit(result.boxes, (_n, _p, d) => {
    nodes++;
    depth = Math.max(depth, d);
  });
  expect(nodes).toBeLessThanOrEqual(50_000);
  expect(depth).toBeLessThanOrEqual(DEFAULTS.maxDepth);
  for (const t of result.tracks) sampleTable(result.boxes, t.id, { fileSize: bytes.length, maxSamples: 1_000_000 });
  JSON.stringify(boxesToJson(result.boxes, { maxArray: 100, maxBytes: 64 }));
  // Field ranges of a few nodes (the detail view decodes again, with instrumentation).
  const places = placesOf(result.boxes);
  let n = 0;
  visit(result.boxes, (node) => {
    if (n++ % 7 !== 0 || node.offset + node.headerSize > bytes.length) return;
    fieldRanges(node, bytes.subarray(node.offset, Math.min(bytes.length, node.offset + node.size)), places.get(node)!, {});
  });
  return nodes;
}

describe('fuzzing the box engine', () => {
  const seeds: Seed[] = [];

  beforeAll(async () => {
    const files: { name: string; bytes: Uint8Array }[] = [];
    // Generated: fragmented and progressive, cut to keep each parse fast.
    for (const [name, file] of [
      ['fmp4', await fmp4({ duration: 2, width: 160, height: 90 })],
      ['progressive', await clip({ duration: 1, width: 160, height: 90, movflags: '+faststart' })],
    ] as const) {
      files.push({ name, bytes: new Uint8Array(await readFile(file)).slice(0, 48 * 1024) });
    }
    if (corpusAvailable()) {
      for (const name of readdirSync(CORPUS_DIR).sort()) {
        const p = path.join(CORPUS_DIR, name);
        if (statSync(p).size > 0) files.push({ name, bytes: new Uint8Array(readFileSync(p)).slice(0, 24 * 1024) });
      }
    }
    for (const f of files) {
      const result = await inspectSource(bufferSource(f.bytes));
      seeds.push({ ...f, headers: headerOffsets(result.boxes) });
    }
  });

  it('survives thousands of mutated files', async () => {
    const random = prng(0x5eed);
    const pick = <T,>(list: T[]): T => list[Math.floor(random() * list.length)]!;
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    let variants = 0;
    let slowest = 0;
    const counts = { flips: 0, truncations: 0, sizes: 0, counts: 0 };
    for (let round = 0; round < 3000; round++) {
      const seed = pick(seeds);
      const bytes = seed.bytes.slice();
      const kind = round % 4;
      let label: string;
      if (kind === 0) {
        // Bit flips, mostly in the metadata-dense first kilobytes.
        const flips = 1 + Math.floor(random() * 8);
        const span = Math.min(bytes.length, random() < 0.7 ? 4096 : bytes.length);
        for (let i = 0; i < flips; i++) bytes[Math.floor(random() * span)]! ^= 1 << Math.floor(random() * 8);
        label = `${flips} bit flips`;
        counts.flips++;
      } else if (kind === 1) {
        const cut = Math.floor(random() * bytes.length);
        label = `truncated at ${cut}`;
        counts.truncations++;
        variants++;
        slowest = Math.max(slowest, await timed(() => runAll(bytes.subarray(0, cut)), `${seed.name}: ${label}`));
        continue;
      } else if (kind === 2) {
        // An absurd box size, or a 64-bit largesize beyond any file.
        const h = pick(seed.headers);
        if (h.offset + 8 > bytes.length) continue;
        const value = pick(ABSURD);
        bytes.set(u32(value), h.offset);
        if (value === 1 && h.offset + 16 <= bytes.length) bytes.set([0xff, 0xff, 0, 0, 0, 0, 0, 0x10], h.offset + 8);
        label = `size ${value} at ${h.offset}`;
        counts.sizes++;
      } else {
        // Counts: the first 32-bit fields after a full-box header (entry_count, sample_count…).
        const full = seed.headers.filter((x) => x.full);
        if (!full.length) continue;
        const h = pick(full);
        const at = h.offset + h.headerSize + 4 + 4 * Math.floor(random() * 3);
        if (at + 4 > bytes.length) continue;
        const value = pick([0xffffffff, 0x7fffffff, 0x10000000, 0x00ffffff]);
        bytes.set(u32(value), at);
        // Also set every trun/tfhd flag bit combination sometimes.
        if (random() < 0.3) bytes.set([0, 0xff, 0xff], h.offset + h.headerSize + 1);
        label = `count ${value} at ${at}`;
        counts.counts++;
      }
      variants++;
      slowest = Math.max(slowest, await timed(() => runAll(bytes), `${seed.name}: ${label}`));
    }
    const elapsed = performance.now() - started;
    const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    expect(variants).toBeGreaterThan(2500);
    expect(Object.values(counts).every((c) => c > 500)).toBe(true);
    // No single variant may take long (a hang shows up here, not as a timeout).
    expect(slowest).toBeLessThan(1500);
    expect(heapGrowth).toBeLessThan(400);
    console.info(`fuzz: ${variants} variants in ${(elapsed / 1000).toFixed(1)} s, slowest ${slowest.toFixed(0)} ms, heap growth ${heapGrowth.toFixed(0)} MB`, counts);
  }, 120_000);

  it('survives 10,000-deep nesting of containers, meta boxes and sample entries', async () => {
    const variants = {
      containers: nest(10_000, (i) => ({ type: ['moov', 'trak', 'mdia', 'minf', 'stbl'][i % 5]! })),
      // meta/udta: containers whose children the engine locates by decoding them.
      'meta/udta': nest(10_000, (i) => (i % 2 ? { type: 'meta', prefix: new Uint8Array(4) } : { type: 'udta' })),
      // stsd → sample entry → stsd → … (sample entries are decoded by mp4box.js).
      'stsd/avc1': nest(10_000, (i) => (i % 2 ? { type: 'stsd', prefix: concat(new Uint8Array(4), u32(1)) } : { type: 'avc1', prefix: new Uint8Array(78) })),
      // Sizes that lie: every level claims more than it holds.
      'lying sizes': nest(10_000, () => ({ type: 'moov', extra: 1000 })),
    };
    for (const [label, bytes] of Object.entries(variants)) {
      const ms = await timed(() => runAll(bytes), `deep nesting: ${label}`);
      expect(ms).toBeLessThan(3000);
    }
  });
});

/** `depth` nested boxes written in one pass (level 0 outermost), around an empty `free` box. */
function nest(depth: number, level: (i: number) => { type: string; prefix?: Uint8Array; extra?: number }): Uint8Array {
  const levels = Array.from({ length: depth }, (_, i) => level(i));
  const total = levels.reduce((sum, l) => sum + 8 + (l.prefix?.length ?? 0), 0) + 8;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const l of levels) {
    view.setUint32(at, total - at + (l.extra ?? 0));
    out.set(ascii(l.type), at + 4);
    if (l.prefix) out.set(l.prefix, at + 8);
    at += 8 + (l.prefix?.length ?? 0);
  }
  out.set(box('free'), at);
  return out;
}

async function timed(fn: () => Promise<unknown>, label: string): Promise<number> {
  const t0 = performance.now();
  try {
    await fn();
  } catch (err) {
    throw new Error(`The engine threw on ${label}: ${err instanceof Error ? err.stack : String(err)}`);
  }
  const ms = performance.now() - t0;
  if (ms > 200) console.warn(`slow variant (${ms.toFixed(0)} ms): ${label}`);
  return ms;
}
