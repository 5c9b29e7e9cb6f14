/**
 * Sample tables against ffprobe's packet list (`ffprobe -show_packets`): sizes, file positions,
 * keyframe flags, decode-time steps and composition offsets must match sample for sample.
 * (ffprobe shifts timestamps by the edit list, and decode times under negative composition
 * offsets; differences are compared, not absolute values.)
 */
import { describe, expect, it } from 'vitest';
import { parseBoxTree, sampleTable, visit, type BoxNode } from '../../../electron/core/boxes';
import { inspectFile, openFileSource } from '../../../electron/core/boxes/file-source';
import { resolveBinary } from '../../../electron/core/binaries';
import { runCapture } from '../../../electron/core/process';
import { clip, ffmpegFixture, fmp4 } from '../../fixtures/generate';

interface Packet {
  stream_index: number;
  pts?: number;
  dts?: number;
  size: string;
  pos: string;
  flags: string;
}

async function probe(file: string): Promise<{ streams: { index: number; id: string }[]; packets: Packet[] }> {
  const ffprobe = resolveBinary('ffprobe').path;
  const r = await runCapture(ffprobe, ['-v', 'error', '-show_streams', '-show_packets', '-show_entries', 'stream=index,id:packet=stream_index,pts,dts,size,pos,flags', '-of', 'json', file]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { streams: { index: number; id: string }[]; packets: Packet[] };
}

async function compareWithFfprobe(file: string): Promise<number> {
  const { streams, packets } = await probe(file);
  const source = await openFileSource(file);
  let compared = 0;
  try {
    const boxes = await parseBoxTree(source);
    for (const stream of streams) {
      const trackId = parseInt(stream.id, 16);
      const table = sampleTable(boxes, trackId, { fileSize: source.size })!;
      expect(table, `track ${trackId}`).not.toBeNull();
      const mine = packets.filter((p) => p.stream_index === stream.index);
      expect(table.count, `sample count of track ${trackId}`).toBe(mine.length);
      expect(table.warnings).toEqual([]);
      const dts0 = mine[0]!.dts!;
      // ffmpeg's demuxer shifts decode times so that pts ≥ dts when offsets are negative
      // (trun v1): composition offsets are compared up to that constant shift.
      const shift = mine[0]!.pts! - mine[0]!.dts! - (table.cts[0]! - table.dts[0]!);
      for (let i = 0; i < mine.length; i++) {
        const p = mine[i]!;
        const where = `track ${trackId} sample ${i}`;
        expect(table.size[i], where).toBe(Number(p.size));
        expect(table.offset[i], where).toBe(Number(p.pos));
        expect(table.isSync[i] === 1, where).toBe(p.flags.startsWith('K'));
        expect(table.dts[i]! - table.dts[0]!, where).toBe(p.dts! - dts0);
        expect(table.cts[i]! - table.dts[i]! + shift, where).toBe(p.pts! - p.dts!);
        compared++;
      }
    }
  } finally {
    await source.close();
  }
  return compared;
}

describe('sample tables agree with ffprobe -show_packets', () => {
  it('fragmented H.264/AAC (trun, tfhd defaults, default-base-is-moof)', async () => {
    const n = await compareWithFfprobe(await fmp4({ duration: 3 }));
    expect(n).toBeGreaterThan(200);
  });

  it('progressive H.264/AAC (stts, stsc, stco, stss)', async () => {
    const n = await compareWithFfprobe(await clip({ duration: 2, gop: 12 }));
    expect(n).toBeGreaterThan(100);
  });

  it('progressive H.264 with B-frames (ctts composition offsets)', async () => {
    const file = await ffmpegFixture([
      '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '30', '{out}',
    ]);
    const result = await inspectFile(file);
    const ctts = JSON.stringify(result.boxes).includes('"ctts"');
    expect(ctts).toBe(true);
    expect(await compareWithFfprobe(file)).toBe(60);
  });

  it('fragmented with B-frames and negative composition offsets (trun v1)', async () => {
    const file = await ffmpegFixture([
      '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-g', '15',
      '-movflags', 'frag_keyframe+empty_moov+default_base_moof+negative_cts_offsets', '{out}',
    ]);
    const result = await inspectFile(file);
    const truns: BoxNode[] = [];
    visit(result.boxes, (n) => {
      if (n.type === 'trun') truns.push(n);
    });
    expect(truns.every((t) => t.version === 1)).toBe(true);
    expect(truns.some((t) => Array.from(t.fields.sample_composition_time_offset as Int32Array).some((v) => v < 0))).toBe(true);
    expect(await compareWithFfprobe(file)).toBe(60);
  });

  it('fragmented with a fragment every 10 frames inside GOPs (non-sync fragment starts, frag_duration)', async () => {
    const file = await fmp4({ duration: 2, audio: null, gop: 30, movflags: 'empty_moov+default_base_moof', extra: ['-frag_duration', '333333'] });
    expect(await compareWithFfprobe(file)).toBe(60);
  });
});
