/**
 * The box vocabulary is the one home of codec strings, flag names and track kinds: the Inspector,
 * `mwb lint`, Compare and the renderer must say the same thing about the same box. Checked on
 * every generated fixture, on encrypted files made with ffmpeg, and on every corpus file.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { child, descend, drmSystemName, FLAG_BITS, flagNames, flagsText, formatTree, trackKind, type BoxNode } from '../../../electron/core/boxes';
import { inspectFile } from '../../../electron/core/boxes/file-source';
import { compareFiles } from '../../../electron/core/compare/files';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { BROKEN_RULES, brokenFixture } from '../../fixtures/mse-broken';
import { parseTree, serialize } from '../../fixtures/box-edit';
import { cached, clip, CORPUS_DIR, corpusAvailable, ffmpegFixture, fmp4 } from '../../fixtures/generate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FRAG = 'frag_keyframe+empty_moov+default_base_moof';
const tiny = { duration: 1, width: 160, height: 90 } as const;
const CENC = ['-encryption_scheme', 'cenc-aes-ctr', '-encryption_key', '00112233445566778899aabbccddeeff', '-encryption_kid', '0123456789abcdef0123456789abcdef'];

/** An encrypted HEVC fMP4 (`encv` whose `frma` is `hvc1`), and its clear twin. */
const hevc = (encrypted: boolean) => clip({ ...tiny, video: 'libx265', audio: null, movflags: FRAG, extra: ['-tag:v', 'hvc1', ...(encrypted ? CENC : [])] });
/** An encrypted H.264/AAC fMP4 (`encv` of `avc1`, `enca` of `mp4a`). */
const avcAac = () => fmp4({ ...tiny, extra: CENC });
const audioOnly = (codec: string, extra: string[] = [], movflags = FRAG) =>
  ffmpegFixture(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1', '-c:a', codec, ...extra, '-movflags', movflags, '{out}']);

/** Inspector codec strings by track id (tracks with a sample entry). */
async function inspectCodecs(file: string): Promise<[number, string][]> {
  const r = await inspectFile(file);
  return r.tracks.filter((t) => t.sampleEntry !== undefined).map((t) => [t.id, t.codec ?? '']);
}

/** Lint codec strings by track id (first track of an id, as the Inspector lists it). */
async function lintCodecs(file: string): Promise<[number, string][]> {
  const a = await analyzeMse([file]);
  const seen = new Set<number>();
  return a.tracks.filter((t) => !seen.has(t.id) && seen.add(t.id)).map((t) => [t.id, t.codec]);
}

async function expectAgreement(file: string): Promise<[number, string][]> {
  const inspected = await inspectCodecs(file);
  expect(inspected, `${path.basename(file)}: inspect and lint codec strings`).toEqual(await lintCodecs(file));
  return inspected;
}

function mwbJson(...args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.on('error', reject);
    proc.on('close', () => {
      try {
        resolve(JSON.parse(out));
      } catch (err) {
        reject(new Error(`mwb ${args.join(' ')} printed no JSON: ${out.slice(0, 200)}`, { cause: err }));
      }
    });
  });
}

describe('encrypted entries: the Inspector resolves sinf/frma as the lint does', () => {
  it('encrypted HEVC init segment: inspect, lint and Compare all say hvc1…, not encv', async () => {
    const file = await hevc(true);
    const clearCodecs = await inspectCodecs(await hevc(false));
    const r = await inspectFile(file);
    const track = r.tracks[0]!;
    expect(track).toMatchObject({ sampleEntry: 'encv', encrypted: { scheme: 'cenc', originalFormat: 'hvc1' } });
    expect(track.codec).toMatch(/^hvc1\.1\.6\.L\d+\.[0-9a-f]+$/);
    // The protected stream is the clear one: same string as the unencrypted twin.
    expect(track.codec).toBe(clearCodecs[0]![1]);
    const entry = descend(r.boxes.find((b) => b.type === 'moov'), 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'encv') as BoxNode;
    expect(entry.derived?.codec).toBe(track.codec);
    await expectAgreement(file);

    const cmp = await compareFiles({ file: await hevc(false) }, { file });
    const codecTopic = cmp.result.summary.find((s) => s.id === 'codec');
    expect(codecTopic).toMatchObject({ a: track.codec, b: `${track.codec} (encrypted as encv)`, rule: 'codec-string' });
  });

  it('mwb inspect --json and mwb lint --json print the same codec for every track of an encrypted H.264/AAC file', async () => {
    const file = await avcAac();
    const inspected = (await mwbJson('inspect', file, '--json')) as { tracks: { id: number; codec?: string; sampleEntry?: string }[] };
    const linted = (await mwbJson('lint', file, '--json')) as { tracks: { id: number; codec: string }[] };
    expect(inspected.tracks.map((t) => t.sampleEntry)).toEqual(['encv', 'enca']);
    expect(inspected.tracks.map((t) => [t.id, t.codec])).toEqual(linted.tracks.map((t) => [t.id, t.codec]));
    expect(linted.tracks.map((t) => t.codec)).toEqual([expect.stringMatching(/^avc1\.[0-9a-f]{6}$/), 'mp4a.40.2']);
  });
});

describe('inspect and lint report identical codec strings on every fixture', () => {
  const generated: [string, () => Promise<string>][] = [
    ['H.264/AAC progressive', () => clip(tiny)],
    ['H.264/AAC fMP4', () => fmp4(tiny)],
    ['HEVC hev1', () => clip({ ...tiny, video: 'libx265', audio: null, movflags: FRAG })],
    ['HEVC hvc1', () => hevc(false)],
    ['HEVC hvc1, cenc', () => hevc(true)],
    ['H.264/AAC, cenc', avcAac],
    ['VP9', () => clip({ ...tiny, video: 'libvpx-vp9', audio: null, movflags: FRAG })],
    ['AV1', () => clip({ ...tiny, video: 'libaom-av1', audio: null, movflags: `${FRAG}+delay_moov` })],
    ['MPEG-4 Part 2', () => clip({ ...tiny, video: 'mpeg4', audio: null })],
    ['MP3', () => audioOnly('libmp3lame')],
    ['Opus', () => audioOnly('libopus')],
    ['FLAC', () => audioOnly('flac', ['-strict', '-2'])],
    ['AC-3', () => audioOnly('ac3', [], `${FRAG}+delay_moov`)],
    ['E-AC-3', () => audioOnly('eac3', [], `${FRAG}+delay_moov`)],
  ];
  for (const [name, make] of generated) {
    it(name, async () => {
      const codecs = await expectAgreement(await make());
      expect(codecs.length).toBeGreaterThan(0);
      for (const [, codec] of codecs) expect(codec).not.toMatch(/^(enc[av]|Opus|fLaC)$/);
    });
  }
  it('every broken MSE fixture', async () => {
    for (const rule of BROKEN_RULES) await expectAgreement((await brokenFixture(rule)).file);
  });
});

describe.skipIf(!corpusAvailable())('inspect and lint report identical codec strings on every corpus file', () => {
  const files = corpusAvailable() ? readdirSync(CORPUS_DIR).filter((f) => f !== 'LICENSE' && f !== 'README.md').sort() : [];
  for (const name of files) it(name, () => expectAgreement(path.join(CORPUS_DIR, name)));
});

describe('flag names', () => {
  it("Compare names a tfhd's flag bits exactly as the Inspector's detail pane does", async () => {
    const a = await clip({ ...tiny, movflags: 'frag_keyframe+empty_moov' });
    const b = await fmp4(tiny);
    const inspected = await inspectFile(b);
    const tfhd = child(child(inspected.boxes.find((x) => x.type === 'moof'), 'traf'), 'tfhd')!;
    const cmp = await compareFiles({ file: a }, { file: b });
    const row = cmp.result.rows.findIndex((r) => r.a?.type === 'tfhd' && r.status === 'changed');
    const fields = cmp.fields(row);
    const flags = fields.fields.find((f) => f.name === 'flags')!;
    // The detail pane shows hexFlags + flagNames of the same value: one table behind both, and
    // mwb inspect's text tree prints the same names.
    expect(flags.b).toBe(flagsText('tfhd', tfhd.flags!));
    const tree = [...formatTree(inspected.boxes)];
    expect(tree).toContainEqual(expect.stringMatching(/\[tfhd\] .* flags=0x020038 \[default-sample-duration-present, default-sample-size-present, default-sample-flags-present, default-base-is-moof\] \(Track Fragment Header\)$/));
    expect(flagNames('tfhd', tfhd.flags!)).toEqual(['default-sample-duration-present', 'default-sample-size-present', 'default-sample-flags-present', 'default-base-is-moof']);
  });

  it('every optional tfhd/trun field the engine decodes has a presence bit, and no two bits share a name', async () => {
    const inspected = await inspectFile(await fmp4(tiny));
    const traf = child(inspected.boxes.find((x) => x.type === 'moof'), 'traf');
    for (const type of ['tfhd', 'trun'] as const) {
      const node = child(traf, type)!;
      const governed = FLAG_BITS[type]!.filter((bit) => bit.field).map((bit) => bit.field);
      for (const field of governed) expect(Object.keys(node.fields), `${type}.${field}`).toContain(field);
      const names = FLAG_BITS[type]!.map((bit) => bit.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('one handler → kind map: the Inspector and the lint agree on every track of a MOV with a timecode track', async () => {
    const mov = await ffmpegFixture(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=1', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:v', 'libx264', '-c:a', 'aac', '-timecode', '01:02:03:04', '{out}'], 'mov');
    const inspected = await inspectFile(mov);
    const linted = await analyzeMse([mov]);
    expect(inspected.tracks.map((t) => t.kind)).toEqual(['video', 'audio', 'timecode']);
    for (const t of inspected.tracks) {
      const l = linted.tracks.find((x) => x.id === t.id)!;
      expect(trackKind(t.handler)).toBe(t.kind);
      // MSE has no timecode kind: such tracks are `other` there.
      expect(l.kind).toBe(t.kind === 'timecode' || t.kind === 'metadata' ? 'other' : t.kind);
    }
  });
});

describe('DRM systems', () => {
  /** The encrypted H.264/AAC file with a Widevine pssh (version 0, 4 bytes of data) added to moov. */
  async function withPssh(): Promise<string> {
    const src = await avcAac();
    return cached(JSON.stringify({ v: 1, pssh: src }), 'mp4', async (tmp) => {
      const tree = parseTree(new Uint8Array(await readFile(src)));
      const moov = tree.find((b) => b.type === 'moov')!;
      const systemId = 'edef8ba979d64acea3c827dcd51d21ed'.match(/../g)!.map((h) => parseInt(h, 16));
      const payload = Uint8Array.from([0, 0, 0, 0, ...systemId, 0, 0, 0, 4, 1, 2, 3, 4]);
      moov.children!.push({ type: 'pssh', prefix: new Uint8Array(0), payload });
      await writeFile(tmp, serialize(tree));
    });
  }

  it("the Inspector's pssh SystemID and Compare's protection topic name the same system", async () => {
    const file = await withPssh();
    const r = await inspectFile(file);
    const pssh = child(r.boxes.find((b) => b.type === 'moov'), 'pssh')!;
    expect(drmSystemName(pssh.fields.system_id as string)).toBe('Widevine');
    const cmp = await compareFiles({ file: await avcAac() }, { file });
    expect(cmp.result.summary.find((x) => x.id === 'pssh')).toMatchObject({ a: 'none', b: 'Widevine' });
  });
});
