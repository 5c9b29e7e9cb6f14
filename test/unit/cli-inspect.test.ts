import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { boxesToJson, sampleRows, sampleTable } from '../../electron/core/boxes';
import { inspectFile } from '../../electron/core/boxes/file-source';
import { clip, CORPUS_DIR, corpusAvailable, fmp4 } from '../fixtures/generate';
import { mwb } from '../fixtures/mwb-cli';



interface JsonBox {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
  fields: Record<string, unknown>;
  children?: JsonBox[];
  error?: { rule: string; message: string };
}

describe('mwb inspect', () => {
  let file: string;
  let dir: string;
  beforeAll(async () => {
    file = await fmp4({ duration: 3, fps: 30, gop: 30 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-inspect-'));
  });

  it('prints the documented JSON shape with decoded fields', async () => {
    const r = await mwb('inspect', file, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { file: string; size: number; boxes: JsonBox[]; tracks: { id: number; kind: string; sampleCount: number }[] };
    expect(out.file).toBe(file);
    expect(out.size).toBeGreaterThan(1000);
    expect(out.boxes.map((b) => b.type).slice(0, 3)).toEqual(['ftyp', 'moov', 'moof']);
    for (const b of out.boxes) expect(Object.keys(b)).toEqual(expect.arrayContaining(['type', 'offset', 'size', 'headerSize', 'fields']));
    const moofs = out.boxes.filter((b) => b.type === 'moof');
    expect(moofs).toHaveLength(3);
    const timescale = out.boxes[1]!.children!.find((c) => c.type === 'trak')!.children!.find((c) => c.type === 'mdia')!.children!.find((c) => c.type === 'mdhd')!.fields.timescale as number;
    // One-second fragments: consecutive video tfdt values are one timescale apart (after the
    // first, which ffmpeg shifts by the AAC priming delay).
    const tfdt = (moof: JsonBox) => moof.children!.find((c) => c.type === 'traf')!.children!.find((c) => c.type === 'tfdt')!.fields.baseMediaDecodeTime as number;
    expect(tfdt(moofs[0]!)).toBe(0);
    expect(tfdt(moofs[2]!) - tfdt(moofs[1]!)).toBe(timescale);
    expect(out.tracks.map((t) => t.kind).sort()).toEqual(['audio', 'video']);
    expect(out.tracks.find((t) => t.kind === 'video')!.sampleCount).toBe(90);
  });

  it('streams --json as exactly the text JSON.stringify(result, null, 2) gave (fMP4, progressive, corpus, --depth)', async () => {
    const files = [file, await clip({ duration: 1, fps: 10 })];
    if (corpusAvailable()) files.push(path.join(CORPUS_DIR, 'init_cenc_test.m4i'), path.join(CORPUS_DIR, 'multi_sidx_segment.m4s'));
    for (const f of files) {
      for (const depth of [undefined, 2]) {
        const r = await mwb('inspect', f, '--json', ...(depth ? ['--depth', String(depth)] : []));
        const res = await inspectFile(f);
        const expected = {
          file: res.file,
          size: res.size,
          format: res.format,
          majorBrand: res.majorBrand ?? null,
          fragmented: res.fragmented,
          boxes: boxesToJson(res.boxes, { maxDepth: depth === undefined ? Infinity : depth - 1 }),
          tracks: res.tracks,
          errors: res.errors,
        };
        expect(r.stdout, `${f} depth ${depth}`).toBe(JSON.stringify(expected, null, 2) + '\n');
      }
    }
    const samples = await mwb('inspect', file, '--samples', '2', '--json');
    const res = await inspectFile(file);
    const table = sampleTable(res.boxes, 2, { fileSize: res.size })!;
    expect(JSON.parse(samples.stdout)).toEqual({ file, size: res.size, track: res.tracks.find((t) => t.id === 2), warnings: table.warnings, samples: sampleRows(table) });
    expect(samples.stdout).toMatch(/^\{\n {2}"file": .*,\n {2}"size": \d+,\n {2}"track": \{\n {4}"id": 2,\n[^]*\n {2}"samples": \[\n {4}\{"index":0,[^\n]*\},\n[^]*\}\n {2}\]\n\}\n$/);
  });

  it('prints an indented tree without --json, and limits it with --depth', async () => {
    const r = await mwb('inspect', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[moof\] size=8\+\d+ @\d+ \(Movie Fragment\)$/m);
    expect(r.stdout).toMatch(/^ {4}\[tfdt\] size=8\+\d+ @\d+ version=1 flags=0x000000 \(Track Fragment Decode Time\)$/m);
    expect(r.stdout).toMatch(/^ {6}baseMediaDecodeTime = \d+$/m);
    expect(r.stdout).toMatch(/^Tracks:$/m);
    const shallow = await mwb('inspect', file, '--depth', '1');
    expect(shallow.stdout).not.toMatch(/\[tfdt\]/);
    expect(shallow.stdout).toMatch(/child boxes not shown/);
    const json = JSON.parse((await mwb('inspect', file, '--json', '--depth', '1')).stdout) as { boxes: JsonBox[] };
    expect(json.boxes.every((b) => b.children === undefined)).toBe(true);
  });

  it('prints a track\'s sample table with --samples', async () => {
    const r = await mwb('inspect', file, '--samples', '1', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { track: { id: number }; samples: { index: number; isSync: boolean; size: number; fragment: number }[] };
    expect(out.track.id).toBe(1);
    expect(out.samples).toHaveLength(90);
    expect(out.samples.filter((s) => s.isSync).map((s) => s.index)).toEqual([0, 30, 60]);
    expect(new Set(out.samples.map((s) => s.fragment))).toEqual(new Set([0, 1, 2]));
    const text = await mwb('inspect', file, '--samples', '1');
    expect(text.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l))).toHaveLength(90);
  });

  it('fails naming the file when it is truncated, and still prints what it read', async () => {
    const full = JSON.parse((await mwb('inspect', file, '--json', '--depth', '1')).stdout) as { boxes: JsonBox[] };
    const second = full.boxes.filter((b) => b.type === 'moof')[1]!;
    const cut = path.join(dir, 'cut.mp4');
    await copyFile(file, cut);
    await truncate(cut, second.offset + 40);
    const r = await mwb('inspect', cut, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(cut);
    expect(r.stderr).toContain(`box-truncated at moof[1] (offset ${second.offset})`);
    const out = JSON.parse(r.stdout) as { boxes: JsonBox[]; errors: { rule: string }[] };
    expect(out.boxes.filter((b) => b.type === 'moof')[1]!.error!.rule).toBe('box-truncated');
    expect(out.errors.length).toBeGreaterThan(0);
  });

  it('refuses files that are not ISO BMFF, naming them', async () => {
    const text = path.join(dir, 'notes.mp4');
    const content = 'Definitely a shopping list, not a movie.\n';
    await writeFile(text, content);
    const r = await mwb('inspect', text);
    // An input that is not media is an unreadable input: exit 2 (the README's exit-code table).
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const size = Buffer.from(content).readUInt32BE(0);
    expect(r.stderr).toBe(`mwb inspect: ${text} is not an MP4/MOV (ISO BMFF) file: its first 8 bytes do not form a box header (they read as size ${size}, type "nite").\n`);
    const empty = path.join(dir, 'empty.mp4');
    await writeFile(empty, '');
    expect((await mwb('inspect', empty)).stderr).toContain(`${empty} is empty`);
  });

  it('reports missing files and bad usage with the right exit codes', async () => {
    const missing = path.join(dir, 'nope.mp4');
    const r = await mwb('inspect', missing);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${missing} does not exist`);
    expect((await mwb('inspect')).code).toBe(2);
    expect((await mwb('inspect', file, '--depth', '0')).code).toBe(2);
    expect((await mwb('inspect', file, '--samples', 'one')).code).toBe(2);
    expect((await mwb('inspect', file, '--bogus')).code).toBe(2);
    const noTrack = await mwb('inspect', file, '--samples', '9');
    // A track id the file does not have is a usage error (2), like any other bad argument.
    expect(noTrack.code).toBe(2);
    expect(noTrack.stderr).toContain(`${file} has no track 9 (its tracks: 1, 2)`);
  });

  it.runIf(process.platform !== 'win32')('answers at once for a FIFO with no writer instead of blocking in open(2)', async () => {
    const fifo = path.join(dir, 'pipe.mp4');
    execFileSync('mkfifo', [fifo]);
    const r = await mwb('inspect', fifo, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mwb inspect: ${fifo} is empty (0 bytes).\n`);
  });
});
