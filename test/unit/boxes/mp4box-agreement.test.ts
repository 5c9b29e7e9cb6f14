/**
 * The engine must agree with mp4box.js on box types, offsets and sizes, at every level where
 * mp4box.js lists children, on every corpus file and on generated fixtures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferSource, parseBoxTree, type BoxNode } from '../../../electron/core/boxes';
import { cached, clip, CORPUS_DIR, corpusAvailable, ffmpeg, fmp4, run } from '../../fixtures/generate';
import { mp4boxTree, type RefBox } from './mp4box-tree';

/**
 * Corpus files mp4box.js does not parse completely, and why. The complete boxes are still
 * compared; what mp4box.js cannot see is checked against the engine's error nodes instead.
 */
const EXPLAINED: Record<string, { reason: string; ourErrors: string[] }> = {
  LICENSE: {
    reason: 'not a media file: mp4box.js finds no box at all; the engine reads "Lice" as a box header claiming 1.3 GB and reports it',
    ourErrors: ['box-truncated'],
  },
  'init_truncated.mp4': {
    reason: 'the file ends inside moov: mp4box.js waits for more data and never reports moov; the engine reports moov and mvhd as box-truncated',
    ourErrors: ['box-truncated', 'box-truncated'],
  },
};

interface Comparison {
  compared: number;
  problems: string[];
}

function compare(ours: BoxNode[], ref: RefBox[], where: string, acc: Comparison): void {
  const complete = ours.filter((n) => !n.error);
  for (const r of ref) {
    const m = complete.find((n) => n.offset === r.start);
    if (!m) {
      acc.problems.push(`${where || '(top)'}: mp4box.js has ${r.type} at ${r.start} (${r.size} bytes), the engine does not`);
      continue;
    }
    acc.compared++;
    if (m.type !== r.type || m.size !== r.size) acc.problems.push(`${m.path}: mp4box.js says ${r.type}/${r.size} bytes, the engine ${m.type}/${m.size}`);
    if (r.children) {
      if (!m.children) acc.problems.push(`${m.path}: mp4box.js lists ${r.children.length} children, the engine none`);
      else compare(m.children, r.children, m.path, acc);
    }
  }
  for (const m of complete) {
    if (!ref.some((r) => r.start === m.offset)) acc.problems.push(`${m.path}: the engine has ${m.type} at ${m.offset}, mp4box.js does not`);
  }
}

function errorsOf(nodes: BoxNode[]): string[] {
  const out: string[] = [];
  const rec = (list: BoxNode[]) => {
    for (const n of list) {
      if (n.error) out.push(n.error.rule);
      if (n.children) rec(n.children);
    }
  };
  rec(nodes);
  return out;
}

async function agree(bytes: Uint8Array): Promise<Comparison & { ours: BoxNode[]; ref: RefBox[] }> {
  const ref = mp4boxTree(bytes);
  const ours = await parseBoxTree(bufferSource(bytes));
  const acc: Comparison = { compared: 0, problems: [] };
  compare(ours, ref, '', acc);
  return { ...acc, ours, ref };
}

describe.skipIf(!corpusAvailable())('agreement with mp4box.js on the mp4ff corpus', () => {
  const files = corpusAvailable() ? readdirSync(CORPUS_DIR).sort() : [];
  it('has files to compare', () => {
    expect(files.length).toBeGreaterThan(20);
  });
  for (const name of files) {
    it(name, async () => {
      const bytes = new Uint8Array(readFileSync(path.join(CORPUS_DIR, name)));
      const result = await agree(bytes);
      expect(result.problems).toEqual([]);
      const explained = EXPLAINED[name];
      if (explained) {
        expect(errorsOf(result.ours), explained.reason).toEqual(explained.ourErrors);
      } else {
        expect(errorsOf(result.ours)).toEqual([]);
        // mp4box.js parsed it: a real comparison happened, not an empty one.
        expect(result.compared).toBeGreaterThan(3);
        expect(result.ref.length).toBe(result.ours.length);
      }
    });
  }
});

describe('agreement with mp4box.js on generated fixtures', () => {
  const fixtures: Record<string, () => Promise<string>> = {
    'H.264/AAC fMP4 (empty_moov, default_base_moof)': () => fmp4({ duration: 3 }),
    'H.264/AAC progressive': () => clip({ duration: 2 }),
    'H.264/AAC progressive, faststart': () => clip({ duration: 2, movflags: '+faststart' }),
    'HEVC progressive (hvc1)': () => clip({ duration: 1, video: 'libx265', audio: null, extra: ['-tag:v', 'hvc1'] }),
    'VP9/Opus fMP4': () => fmp4({ duration: 1, video: 'libvpx-vp9', audio: 'libopus' }),
    'CMAF-style fMP4 with sidx (dash brand, global_sidx)': () => fmp4({ duration: 3, movflags: 'frag_keyframe+empty_moov+default_base_moof+global_sidx' }),
    'QuickTime MOV with a tmcd track': () =>
      cached('agree-mov-tmcd', 'mov', (tmp) =>
        run(ffmpeg(), ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=1', '-f', 'lavfi', '-i', 'sine=d=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'pcm_s16le', '-timecode', '10:00:00:00', tmp]),
      ),
  };
  for (const [label, make] of Object.entries(fixtures)) {
    it(label, async () => {
      const file = await make();
      const result = await agree(new Uint8Array(await readFile(file)));
      expect(result.problems).toEqual([]);
      expect(errorsOf(result.ours)).toEqual([]);
      expect(result.compared).toBeGreaterThan(10);
    });
  }
});
