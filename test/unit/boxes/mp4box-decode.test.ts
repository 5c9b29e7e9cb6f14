/**
 * How the engine uses mp4box.js: through its public API only, with mp4box.js's global log left
 * alone. These pin the behaviour the engine relies on, on boxes taken from ffmpeg output and then
 * corrupted, so an mp4box.js release that changes it fails here rather than in a user's Inspector.
 */
import { open } from 'node:fs/promises';
import { BoxParser, DataStream, Log } from 'mp4box';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { descend, inspectFile, type BoxNode } from '../../../electron/core/boxes';
import { fmp4 } from '../../fixtures/generate';

/** The bytes of one box of a real file (boxes here are small; the file is never read whole). */
async function boxBytes(file: string, node: BoxNode): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const bytes = new Uint8Array(node.size);
    await handle.read(bytes, 0, node.size, node.offset);
    return bytes;
  } finally {
    await handle.close();
  }
}

function u32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value);
}

/** The avc1 sample entry of an ffmpeg fMP4, and its avcC. */
async function avcEntry() {
  const file = await fmp4({ duration: 1, width: 160, height: 90, audio: null });
  const r = await inspectFile(file);
  const entry = descend(r.boxes.find((b) => b.type === 'moov'), 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'avc1')!;
  const avcC = entry.children!.find((c) => c.type === 'avcC')!;
  return { file, entry, avcC, entryBytes: await boxBytes(file, entry), avcCBytes: await boxBytes(file, avcC) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('mp4box.js through its public API', () => {
  it("importing the engine leaves mp4box.js's Log.error in place", async () => {
    await import('../../../electron/core/boxes/mp4box-decode');
    // mp4box.js's own function: it hands errors to an ISOFile's onError or prints them.
    expect(String(Log.error)).toMatch(/onError/);
  });

  it('a sample entry whose child claims more than its parent: mp4box.js would log it, the engine stays quiet and restores the log', async () => {
    const { entry, avcC, entryBytes } = await avcEntry();
    const bad = entryBytes.slice();
    u32(bad, avcC.offset - entry.offset, 0x7fffffff);

    // The control: mp4box.js on its own prints the problem through Log.error.
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const Avc1 = (BoxParser.sampleEntry as unknown as Record<string, new (size: number, hdrSize: number, start: number) => { parse(s: DataStream): void }>).avc1!;
    const own = new Avc1(bad.length, 8, 0);
    // mp4box.js parses children from its multi-buffer stream, which knows where the data ends.
    const stream = new (class extends DataStream {
      getEndPosition(): number {
        return this.byteLength;
      }
    })(bad.slice().buffer);
    stream.seek(8);
    try {
      own.parse(stream);
    } catch {
      // Whether it throws after logging does not matter here.
    }
    expect(spy).toHaveBeenCalled();
    spy.mockClear();

    const { sampleEntryCodec, sampleEntryFactory, decodeWithMp4box } = await import('../../../electron/core/boxes/mp4box-decode');
    const before = Log.error;
    const factory = sampleEntryFactory('avc1', 'vide');
    sampleEntryCodec(bad, factory, 8, {});
    const decoded = decodeWithMp4box(bad, factory, 8, {}, { sampleEntry: true });
    expect(decoded.fields.width).toBe(160);
    expect(spy).not.toHaveBeenCalled();
    expect(Log.error).toBe(before);
  });

  it('a field that claims more bytes than the box holds is a decode error on that box, not a bigger buffer', async () => {
    const { avcCBytes } = await avcEntry();
    const { boxFactory, decodeWithMp4box } = await import('../../../electron/core/boxes/mp4box-decode');
    const good = decodeWithMp4box(avcCBytes, boxFactory('avcC')!, 8, {});
    expect(good.error).toBeUndefined();
    expect(good.fields.nb_SPS_nalus).toBe(1);
    // avcC: 8-byte header, 5 bytes of profile/level/lengthSize, SPS count, then the SPS length.
    const bad = avcCBytes.slice();
    bad[14] = 0xff;
    bad[15] = 0xff;
    const r = decodeWithMp4box(bad, boxFactory('avcC')!, 8, {});
    expect(r.error).toMatch(/field data runs past the end of the box \(a field claims 65535 bytes at box offset 16, past the end of the box \(\d+ bytes\)\)/);
  });

  it('sound entries decode with the file brand handed to mp4box.js (QuickTime entries depend on it)', async () => {
    const { sampleEntryFactory, decodeWithMp4box } = await import('../../../electron/core/boxes/mp4box-decode');
    const file = await fmp4({ duration: 1, width: 160, height: 90, video: null });
    const r = await inspectFile(file);
    const mp4a = descend(r.boxes.find((b) => b.type === 'moov'), 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'mp4a')!;
    const bytes = await boxBytes(file, mp4a);
    const decoded = decodeWithMp4box(bytes, sampleEntryFactory('mp4a', 'soun'), 8, { majorBrand: 'qt  ' }, { sampleEntry: true });
    expect(decoded.error).toBeUndefined();
    expect(decoded.fields).toMatchObject({ channel_count: 2, samplerate: 48000 });
  });
});
