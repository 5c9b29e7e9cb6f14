import { mkdtemp, writeFile, copyFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { dashStreams, fillTemplate, hlsStreams, isoDuration, resolveInside } from '../../../electron/core/mse/manifest';
import { parseXml } from '../../../electron/core/mse/xml';
import { cleanFmp4, segmentedSet } from '../../fixtures/mse-broken';

const dir = '/media/show';
const noLoad = async () => {
  throw new Error('not expected');
};

describe('HLS playlists', () => {
  it('reads EXT-X-MAP, segments and byte ranges (offsets continue from the previous range)', async () => {
    const text = ['#EXTM3U', '#EXT-X-MAP:URI="main.mp4",BYTERANGE="720@0"', '#EXTINF:2,', '#EXT-X-BYTERANGE:1000@720', 'main.mp4', '#EXTINF:2,', '#EXT-X-BYTERANGE:500', 'main.mp4', '#EXT-X-ENDLIST'].join('\n');
    const [s] = await hlsStreams(`${dir}/index.m3u8`, text, noLoad);
    expect(s!.parts).toEqual([
      { path: `${dir}/main.mp4`, role: 'init', offset: 0, size: 720 },
      { path: `${dir}/main.mp4`, role: 'segment', offset: 720, size: 1000 },
      { path: `${dir}/main.mp4`, role: 'segment', offset: 1720, size: 500 },
    ]);
  });

  it('follows the variants and renditions of a master playlist', async () => {
    const master = ['#EXTM3U', '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/index.m3u8"', '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,AUDIO="a"', 'v360/index.m3u8'].join('\n');
    const media = (n: string) => ['#EXTM3U', '#EXT-X-MAP:URI="init.mp4"', '#EXTINF:1,', `${n}.m4s`].join('\n');
    const streams = await hlsStreams(`${dir}/master.m3u8`, master, async (p) => media(path.basename(path.dirname(p))));
    expect(streams.map((s) => [s.label, s.parts.map((p) => path.relative(dir, p.path))])).toEqual([
      ['AUDIO en · index.m3u8', ['audio/init.mp4', 'audio/audio.m4s']],
      ['variant 640x360 800 kb/s · index.m3u8', ['v360/init.mp4', 'v360/v360.m4s']],
    ]);
  });

  it('refuses remote segments and paths outside the folder; reads MPEG-TS playlists and marks them', async () => {
    await expect(hlsStreams(`${dir}/a.m3u8`, '#EXTM3U\n#EXTINF:1,\nhttps://cdn.example/seg.m4s', noLoad)).rejects.toThrow(/remote segments are not fetched/);
    await expect(hlsStreams(`${dir}/a.m3u8`, '#EXTM3U\n#EXTINF:1,\n../../etc/passwd', noLoad)).rejects.toThrow(/outside its folder/);
    // MPEG-TS is no longer refused: it is read, marked, and the lint explains it (hls-ts-needs-transmux, test/unit/mse/ladder.test.ts).
    const [ts] = await hlsStreams(`${dir}/a.m3u8`, '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg0.ts', noLoad);
    expect(ts!.declared).toMatchObject({ kind: 'playlist', transportStream: true, targetDuration: 1, durations: [1] });
    expect(ts!.declared!.mapMissing).toBeUndefined();
    await expect(hlsStreams(`${dir}/a.m3u8`, 'hello', noLoad)).rejects.toThrow(/not an HLS playlist/);
    expect(resolveInside(dir, 'sub/x%20y.m4s', 'm')).toBe(`${dir}/sub/x y.m4s`);
  });
});

describe('DASH manifests', () => {
  const mpd = (inner: string, attrs = 'mediaPresentationDuration="PT4S"') => `<?xml version="1.0"?>
<!-- a comment -->
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" ${attrs}><Period>${inner}</Period></MPD>`;

  it('expands SegmentTemplate with a SegmentTimeline ($Time$, repeats)', () => {
    const text = mpd(`<AdaptationSet mimeType="video/mp4"><SegmentTemplate timescale="1000" initialization="$RepresentationID$/init.mp4" media="$RepresentationID$/t$Time$.m4s"><SegmentTimeline><S t="0" d="2000" r="1"/><S d="1000"/></SegmentTimeline></SegmentTemplate><Representation id="v1" bandwidth="1"/></AdaptationSet>`);
    const [s] = dashStreams(`${dir}/m.mpd`, text, () => true);
    expect(s!.parts.map((p) => [path.relative(dir, p.path), p.role])).toEqual([
      ['v1/init.mp4', 'init'],
      ['v1/t0.m4s', 'segment'],
      ['v1/t2000.m4s', 'segment'],
      ['v1/t4000.m4s', 'segment'],
    ]);
  });

  it('expands $Number%05d$ templates for the implied count and while files exist, keeping a missing one for segment-unavailable', () => {
    const text = mpd(`<AdaptationSet><Representation id="0" mimeType="video/mp4"><SegmentTemplate timescale="1" duration="1" startNumber="1" initialization="init-$RepresentationID$.m4s" media="chunk-$RepresentationID$-$Number%05d$.m4s"/></Representation></AdaptationSet>`);
    const have = new Set(['init-0.m4s', 'chunk-0-00001.m4s', 'chunk-0-00002.m4s', 'chunk-0-00003.m4s', 'chunk-0-00004.m4s', 'chunk-0-00005.m4s'].map((f) => `${dir}/${f}`));
    const [s] = dashStreams(`${dir}/m.mpd`, text, (p) => have.has(p));
    expect(s!.parts.map((p) => path.basename(p.path))).toEqual([...have].map((p) => path.basename(p)));
    have.delete(`${dir}/chunk-0-00003.m4s`);
    // The durations imply segments 1–4: a missing one among them stays in the list, and the lint names it
    // (segment-unavailable, see test/unit/remote/http-rules.test.ts); 5 exists beyond the implied 4.
    const [t] = dashStreams(`${dir}/m.mpd`, text, (p) => have.has(p));
    expect(t!.parts.map((p) => path.basename(p.path))).toEqual(['init-0.m4s', 'chunk-0-00001.m4s', 'chunk-0-00002.m4s', 'chunk-0-00003.m4s', 'chunk-0-00004.m4s', 'chunk-0-00005.m4s']);
    // A remote MPD's files are not probed (`exists` answers undefined): the implied count only.
    const remote = dashStreams('https://cdn.example/v/m.mpd', text, () => undefined);
    expect(remote[0]!.parts.map((p) => p.path)).toEqual(['init-0.m4s', ...[1, 2, 3, 4].map((n) => `chunk-0-0000${n}.m4s`)].map((f) => `https://cdn.example/v/${f}`));
  });

  it('reads SegmentList byte ranges and SegmentBase single files', () => {
    const list = mpd(`<AdaptationSet><Representation id="a"><BaseURL>media.mp4</BaseURL><SegmentList><Initialization range="0-719"/><SegmentURL mediaRange="720-1719"/><SegmentURL mediaRange="1720-2219"/></SegmentList></Representation></AdaptationSet>`);
    expect(dashStreams(`${dir}/m.mpd`, list, () => true)[0]!.parts).toEqual([
      { path: `${dir}/media.mp4`, role: 'init', offset: 0, size: 720 },
      { path: `${dir}/media.mp4`, role: 'segment', offset: 720, size: 1000 },
      { path: `${dir}/media.mp4`, role: 'segment', offset: 1720, size: 500 },
    ]);
    const base = mpd(`<AdaptationSet><Representation id="a"><BaseURL>ondemand.mp4</BaseURL><SegmentBase indexRange="800-899"><Initialization range="0-799"/></SegmentBase></Representation></AdaptationSet>`);
    expect(dashStreams(`${dir}/m.mpd`, base, () => true)[0]!.parts).toEqual([{ path: `${dir}/ondemand.mp4`, role: 'auto' }]);
  });

  it('helpers: ISO durations, templates, XML entities', () => {
    expect(isoDuration('PT1H2M3.5S')).toBe(3723.5);
    expect(isoDuration('P1DT1S')).toBe(86401);
    expect(fillTemplate('$RepresentationID$_$Number%03d$_$$.m4s', { RepresentationID: 'v', Number: 7 })).toBe('v_007_$.m4s');
    const x = parseXml('<a x="1 &amp; 2"><b>t&lt;</b><![CDATA[<raw>]]></a>');
    expect(x.attrs.x).toBe('1 & 2');
    expect(x.children[0]!.text).toBe('t<');
    expect(x.text).toBe('<raw>');
    expect(() => parseXml('<a><b></a>')).toThrow();
  });
});

describe('manifests end to end', () => {
  let tmp = '';
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('lints an HLS playlist of byte ranges into one fMP4 and a DASH SegmentBase file', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'mwb-manifest-'));
    const file = await cleanFmp4();
    await copyFile(file, path.join(tmp, 'main.mp4'));
    // The same split the lint makes, written as byte ranges, must lint the same way.
    const whole = await analyzeMse([path.join(tmp, 'main.mp4')]);
    const s = whole.streams[0]!;
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-MAP:URI="main.mp4",BYTERANGE="${s.init!.size}@${s.init!.offset}"`];
    for (const seg of s.segments) lines.push('#EXTINF:1,', `#EXT-X-BYTERANGE:${seg.range.size}@${seg.range.offset}`, 'main.mp4');
    lines.push('#EXT-X-ENDLIST');
    await writeFile(path.join(tmp, 'ranges.m3u8'), lines.join('\n'));
    const hls = await analyzeMse([path.join(tmp, 'ranges.m3u8')]);
    expect(hls.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(hls.streams[0]!.segments.map((x) => x.range)).toEqual(s.segments.map((x) => x.range));

    await writeFile(path.join(tmp, 'od.mpd'), `<MPD mediaPresentationDuration="PT4S"><Period><AdaptationSet><Representation id="1" codecs="${whole.tracks.map((t) => t.codec).join(',')}" bandwidth="100000000"><BaseURL>main.mp4</BaseURL><SegmentBase/></Representation></AdaptationSet></Period></MPD>`);
    const od = await analyzeMse([path.join(tmp, 'od.mpd')]);
    expect(od.streams[0]!.segments).toHaveLength(4);
    expect(od.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('names the manifest when it cannot be used', async () => {
    const { dir: dashDir } = await segmentedSet('dash');
    await expect(analyzeMse([path.join(dashDir, 'manifest.mpd'), path.join(dashDir, 'init-0.m4s')])).rejects.toThrow(/manifest must be given alone/);
    await expect(analyzeMse([path.join(os.tmpdir(), 'no-such-dir', 'x.mpd')])).rejects.toThrow(/x\.mpd does not exist/);
  });
});

describe('HLS with m3u8-parser: masters, maps, discontinuities', () => {
  it('reads variants, EXT-X-MEDIA audio (subtitles left out: not MP4) and I-frame playlists, with what each declares', async () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="s",NAME="en",URI="subs/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=640x360,AUDIO="a",SUBTITLES="s"',
      'v360/index.m3u8',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,CODECS="avc1.64001f",URI="v360/iframes.m3u8"',
    ].join('\n');
    const media = (n: string) => ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="init.mp4"', '#EXTINF:2,', `${n}.m4s`, '#EXTINF:1.5,', `${n}b.m4s`].join('\n');
    const loaded: string[] = [];
    const streams = await hlsStreams(`${dir}/master.m3u8`, master, async (p) => {
      loaded.push(path.relative(dir, p));
      return media(path.basename(p, '.m3u8'));
    });
    expect(loaded).toEqual(['audio/index.m3u8', 'v360/index.m3u8', 'v360/iframes.m3u8']);
    expect(streams.map((s) => [s.label, s.declared])).toEqual([
      ['AUDIO en · index.m3u8', { kind: 'audio', ladder: 'AUDIO a', name: 'en', playlist: `${dir}/audio/index.m3u8`, targetDuration: 2, durations: [2, 1.5] }],
      [
        'variant 640x360 800 kb/s · index.m3u8',
        { kind: 'variant', ladder: 'variants', codecs: 'avc1.64001f,mp4a.40.2', bandwidth: 800000, resolution: { width: 640, height: 360 }, audioGroup: 'a', playlist: `${dir}/v360/index.m3u8`, targetDuration: 2, durations: [2, 1.5] },
      ],
      ['I-frames 90 kb/s · iframes.m3u8', { kind: 'iframe', codecs: 'avc1.64001f', playlist: `${dir}/v360/iframes.m3u8`, targetDuration: 2, durations: [2, 1.5] }],
    ]);
  });

  it('adds an init part where EXT-X-MAP changes after a discontinuity, and marks a playlist without any map', async () => {
    const text = ['#EXTM3U', '#EXT-X-MAP:URI="a/init.mp4"', '#EXTINF:1,', 'a/1.m4s', '#EXTINF:1,', 'a/2.m4s', '#EXT-X-DISCONTINUITY', '#EXT-X-MAP:URI="b/init.mp4"', '#EXTINF:1,', 'b/1.m4s'].join('\n');
    const [s] = await hlsStreams(`${dir}/index.m3u8`, text, noLoad);
    expect(s!.parts.map((p) => [path.relative(dir, p.path), p.role])).toEqual([
      ['a/init.mp4', 'init'],
      ['a/1.m4s', 'segment'],
      ['a/2.m4s', 'segment'],
      ['b/init.mp4', 'init'],
      ['b/1.m4s', 'segment'],
    ]);
    expect(s!.declared!.mapMissing).toBeUndefined();
    const [bare] = await hlsStreams(`${dir}/index.m3u8`, '#EXTM3U\n#EXTINF:1,\n1.m4s\n#EXTINF:1,\n2.m4s', noLoad);
    expect(bare!.parts.map((p) => p.role)).toEqual(['auto', 'segment']);
    expect(bare!.declared).toMatchObject({ mapMissing: true });
  });
});

describe('DASH: Periods, timelines, BaseURLs', () => {
  it('reads every Period; r="-1" repeats to the Period end; BaseURL joins at MPD, Period, AdaptationSet and Representation level', () => {
    const text = `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" mediaPresentationDuration="PT10S">
  <BaseURL>media/</BaseURL>
  <Period id="a" duration="PT4S"><BaseURL>p0/</BaseURL>
    <AdaptationSet mimeType="video/mp4" codecs="avc1.42c01e"><BaseURL>video/</BaseURL>
      <SegmentTemplate timescale="1000" initialization="$RepresentationID$/init.mp4" media="$RepresentationID$/$Time%06d$.m4s"><SegmentTimeline><S t="0" d="1000" r="-1"/></SegmentTimeline></SegmentTemplate>
      <Representation id="v1" bandwidth="500000"><BaseURL>../hd/</BaseURL></Representation>
    </AdaptationSet>
  </Period>
  <Period id="b"><BaseURL>p1/</BaseURL>
    <AdaptationSet mimeType="audio/mp4">
      <Representation id="a1" codecs="mp4a.40.2" bandwidth="64000"><SegmentList timescale="48000" duration="96000"><Initialization sourceURL="init.mp4"/><SegmentURL media="1.m4s"/><SegmentURL media="2.m4s"/><SegmentURL media="3.m4s"/></SegmentList></Representation>
    </AdaptationSet>
  </Period>
</MPD>`;
    const streams = dashStreams(`${dir}/m.mpd`, text, () => true);
    expect(streams.map((s) => s.label)).toEqual(['Period a · Representation v1 (video/mp4)', 'Period b · Representation a1 (audio/mp4)']);
    expect(streams[0]!.parts.map((p) => path.relative(dir, p.path))).toEqual(['media/p0/hd/v1/init.mp4', ...[0, 1000, 2000, 3000].map((t) => `media/p0/hd/v1/${String(t).padStart(6, '0')}.m4s`)]);
    expect(streams[0]!.declared).toEqual({ kind: 'representation', ladder: 'period 0 · set 0', period: 0, periodStart: 0, codecs: 'avc1.42c01e', bandwidth: 500000, durations: [1, 1, 1, 1] });
    expect(streams[1]!.parts.map((p) => path.relative(dir, p.path))).toEqual(['media/p1/init.mp4', 'media/p1/1.m4s', 'media/p1/2.m4s', 'media/p1/3.m4s']);
    // Period b has no @start: it starts where Period a ends.
    expect(streams[1]!.declared).toMatchObject({ kind: 'representation', ladder: 'period 1 · set 0', period: 1, periodStart: 4, durations: [2, 2, 2] });
    // A BaseURL climbing out of the manifest's folder is still refused for a local manifest.
    expect(() => dashStreams(`${dir}/m.mpd`, text.replace('<BaseURL>media/</BaseURL>', '<BaseURL>../../</BaseURL>'), () => true)).toThrow(/outside its folder/);
    // Remote: absolute BaseURLs win, relative ones resolve against the MPD's URL.
    const remote = dashStreams('https://cdn.example/show/m.mpd', text.replace('<BaseURL>p1/</BaseURL>', '<BaseURL>https://edge.example/x/</BaseURL>'), () => undefined);
    expect(remote[0]!.parts[0]!.path).toBe('https://cdn.example/show/media/p0/hd/v1/init.mp4');
    expect(remote[1]!.parts[1]!.path).toBe('https://edge.example/x/1.m4s');
  });
});
