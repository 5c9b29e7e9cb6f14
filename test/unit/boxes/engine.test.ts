import { stat, truncate, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferSource, child, childrenOf, descend, fieldRanges, formatTimecode, inspectSource, num, parseBoxTree, placesOf, sampleTable, visit, type BoxNode, type ByteSource } from '../../../electron/core/boxes';
import { inspectFile, openFileSource } from '../../../electron/core/boxes/file-source';
import { cached, clip, ffmpeg, fmp4, run } from '../../fixtures/generate';
import { ascii, box, concat, fullBox, ftyp, largeBox, u32 } from './build';

function find(nodes: BoxNode[], pathOrType: string): BoxNode | undefined {
  let found: BoxNode | undefined;
  visit(nodes, (n) => {
    if (!found && (n.path === pathOrType || n.type === pathOrType)) found = n;
  });
  return found;
}


/** A source that counts what it is asked for. */
function counting(inner: ByteSource): ByteSource & { bytesRead: number; reads: number } {
  const s = {
    size: inner.size,
    name: inner.name,
    bytesRead: 0,
    reads: 0,
    async read(offset: number, length: number) {
      const b = await inner.read(offset, length);
      s.bytesRead += b.length;
      s.reads++;
      return b;
    },
    close: () => inner.close(),
  };
  return s;
}

describe('box engine on generated fMP4', () => {
  it('decodes tfdt, trun and mfhd of every fragment with mp4box.js field names', async () => {
    // 4 s, 30 fps, a keyframe every 30 frames: four 1-second video fragments.
    const file = await fmp4({ duration: 4, fps: 30, gop: 30, audio: null });
    const result = await inspectFile(file);
    expect(result.format).toBe('isobmff');
    expect(result.fragmented).toBe(true);
    expect(result.errors).toEqual([]);
    const timescale = num(find(result.boxes, 'mdhd'), 'timescale')!;
    expect(timescale).toBeGreaterThan(0);
    const moofs = result.boxes.filter((b) => b.type === 'moof');
    expect(moofs).toHaveLength(4);
    moofs.forEach((moof, n) => {
      expect(moof.path).toBe(`moof[${n}]`);
      const tfdt = descend(moof, 'traf', 'tfdt')!;
      expect(tfdt.path).toBe(`moof[${n}]/traf[0]/tfdt`);
      expect(tfdt.fields.baseMediaDecodeTime).toBe(n * timescale);
      expect(num(child(moof, 'mfhd'), 'sequence_number')).toBe(n + 1);
      const trun = descend(moof, 'traf', 'trun')!;
      expect(trun.fields.sample_count).toBe(30);
      const tfhd = descend(moof, 'traf', 'tfhd')!;
      expect(tfhd.fields.track_id).toBe(1);
      // default-base-is-moof, as asked by the movflags.
      expect(tfhd.flags! & 0x20000).toBe(0x20000);
    });
    const trex = find(result.boxes, 'trex')!;
    expect(trex.path).toBe('moov/mvex/trex[0]');
    expect(trex.fields.track_id).toBe(1);
    expect(result.tracks).toHaveLength(1);
    const [track] = result.tracks;
    expect(track).toMatchObject({ id: 1, handler: 'vide', kind: 'video', width: 320, height: 180, sampleEntry: 'avc1', sampleCount: 120, fragmented: true, fragmentCount: 4 });
    expect(track!.codec).toMatch(/^avc1\.[0-9a-f]{6}$/i);
    expect(track!.durationSeconds).toBeCloseTo(4, 5);
  });

  it('builds the fragmented sample table with offsets inside each fragment\'s mdat', async () => {
    const file = await fmp4({ duration: 3, fps: 30, gop: 30, audio: null });
    const source = await openFileSource(file);
    try {
      const boxes = await parseBoxTree(source);
      const table = sampleTable(boxes, 1)!;
      expect(table.count).toBe(90);
      const mdats = boxes.filter((b) => b.type === 'mdat');
      for (let i = 0; i < table.count; i++) {
        const mdat = mdats[table.fragment[i]!]!;
        expect(table.offset[i]).toBeGreaterThanOrEqual(mdat.offset + mdat.headerSize);
        expect(table.offset[i]! + table.size[i]!).toBeLessThanOrEqual(mdat.offset + mdat.size);
        // Keyframes exactly at fragment starts (gop = fragment).
        expect(table.isSync[i]).toBe(i % 30 === 0 ? 1 : 0);
        if (i > 0) expect(table.dts[i]).toBe(table.dts[i - 1]! + table.duration[i - 1]!);
      }
      // The samples of a fragment fill its mdat exactly.
      const perFragment = new Map<number, number>();
      for (let i = 0; i < table.count; i++) perFragment.set(table.fragment[i]!, (perFragment.get(table.fragment[i]!) ?? 0) + table.size[i]!);
      mdats.forEach((m, f) => expect(perFragment.get(f)).toBe(m.size - m.headerSize));
    } finally {
      await source.close();
    }
  });

  it('never reads mdat payloads', async () => {
    const file = await clip({ duration: 3, pattern: 'noise', audio: null, extra: ['-b:v', '4M'] });
    const size = (await stat(file)).size;
    const source = counting(await openFileSource(file, { readAhead: 4096 }));
    try {
      const boxes = await parseBoxTree(source);
      const mdat = boxes.find((b) => b.type === 'mdat')!;
      expect(mdat.skipped).toBe('payload');
      expect(mdat.size).toBeGreaterThan(size * 0.9);
      expect(source.bytesRead).toBeLessThan(size - mdat.size + 3 * 4096);
    } finally {
      await source.close();
    }
  });

  it('builds the same tree whether the source answers synchronously or only through promises', async () => {
    const file = await fmp4({ duration: 3, fps: 30, gop: 15 });
    const trees: BoxNode[][] = [];
    // A local file (small reads synchronous), the same file read asynchronously throughout, and a
    // source with no tryRead at all: the walker then asks its driver for every byte.
    const opens = [() => openFileSource(file), () => openFileSource(file, { syncBelow: 0 }), async () => counting(await openFileSource(file, { syncBelow: 0 }))];
    for (const open of opens) {
      const source = await open();
      try {
        trees.push(await parseBoxTree(source));
      } finally {
        await source.close();
      }
    }
    expect(trees[0]!.filter((b) => b.type === 'moof')).toHaveLength(6);
    expect(trees[1]).toEqual(trees[0]);
    expect(trees[2]).toEqual(trees[0]);
  });

  it('gives the event loop a turn during a long walk of a source that never waits', async () => {
    // 300,000 empty boxes in memory: every read answers at once, so only the walker's own yields
    // let a timer run before the walk ends.
    const one = box('abcd');
    const bytes = new Uint8Array(one.length * 300_000);
    for (let i = 0; i < 300_000; i++) bytes.set(one, i * one.length);
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    let boxes: BoxNode[];
    try {
      boxes = await parseBoxTree(bufferSource(bytes));
    } finally {
      clearInterval(timer);
    }
    expect(boxes).toHaveLength(300_000);
    expect(turns).toBeGreaterThan(0);
  });
});

describe('box engine on progressive files', () => {
  it('decodes stbl and builds the sample table', async () => {
    const file = await clip({ duration: 2, fps: 30, gop: 15 });
    const result = await inspectFile(file);
    expect(result.fragmented).toBe(false);
    const video = result.tracks.find((t) => t.kind === 'video')!;
    const audio = result.tracks.find((t) => t.kind === 'audio')!;
    expect(video.sampleCount).toBe(60);
    expect(audio).toMatchObject({ sampleEntry: 'mp4a', codec: 'mp4a.40.2', sampleRate: 48000 });
    const trak = childrenOf(result.boxes.find((b) => b.type === 'moov'), 'trak').find((t) => child(t, 'tkhd')?.fields.track_id === video.id)!;
    const stsz = descend(trak, 'mdia', 'minf', 'stbl', 'stsz')!;
    expect(stsz.fields.sample_count).toBe(60);
    const stss = descend(trak, 'mdia', 'minf', 'stbl', 'stss')!;
    expect(Array.from(stss.fields.sample_numbers as number[])).toEqual([1, 16, 31, 46]);
    const table = sampleTable(result.boxes, video.id)!;
    expect(Array.from(table.isSync).flatMap((s, i) => (s ? [i] : []))).toEqual([0, 15, 30, 45]);
  });

  it('reads the tmcd sample entry and the first timecode sample', async () => {
    const nonDrop = await cached('tmcd-mov-01020304', 'mov', (tmp) =>
      run(ffmpeg(), ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-timecode', '01:02:03:04', tmp]),
    );
    const r1 = await inspectFile(nonDrop);
    const tc = r1.tracks.find((t) => t.kind === 'timecode')!;
    expect(tc.sampleEntry).toBe('tmcd');
    expect(tc.timecode).toMatchObject({ dropFrame: false, numberOfFrames: 25, start: '01:02:03:04', firstFrame: ((1 * 60 + 2) * 60 + 3) * 25 + 4 });
    const entry = find(r1.boxes, 'moov/trak[1]/mdia/minf/stbl/stsd/tmcd')!;
    expect(entry.fields).toMatchObject({ number_of_frames: 25, drop_frame: false });
    expect(find(r1.boxes, 'tcmi')?.fields.font_name).toBeTypeOf('string');

    const drop = await cached('tmcd-mp4-df-010000;02', 'mp4', (tmp) =>
      run(ffmpeg(), ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30000/1001:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-timecode', '01:00:00;02', '-write_tmcd', 'on', tmp]),
    );
    const r2 = await inspectFile(drop);
    expect(r2.tracks.find((t) => t.kind === 'timecode')!.timecode).toMatchObject({ dropFrame: true, numberOfFrames: 30, start: '01:00:00;02' });
  });

  it('formats drop-frame timecodes like SMPTE 12M', () => {
    expect(formatTimecode(0, 30, true, false)).toBe('00:00:00;00');
    expect(formatTimecode(1800, 30, true, false)).toBe('00:01:00;02');
    expect(formatTimecode(17982, 30, true, false)).toBe('00:10:00;00');
    expect(formatTimecode(107892, 30, true, false)).toBe('01:00:00;00');
    expect(formatTimecode(90000, 25, false, false)).toBe('01:00:00:00');
    expect(formatTimecode(25 * 3600 * 25, 25, false, true)).toBe('01:00:00:00');
  });
});

describe('box engine on hand-made structures', () => {
  it('handles largesize, size 0 to end of file, uuid boxes and full-box headers', async () => {
    const uuid = '0123456789abcdef0123456789abcdef';
    const uuidBody = Uint8Array.from(uuid.match(/../g)!.map((h) => parseInt(h, 16)));
    const bytes = concat(
      ftyp(),
      largeBox('free', new Uint8Array(10)),
      box('uuid', concat(uuidBody, ascii('hello'))),
      box('moov', fullBox('mvhd', 0, 0, new Uint8Array(96))),
      u32(0),
      ascii('mdat'),
      new Uint8Array(100),
    );
    const boxes = await parseBoxTree(bufferSource(bytes));
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'free', 'uuid', 'moov', 'mdat']);
    expect(boxes[1]).toMatchObject({ size: 26, headerSize: 16, sizeMode: 'large' });
    expect(boxes[2]).toMatchObject({ uuid, headerSize: 24, size: 29 });
    expect(boxes[3]!.children![0]).toMatchObject({ type: 'mvhd', version: 0, flags: 0, path: 'moov/mvhd' });
    expect(boxes[4]).toMatchObject({ sizeMode: 'to-end', size: 108, skipped: 'payload' });
    expect(boxes.every((b) => !b.error)).toBe(true);
  });

  it('turns boxes running past their parent or the file into error nodes and keeps going', async () => {
    const bad = box('trak', box('tkhd', new Uint8Array(8)), 200); // claims 200 bytes inside a 60-byte moov
    const moov = box('moov', concat(box('udta'), bad, box('free', new Uint8Array(16))));
    const after = box('free', new Uint8Array(4));
    const truncated = box('moof', box('mfhd', new Uint8Array(8)), 5000);
    const bytes = concat(ftyp(), moov, after, truncated);
    const boxes = await parseBoxTree(bufferSource(bytes));
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'moof']);
    const [, m, , moof] = boxes;
    expect(m!.children!.map((c) => c.type)).toEqual(['udta', 'trak']);
    expect(m!.children![1]!.error?.rule).toBe('box-size-invalid');
    expect(m!.children![1]!.error?.message).toMatch(/past the end of its parent moov/);
    // The trak's own children are still read, up to the parent's end.
    expect(m!.children![1]!.children?.[0]?.type).toBe('tkhd');
    expect(moof!.error?.rule).toBe('box-truncated');
    expect(moof!.children?.[0]?.type).toBe('mfhd');
  });

  it('reports sizes smaller than the header as box-size-invalid', async () => {
    const bytes = concat(ftyp(), u32(4), ascii('moov'), new Uint8Array(40));
    const boxes = await parseBoxTree(bufferSource(bytes));
    expect(boxes[1]).toMatchObject({ type: 'moov', error: { rule: 'box-size-invalid' } });
    expect(boxes[1]!.offset + boxes[1]!.size).toBe(bytes.length);
  });

  it('bounds depth: 10,000 nested containers parse quickly to maxDepth', async () => {
    let inner = box('free');
    for (let i = 0; i < 10_000; i++) inner = box(i % 2 ? 'moov' : 'trak', inner);
    const t0 = performance.now();
    const boxes = await parseBoxTree(bufferSource(inner), { maxDepth: 64 });
    expect(performance.now() - t0).toBeLessThan(2000);
    let depth = 0;
    let deepest: BoxNode | undefined;
    visit(boxes, (n, _p, d) => {
      if (d >= depth) {
        depth = d;
        deepest = n;
      }
    });
    expect(depth).toBe(64);
    expect(deepest!.skipped).toBe('depth');
  });

  it('gives byte ranges for header parts and decoded fields', async () => {
    const file = await fmp4({ duration: 2, fps: 30, gop: 30, audio: null });
    const source = await openFileSource(file);
    try {
      const boxes = await parseBoxTree(source);
      const places = placesOf(boxes);
      const tfdt = find(boxes, 'moof[1]/traf[0]/tfdt')!;
      const bytes = (await source.read(tfdt.offset, tfdt.size)).slice();
      const ranges = fieldRanges(tfdt, bytes, places.get(tfdt)!, {});
      const at = (name: string) => ranges.find((r) => r.name === name)!;
      expect(at('size')).toMatchObject({ start: tfdt.offset, end: tfdt.offset + 4, kind: 'header' });
      expect(at('type')).toMatchObject({ start: tfdt.offset + 4, end: tfdt.offset + 8 });
      expect(at('version')).toMatchObject({ start: tfdt.offset + 8, end: tfdt.offset + 9 });
      const width = tfdt.version === 1 ? 8 : 4;
      expect(at('baseMediaDecodeTime')).toMatchObject({ start: tfdt.offset + 12, end: tfdt.offset + 12 + width, kind: 'field' });

      const tkhd = find(boxes, 'tkhd')!;
      const tkhdRanges = fieldRanges(tkhd, (await source.read(tkhd.offset, tkhd.size)).slice(), places.get(tkhd)!, {});
      const trackId = tkhdRanges.find((r) => r.name === 'track_id')!;
      const off = tkhd.version === 1 ? 28 : 20;
      expect(trackId).toMatchObject({ start: tkhd.offset + off, end: tkhd.offset + off + 4 });
      expect(tkhdRanges.find((r) => r.name === 'width')).toMatchObject({ end: tkhd.offset + tkhd.size - 4 });
    } finally {
      await source.close();
    }
  });
});

describe('truncated and foreign files', () => {
  it('marks a file cut inside moov as box-truncated and still lists what it can', async () => {
    const file = await clip({ duration: 1, movflags: '+faststart' });
    const cut = path.join(path.dirname(file), `cut-${path.basename(file)}`);
    await copyFile(file, cut);
    const full = await inspectFile(file);
    const moov = full.boxes.find((b) => b.type === 'moov')!;
    await truncate(cut, moov.offset + Math.floor(moov.size / 2));
    const result = await inspectFile(cut);
    expect(result.format).toBe('isobmff');
    const m = result.boxes.find((b) => b.type === 'moov')!;
    expect(m.error?.rule).toBe('box-truncated');
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors[0]).toMatchObject({ rule: 'box-truncated', path: 'moov' });
    expect(m.children!.length).toBeGreaterThan(0);
  });

  it('says a text file is not ISO BMFF', async () => {
    const text = new TextEncoder().encode('This is not a video file at all, just some words.\n'.repeat(10));
    const result = await inspectSource(bufferSource(text, 'notes.txt'));
    expect(result.format).toBe('unknown');
  });
});
