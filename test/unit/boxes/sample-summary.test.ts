/**
 * Track summaries of a cold parse come from `sampleSummary`, which reads counts, bytes, sync
 * samples, decode span and fragments straight from the boxes instead of building sample tables.
 * It must agree with `summarize(sampleTable(…))` on every kind of file.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectFile, sampleSummary, sampleTable, summarize, trackIds } from '../../../electron/core/boxes';
import { clip, CORPUS_DIR, corpusAvailable, ffmpegFixture, fmp4 } from '../../fixtures/generate';

async function expectAgreement(file: string, options: { maxSamples?: number } = {}): Promise<number> {
  const result = await inspectFile(file, { tracks: false });
  let checked = 0;
  for (const id of trackIds(result.boxes)) {
    const table = sampleTable(result.boxes, id, { fileSize: result.size, ...options });
    const summary = sampleSummary(result.boxes, id, { fileSize: result.size, ...options });
    expect(summary, `${file} track ${id}`).toEqual(table ? summarize(table) : null);
    checked++;
  }
  return checked;
}

describe('sampleSummary', () => {
  it('equals the summary of the sample table on fMP4, progressive MP4, B-frames and several trafs per moof', async () => {
    const files = [
      await fmp4({ duration: 3, fps: 30, gop: 30 }),
      await clip({ duration: 2, fps: 25 }),
      await clip({ duration: 2, fps: 24, extra: ['-bf', '2'] }),
      // Every sample its own fragment, audio and video in one moof each.
      await ffmpegFixture([
        '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=15:d=2', '-f', 'lavfi', '-i', 'sine=d=2',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '5', '-c:a', 'aac', '-movflags', 'frag_every_frame+empty_moov+default_base_moof', '-y', '{out}',
      ]),
    ];
    for (const f of files) expect(await expectAgreement(f)).toBeGreaterThan(0);
  });

  it('applies the same sample cap as the table', async () => {
    const file = await fmp4({ duration: 3, fps: 30, gop: 30 });
    await expectAgreement(file, { maxSamples: 45 });
    await expectAgreement(file, { maxSamples: 0 });
  });

  it.runIf(corpusAvailable())('equals the summary of the sample table on every corpus file', async () => {
    let tracks = 0;
    for (const name of readdirSync(CORPUS_DIR).sort()) {
      const p = path.join(CORPUS_DIR, name);
      if (!statSync(p).isFile() || name === 'LICENSE') continue;
      tracks += await expectAgreement(p);
    }
    expect(tracks).toBeGreaterThan(20);
  });

  it('keeps inspectFile track summaries as they were (sample counts, bytes, fragments)', async () => {
    const file = await fmp4({ duration: 3, fps: 30, gop: 30 });
    const result = await inspectFile(file);
    for (const t of result.tracks) {
      const s = summarize(sampleTable(result.boxes, t.id, { fileSize: result.size })!);
      expect([t.sampleCount, t.bytes, t.fragmentCount]).toEqual([s.count, s.bytes, s.fragments]);
    }
    expect(result.tracks.find((t) => t.kind === 'video')!.sampleCount).toBe(90);
  });
});
