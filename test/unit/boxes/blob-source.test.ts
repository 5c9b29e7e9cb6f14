/**
 * The browser byte source: a `Blob`/`File` read with `Blob.slice()`. Node's `openAsBlob` gives a
 * file-backed Blob (as a dropped `File` is in a browser: nothing is read up front), so the same
 * engine can be checked against the fs source on real media: identical trees, truncated files
 * included, and a clear error naming the file when it changed after it was chosen.
 */
import { openAsBlob, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blobSource, boxesToJson, inspectSource, parseBoxTree, parseBoxTreeIndexed, visit } from '../../../electron/core/boxes';
import { openFileSource } from '../../../electron/core/boxes/file-source';
import { compareSources } from '../../../electron/core/compare';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { analyzeStreams } from '../../../electron/core/mse/analysis';
import { brokenFixture, cleanFmp4 } from '../../fixtures/mse-broken';
import { clip, CORPUS_DIR, corpusAvailable } from '../../fixtures/generate';

const tmp: string[] = [];
afterAll(async () => {
  for (const d of tmp) await rm(d, { recursive: true, force: true });
});

async function treeVia(open: () => Promise<import('../../../electron/core/boxes').ByteSource>) {
  const source = await open();
  try {
    return JSON.stringify(boxesToJson(await parseBoxTree(source)));
  } finally {
    await source.close();
  }
}

describe('blobSource', () => {
  it('parses the same tree as the fs source: fMP4, progressive, truncated', async () => {
    const files = [await cleanFmp4(), await clip({ duration: 1 }), (await brokenFixture('box-truncated')).file];
    for (const file of files) {
      const blob = await openAsBlob(file);
      expect(await treeVia(async () => blobSource(blob, path.basename(file), { readAhead: 4096 }))).toBe(await treeVia(() => openFileSource(file)));
    }
  });

  it.skipIf(!corpusAvailable())('parses every corpus file as the fs source does', async () => {
    for (const name of readdirSync(CORPUS_DIR).filter((f) => f !== 'LICENSE')) {
      const file = path.join(CORPUS_DIR, name);
      expect(await treeVia(async () => blobSource(await openAsBlob(file), name)), name).toBe(await treeVia(() => openFileSource(file)));
    }
  });

  it('reads by offset within the blob, clamps at its end, and refuses reads after close', async () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => i & 0xff);
    const s = blobSource(new Blob([bytes]), 'mem.bin', { readAhead: 1024 });
    expect(s.size).toBe(100_000);
    expect([...(await s.read(70_000, 4))]).toEqual([...bytes.subarray(70_000, 70_004)]);
    // Served from the read-ahead window afterwards, synchronously.
    expect([...(s.tryRead!(70_100, 2) ?? [])]).toEqual([...bytes.subarray(70_100, 70_102)]);
    expect((await s.read(99_998, 10)).length).toBe(2);
    expect((await s.read(100_000, 10)).length).toBe(0);
    expect((await s.read(-1, 10)).length).toBe(0);
    expect((await s.read(0, 50_000)).length).toBe(50_000);
    await s.close();
    await expect(s.read(0, 8)).rejects.toThrow('mem.bin is closed');
  });

  it('serves the fragment-index walk from prefetched windows, to the same tree', async () => {
    const file = await cleanFmp4();
    const expected = await parseBoxTree(await openFileSource(file));
    const moofs: number[] = [];
    visit(expected, (n) => void (n.type === 'moof' && moofs.push(n.offset)));
    const s = blobSource(await openAsBlob(file), 'clip.mp4');
    const asked: number[] = [];
    const prefetch = s.prefetch.bind(s);
    s.prefetch = async (ranges) => {
      asked.push(...ranges.map((r) => r.offset));
      return prefetch(ranges);
    };
    const tree = await parseBoxTreeIndexed(s);
    expect(tree.index).toBe('mfra');
    expect(asked).toEqual(expect.arrayContaining(moofs));
    expect(boxesToJson(tree.boxes)).toEqual(boxesToJson(expected));
    // Served from memory now: a read inside a prefetched window needs no Blob read.
    expect(s.tryRead!(moofs[1]! + 8, 8)).toBeDefined();
    s.dropPrefetched();
  });

  it('names the file when it changed after it was chosen', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-blob-'));
    tmp.push(dir);
    const file = path.join(dir, 'clip.mp4');
    await copyFile(await cleanFmp4(), file);
    const source = blobSource(await openAsBlob(file), 'clip.mp4');
    await writeFile(file, 'replaced');
    await expect(source.read(0, 64)).rejects.toThrow(/clip\.mp4 could not be read .*choose or drop it again/);
  });

  it('inspects, compares and lints through any opener, with the same results as by path', async () => {
    const a = await cleanFmp4();
    const { file: b } = await brokenFixture('tfhd-base-data-offset');
    const byName = new Map([
      ['a', a],
      ['b', b],
    ]);
    const open = async (id: string) => blobSource(await openAsBlob(byName.get(id)!), path.basename(byName.get(id)!));
    const viaBlob = await inspectSource(await open('b'));
    const viaFile = await inspectSource(await openFileSource(b));
    expect(boxesToJson(viaBlob.boxes)).toEqual(boxesToJson(viaFile.boxes));
    expect(viaBlob.tracks).toEqual(viaFile.tracks);

    const cmp = (await compareSources({ file: 'a' }, { file: 'b' }, open)).result;
    const { compareFiles } = await import('../../../electron/core/compare/files');
    const byPath = (await compareFiles({ file: a }, { file: b })).result;
    expect(cmp.summary).toEqual(byPath.summary);
    expect(cmp.reported).toEqual(byPath.reported);
    expect(cmp.a.file).toBe(path.basename(a));

    const lint = await analyzeStreams({ kind: 'file', name: 'b' }, [{ label: 'b', parts: [{ path: 'b', role: 'auto' }] }], { open, baseName: (id) => path.basename(byName.get(id)!) });
    const lintByPath = await analyzeMse([b]);
    expect(lint.findings).toEqual(lintByPath.findings);
    expect(lint.tracks).toEqual(lintByPath.tracks);
    // Reusing a tree parsed already (the worker's Inspector session) gives the same lint, with fewer reads.
    let reads = 0;
    const counted = async (id: string) => {
      const s = await open(id);
      const read = s.read.bind(s);
      return Object.assign(s, { tryRead: undefined, read: (o: number, l: number) => (reads++, read(o, l)) });
    };
    const spec = [{ label: 'b', parts: [{ path: 'b', role: 'auto' as const }] }];
    await analyzeStreams({ kind: 'file', name: 'b' }, spec, { open: counted, baseName: (id) => id });
    const walked = reads;
    reads = 0;
    const reused = await analyzeStreams({ kind: 'file', name: 'b' }, spec, { open: counted, baseName: (id) => id, parsed: async () => viaBlob.boxes });
    expect(reused.findings).toEqual(lint.findings);
    expect(reads).toBeLessThan(walked);
  });
});
