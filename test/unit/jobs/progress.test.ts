import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outTimeSeconds, parseBitrateKbps, parseSpeed, ProgressReader, scalePercent, summarizeProgress } from '../../../electron/core/jobs/progress';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Captured from ffmpeg 5.1 `-progress pipe:1 -nostats` (see the file names for the runs). */
const fixture = (name: string) => readFileSync(path.join(here, 'fixtures', name), 'utf8');

describe('ProgressReader on real -progress output', () => {
  it('splits a 3 s H.264 transcode into blocks, however the bytes are chunked', () => {
    const text = fixture('progress-x264-3s.txt');
    const whole = new ProgressReader().push(text);
    expect(whole.length).toBe(7);
    expect(whole.at(-1)!.progress).toBe('end');
    expect(whole.slice(0, -1).every((b) => b.progress === 'continue')).toBe(true);
    // Same result when fed 7 bytes at a time (lines cut anywhere).
    const r = new ProgressReader();
    const chunked = [];
    for (let i = 0; i < text.length; i += 7) chunked.push(...r.push(text.slice(i, i + 7)));
    expect(chunked).toEqual(whole);
  });

  it('reads the keys of a block', () => {
    const [first] = new ProgressReader().push(fixture('progress-x264-3s.txt'));
    expect(first!.frame).toBe('1');
    expect(first!.total_size).toBe('48');
    expect(outTimeSeconds(first!)).toBeCloseTo(0.02322, 5);
  });
});

describe('summarizeProgress', () => {
  const blocks = new ProgressReader().push(fixture('progress-x264-3s.txt'));

  it('gives percent from media time over the expected duration and ETA from speed', () => {
    const b = blocks[2]!; // out_time 1.021678 s, speed 0.98x or so
    const p = summarizeProgress(b, { durationSeconds: 3, elapsedSeconds: 1.1 });
    expect(p.percent).toBeCloseTo((outTimeSeconds(b)! / 3) * 100, 5);
    const speed = parseSpeed(b.speed)!;
    expect(speed).toBeGreaterThan(0);
    expect(p.speed).toBe(speed);
    expect(p.etaSeconds).toBeCloseTo((3 - outTimeSeconds(b)!) / speed, 1);
    expect(p.fps).toBeGreaterThan(0);
  });

  it('reports the media time reached and no time left at progress=end', () => {
    const p = summarizeProgress(blocks.at(-1)!, { durationSeconds: 3, elapsedSeconds: 3.1 });
    expect(p.percent).toBe(100); // out_time 3.03 s of 3 s, clamped
    const cut = summarizeProgress(blocks.at(-1)!, { durationSeconds: 6, elapsedSeconds: 3.1 });
    expect(cut.percent).toBeCloseTo((3.0186 / 6) * 100, 1); // an ffmpeg stopped half-way also ends with progress=end
    expect(p.etaSeconds).toBe(0);
    expect(p.outSize).toBeGreaterThan(1000);
  });

  it('leaves percent unknown without a duration, but keeps size and time', () => {
    const p = summarizeProgress(blocks[3]!, { durationSeconds: null, elapsedSeconds: 2 });
    expect(p.percent).toBeNull();
    expect(p.etaSeconds).toBeNull();
    expect(p.outTimeSeconds).toBeGreaterThan(1);
  });

  it('uses bytes over input size when only the size is known (stream copy)', () => {
    const p = summarizeProgress({ total_size: '250', out_time_us: 'N/A', speed: 'N/A', progress: 'continue' }, { durationSeconds: null, inputBytes: 1000, elapsedSeconds: 2 });
    expect(p.percent).toBe(25);
    expect(p.etaSeconds).toBeCloseTo(6, 5);
  });

  it('treats the start of an encode (speed N/A or 0x, no output time) as unknown rate, not infinite ETA', () => {
    const start = new ProgressReader().push(fixture('progress-x264-lookahead-start.txt'));
    const first = summarizeProgress(start[0]!, { durationSeconds: 1, elapsedSeconds: 0.05 });
    expect(first.speed).toBeNull();
    expect(first.percent).toBe(0);
    expect(first.etaSeconds).toBeNull();
    const second = summarizeProgress(start[1]!, { durationSeconds: 1, elapsedSeconds: 0.1 });
    expect(second.speed).toBeNull(); // "speed=   0x"
    expect(second.bitrateKbps).toBeNull(); // "bitrate=N/A"
  });

  it('handles an audio-only encode (no frame/fps keys)', () => {
    const blocks = new ProgressReader().push(fixture('progress-mp3-audio-only.txt'));
    const last = summarizeProgress(blocks.at(-1)!, { durationSeconds: 3, elapsedSeconds: 0.02 });
    expect(last.fps).toBeNull();
    expect(last.speed).toBe(230);
    expect(last.bitrateKbps).toBeCloseTo(65.4, 5);
    expect(last.percent).toBeCloseTo(100, 0);
  });
});

describe('small parsers', () => {
  it('parses speed, bitrate and negative/NA times', () => {
    expect(parseSpeed(' 1.5x')).toBe(1.5);
    expect(parseSpeed('N/A')).toBeNull();
    expect(parseSpeed('   0x')).toBeNull();
    expect(parseBitrateKbps('  708.4kbits/s')).toBe(708.4);
    expect(parseBitrateKbps('N/A')).toBeNull();
    expect(outTimeSeconds({ out_time_us: '-23220' })).toBe(0);
    expect(outTimeSeconds({ out_time_us: 'N/A', out_time: '00:01:02.500000' })).toBe(62.5);
    expect(outTimeSeconds({ out_time: 'N/A' })).toBeNull();
  });

  it('maps a pass percent into its share of the job', () => {
    expect(scalePercent(50, [40, 100])).toBe(70);
    expect(scalePercent(null, [0, 50])).toBeNull();
  });
});
