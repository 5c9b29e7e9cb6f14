/**
 * Real-world files (mp4ff's test corpus): every file equals itself, init segments compare pairwise
 * without trouble, and encrypted against clear content names the encryption topics.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFiles } from '../../../electron/core/compare/files';
import { CORPUS_DIR, corpusAvailable } from '../../fixtures/generate';

const available = corpusAvailable();
const files = available ? readdirSync(CORPUS_DIR).filter((f) => f !== 'LICENSE').sort() : [];
const at = (f: string) => path.join(CORPUS_DIR, f);

describe.skipIf(!available)('compare on the mp4ff corpus', () => {
  it('every file compared with itself reports no difference', async () => {
    for (const f of files) {
      const r = (await compareFiles({ file: at(f) }, { file: at(f) })).result;
      expect(r.identical, f).toBe(true);
      expect(r.differences, f).toEqual([]);
    }
  });

  it('init segments compared pairwise: no crash, a summary for both, rows for every box', async () => {
    const inits = files.filter((f) => /init|\.cmfv$|\.m4i$/.test(f));
    expect(inits.length).toBeGreaterThan(5);
    for (const x of inits) {
      for (const y of inits) {
        if (x >= y) continue;
        const r = (await compareFiles({ file: at(x) }, { file: at(y) })).result;
        expect(r.summary.length, `${x} vs ${y}`).toBeGreaterThan(0);
        expect(r.rows.filter((row) => row.a).length, `${x} vs ${y}`).toBe(r.a.boxes);
        expect(r.rows.filter((row) => row.b).length, `${x} vs ${y}`).toBe(r.b.boxes);
        expect(r.identical).toBe(false);
      }
    }
  });

  it('an encrypted file against its decrypted twin names the encryption topics', async () => {
    const r = (await compareFiles({ file: at('cbcs.mp4') }, { file: at('cbcsdec.mp4') })).result;
    const differing = Object.fromEntries(r.summary.filter((s) => !s.same).map((s) => [s.id, s]));
    expect(differing.encryption).toMatchObject({ a: 'cbcs', b: 'clear', rule: 'encryption-scheme-unsupported' });
    expect(differing['sample-entry']).toMatchObject({ a: 'encv', b: 'avc1' });
    expect(differing.pssh?.a).toBe('PlayReady, Widevine');
    expect(differing['sample-encryption']?.b).toBe('none');
    expect(r.differences).toContainEqual(expect.objectContaining({ path: 'moov/trak[0]/mdia/minf/stbl/stsd/encv/sinf', kind: 'removed' }));
  });

  it('an HEVC media segment with its init against itself and against the init alone', async () => {
    const seg = { file: at('hvc1_seg_1.m4s'), init: at('hvc1_init.mp4') };
    expect((await compareFiles(seg, seg)).result.identical).toBe(true);
    const r = (await compareFiles(seg, { file: at('hvc1_init.mp4') })).result;
    expect(r.differences.filter((d) => d.kind === 'removed' && d.path.startsWith('moof')).length).toBeGreaterThan(0);
    expect(r.summary.find((s) => s.id === 'codec')).toMatchObject({ same: true });
  });
});
