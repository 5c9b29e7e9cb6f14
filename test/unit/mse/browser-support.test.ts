import { describe, expect, it } from 'vitest';
import { presetInfo, PRESETS } from '../../../electron/core/jobs/presets';
import { codecSupport, unsupportedTrackText } from '../../../electron/core/mse/browser-support';
import type { Finding, MseAnalysis } from '../../../electron/core/mse/types';
import { findingText, unsupportedNotices } from '../../../renderer/lib/mse/support';

const hevc = { id: 1, kind: 'video' as const, codec: 'hvc1.1.6.L93.B0', mime: 'video/mp4; codecs="hvc1.1.6.L93.B0"' };
const aac = { id: 2, kind: 'audio' as const, codec: 'mp4a.40.2', mime: 'audio/mp4; codecs="mp4a.40.2"' };

function analysisOf(streams: { tracks: (typeof hevc | typeof aac)[]; mime: string }[], fragmented = true): MseAnalysis {
  return { fragmented, streams: streams.map((s, index) => ({ index, label: `stream ${index}`, segments: [], ...s })) } as unknown as MseAnalysis;
}

describe('which browsers play a codec', () => {
  it('knows HEVC and ProRes are not for every browser, H.264 and AAC are', () => {
    expect(codecSupport('hvc1.1.6.L93.B0')).toMatchObject({ name: 'HEVC (H.265)', everywhere: false });
    expect(codecSupport('hev1.1.6.L93.B0')?.browsers).toContain('not Firefox');
    expect(codecSupport('apch')).toMatchObject({ name: 'Apple ProRes', everywhere: false });
    expect(codecSupport('avc1.64001f')?.everywhere).toBe(true);
    expect(codecSupport('mp4a.40.2')?.everywhere).toBe(true);
    expect(codecSupport('zzzz')).toBeNull();
  });

  it('the hevc-mp4 and prores-timecode presets say which browsers play the result', () => {
    const caps = { encoders: new Set<string>(), muxers: new Set<string>(), filters: new Set<string>(), hwEncoders: [] } as never;
    const byId = (id: string) => presetInfo(PRESETS.find((p) => p.id === id)!, caps).description;
    expect(byId('hevc-mp4')).toContain('Plays in Safari on macOS and iOS');
    expect(byId('hevc-mp4')).toContain('not Chromium on Linux');
    expect(byId('prores-timecode')).toContain('no browser through MSE');
  });
});

describe("the Player's unsupported-track notice", () => {
  it('per-track SourceBuffers (fragmented on the fly): names the track and says only the audio plays', () => {
    const a = analysisOf([{ tracks: [hevc, aac], mime: 'video/mp4; codecs="hvc1.1.6.L93.B0,mp4a.40.2"' }], false);
    const notices = unsupportedNotices(a, { tracks: new Map([['0:1', false], ['0:2', true]]), streams: [false] }, true);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('cannot decode the video track 1 (hvc1.1.6.L93.B0, HEVC (H.265))');
    expect(notices[0]!.text).toContain('Only the audio plays; the picture stays empty.');
    expect(unsupportedTrackText(hevc, [])).toContain('Nothing can play.');
  });

  it('one muxed SourceBuffer: an unsupported codec stops the other tracks too', () => {
    const a = analysisOf([{ tracks: [hevc, aac], mime: 'video/mp4; codecs="hvc1.1.6.L93.B0,mp4a.40.2"' }]);
    const notices = unsupportedNotices(a, { tracks: new Map([['0:1', false], ['0:2', true]]), streams: [false] }, false);
    expect(notices[0]!.text).toContain('Nothing can play.');
    expect(unsupportedNotices(a, { tracks: new Map([['0:1', true], ['0:2', true]]), streams: [true] }, false)).toEqual([]);
  });

  it("notes the browser's lack of MSE support on the lint's codec finding", () => {
    const f = { rule: 'codec-string', severity: 'info', message: 'Track 1 (video, hvc1): hvc1.1.6.L93.B0', path: 'x', offset: 0, track: 1 } as Finding;
    expect(findingText(f, { tracks: new Map([['0:1', false]]), streams: [false] })).toContain('Not supported by MSE in this browser');
    expect(findingText(f, { tracks: new Map([['0:1', true]]), streams: [true] })).toBe(f.message);
  });
});
