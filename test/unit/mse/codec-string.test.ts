import { readFile, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { describe, expect, it } from 'vitest';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { codecString, type ConfigBox } from '../../../electron/core/boxes/vocabulary';
import { mimeType } from '../../../electron/core/mse/codec-string';
import { find, parseTree, serialize } from '../../fixtures/box-edit';
import { cached, clip, CORPUS_DIR, corpusAvailable, ffmpegFixture } from '../../fixtures/generate';

/** mp4box.js's getInfo() codecs of a whole file, by track id. */
async function mp4boxCodecs(file: string): Promise<Map<number, string>> {
  const bytes = await readFile(file);
  const iso = createFile();
  let info: ReturnType<typeof iso.getInfo> | null = null;
  iso.onReady = (i) => (info = i);
  iso.onError = () => {};
  iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), 0), true);
  iso.flush();
  const out = new Map<number, string>();
  for (const t of (info as ReturnType<typeof iso.getInfo> | null)?.tracks ?? []) out.set(t.id, t.codec);
  return out;
}

/**
 * Where we differ from mp4box.js on purpose:
 * - encrypted entries (`encv`/`enca`): mp4box.js names the wrapper; we give the protected format's
 *   string from `frma` and its config, which is what isTypeSupported/addSourceBuffer (and EME) need;
 * - Opus and FLAC: the registered codecs-parameter values are `opus` and `flac` (mp4box.js echoes
 *   the sample entry types `Opus` and `fLaC`, which browsers do not accept).
 */
function expectedDifference(theirs: string, ours: string): string | null {
  if (/^enc[av]$/.test(theirs) && ours !== theirs) return 'encrypted entry resolved through frma';
  if (theirs === 'Opus' && ours === 'opus') return 'registered name for Opus';
  if (theirs === 'fLaC' && ours === 'flac') return 'registered name for FLAC';
  return null;
}

async function compare(file: string): Promise<void> {
  const theirs = await mp4boxCodecs(file);
  const ours = (await analyzeMse([file])).tracks;
  expect(ours.map((t) => t.id).sort()).toEqual([...theirs.keys()].sort());
  for (const t of ours) {
    const m = theirs.get(t.id)!;
    if (m === t.codec) continue;
    expect(expectedDifference(m, t.codec), `${path.basename(file)} track ${t.id}: mp4box.js ${m}, ours ${t.codec}`).not.toBeNull();
  }
}

const FRAG = 'frag_keyframe+empty_moov+default_base_moof';
const tiny = { duration: 1, width: 160, height: 90 } as const;
const audioOnly = (codec: string, extra: string[] = [], movflags = FRAG) =>
  ffmpegFixture(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1', '-c:a', codec, ...extra, '-movflags', movflags, '{out}']);

describe('codec strings from generated files (ffmpeg encoders)', () => {
  const cases: [string, () => Promise<string>, string][] = [
    ['H.264', () => clip({ ...tiny, audio: null, movflags: FRAG }), 'avc1.42c00b'],
    ['HEVC hev1', () => clip({ ...tiny, video: 'libx265', audio: null, movflags: FRAG }), 'hev1.1.6.L30.90'],
    ['HEVC hvc1', () => clip({ ...tiny, video: 'libx265', audio: null, movflags: FRAG, extra: ['-tag:v', 'hvc1'] }), 'hvc1.1.6.L30.90'],
    ['VP9', () => clip({ ...tiny, video: 'libvpx-vp9', audio: null, movflags: FRAG }), 'vp09.00.10.08'],
    // delay_moov: libaom's sequence header is only known after the first packet.
    ['AV1', () => clip({ ...tiny, video: 'libaom-av1', audio: null, movflags: `${FRAG}+delay_moov` }), 'av01.0.00M.08'],
    ['AAC-LC', () => audioOnly('aac'), 'mp4a.40.2'],
    ['MP3', () => audioOnly('libmp3lame'), 'mp4a.6b'],
    ['Opus', () => audioOnly('libopus'), 'opus'],
    ['FLAC', () => audioOnly('flac', ['-strict', '-2']), 'flac'],
    // (E-)AC-3 needs delay_moov too: dac3/dec3 are filled from the first frame.
    ['AC-3', () => audioOnly('ac3', [], `${FRAG}+delay_moov`), 'ac-3'],
    ['E-AC-3', () => audioOnly('eac3', [], `${FRAG}+delay_moov`), 'ec-3'],
  ];
  for (const [name, make, codec] of cases) {
    it(`${name}: ${codec}, agreeing with mp4box.js`, async () => {
      const file = await make();
      const a = await analyzeMse([file]);
      expect(a.tracks.map((t) => t.codec)).toEqual([codec]);
      expect(a.tracks[0]!.codecComplete).toBe(true);
      expect(a.tracks[0]!.mime).toBe(`${a.tracks[0]!.kind}/mp4; codecs="${codec}"`);
      expect(a.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      await compare(file);
    });
  }
});

describe.skipIf(!corpusAvailable())('codec strings agree with mp4box.js on every corpus file', () => {
  const files = corpusAvailable() ? readdirSync(CORPUS_DIR).filter((f) => f !== 'LICENSE').sort() : [];
  for (const name of files) it(name, () => compare(path.join(CORPUS_DIR, name)));
});

describe('codec string derivation from config fields', () => {
  const entry = (type: string, ...children: ConfigBox[]): ConfigBox => ({ type, fields: {}, children });
  const box = (type: string, fields: Record<string, unknown>): ConfigBox => ({ type, fields });

  it('HEVC: profile space, reversed compatibility flags, tier and trimmed constraint bytes', () => {
    const hvcC = box('hvcC', {
      general_profile_space: 1,
      general_profile_idc: 2,
      general_profile_compatibility: 0x20000000,
      general_tier_flag: 1,
      general_level_idc: 153,
      general_constraint_indicator: new Uint8Array([0xb0, 0, 0, 0, 0, 0]),
    });
    expect(codecString(entry('hev1', hvcC)).codec).toBe('hev1.A2.4.H153.b0');
  });

  it('MPEG-4 audio: the object type from the DecoderSpecificInfo, escaped types above 31', () => {
    const esds = (data: number[], oti = 0x40) => box('esds', { esd: { tag: 3, descs: [{ tag: 4, oti, descs: [{ tag: 5, data: new Uint8Array(data) }] }] } });
    expect(codecString(entry('mp4a', esds([0x11, 0x90]))).codec).toBe('mp4a.40.2');
    expect(codecString(entry('mp4a', esds([0x2b, 0x8a]))).codec).toBe('mp4a.40.5');
    // 31 (11111) escapes to 32 + the next 6 bits: 11111 000001 → 33.
    expect(codecString(entry('mp4a', esds([0xf8, 0x20]))).codec).toBe('mp4a.40.33');
    expect(codecString(entry('mp4a', esds([], 0x6b))).codec).toBe('mp4a.6b');
  });

  it('AV1 10-bit and high tier, VP9 profile 2 at 10 bits', () => {
    expect(codecString(entry('av01', box('av1C', { seq_profile: 0, seq_level_idx_0: 13, seq_tier_0: 1, high_bitdepth: 1, twelve_bit: 0 }))).codec).toBe('av01.0.13H.10');
    expect(codecString(entry('vp09', box('vpcC', { profile: 2, level: 31, bitDepth: 10 }))).codec).toBe('vp09.02.31.10');
  });

  it('encrypted entries resolve through frma; a missing config is reported incomplete', () => {
    const avcC = box('avcC', { AVCProfileIndication: 0x64, profile_compatibility: 0, AVCLevelIndication: 0x1f });
    const sinf = { type: 'sinf', fields: {}, children: [box('frma', { data_format: 'avc1' })] };
    expect(codecString(entry('encv', avcC, sinf))).toEqual({ codec: 'avc1.64001f', format: 'avc1', complete: true });
    expect(codecString(entry('avc1'))).toEqual({ codec: 'avc1', format: 'avc1', complete: false });
  });

  it('MIME types: video wins over audio in the container type', () => {
    expect(mimeType(['video', 'audio'], ['avc1.64001f', 'mp4a.40.2'])).toBe('video/mp4; codecs="avc1.64001f,mp4a.40.2"');
    expect(mimeType(['audio'], ['opus'])).toBe('audio/mp4; codecs="opus"');
  });
});

describe('parameter sets of avc3 (in-band) and avc1 streams', () => {
  /** The H.264 clip as avc3 with an avcC emptied of SPS/PPS; `inBand` makes x264 repeat them in every keyframe. */
  async function avc3(inBand: boolean): Promise<string> {
    const src = await clip({ ...tiny, audio: null, movflags: FRAG, extra: inBand ? ['-x264-params', 'repeat-headers=1'] : [] });
    return cached(JSON.stringify({ v: 1, avc3: src }), 'mp4', async (tmp) => {
      const tree = parseTree(new Uint8Array(await readFile(src)));
      const entryBox = find(tree, 'moov/trak/mdia/minf/stbl/stsd/avc1');
      entryBox.type = 'avc3';
      const avcC = find(entryBox.children!, 'avcC');
      const p = avcC.payload;
      let at = 6;
      for (let i = 0; i < (p[5]! & 31); i++) at += 2 + ((p[at]! << 8) | p[at + 1]!);
      const pps = p[at]!;
      at += 1;
      for (let i = 0; i < pps; i++) at += 2 + ((p[at]! << 8) | p[at + 1]!);
      avcC.payload = Uint8Array.of(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, 0xe0, 0, ...p.subarray(at));
      await writeFile(tmp, serialize(tree));
    });
  }

  it('accepts avc3 with SPS/PPS in the first sample, flags avc3 without them', async () => {
    const good = await analyzeMse([await avc3(true)]);
    expect(good.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(good.tracks[0]!.codec).toMatch(/^avc3\./);
    const bad = await analyzeMse([await avc3(false)]);
    expect(bad.findings.filter((f) => f.severity !== 'info').map((f) => [f.rule, f.segment])).toEqual([['parameter-sets-missing', 0]]);
  });
});
