/**
 * Recording live sources to fMP4: a real RTSP server (rtsp-server-perl, fed by ffmpeg) and a live
 * HLS playlist from a local node:http server. Every ending must leave a file that ffprobe reads and
 * the MSE lint passes: a graceful stop, a duration limit, ffmpeg SIGKILLed, the server gone.
 */
import { copyFile, mkdir, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveBinary } from '../../../electron/core/binaries';
import { JobQueue } from '../../../electron/core/jobs/queue';
import { runFfmpeg, withRunnerFlags } from '../../../electron/core/jobs/runner';
import { tempNameFor } from '../../../electron/core/jobs/safe-output';
import { planRecording, recordJob, trimToLastFragment, type RecordRequest } from '../../../electron/core/jobs/record';
import { describeStream } from '../../../electron/core/jobs/record-types';
import type { JobKind, JobRecord } from '../../../electron/core/jobs/types';
import { probeMedia, type ProbeResult } from '../../../electron/core/media/ffprobe';
import { analyzeMse } from '../../../electron/core/mse/analyze';
import { startLiveHls, startRtspServer, type LiveSource } from '../../fixtures/live-sources';
import { ffmpegFixture, fmp4 } from '../../fixtures/generate';
import { inspectFile } from '../../../electron/core/boxes/file-source';
import { ffmpegChildren, isAlive, sleep, tempDir, waitForState } from './helpers';

const queues: JobQueue[] = [];
const sources: LiveSource[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.shutdown()));
  await Promise.all(sources.splice(0).map((s) => s.close()));
  expect(ffmpegChildren()).toEqual([]);
});

async function recorder(): Promise<JobQueue> {
  const q = await JobQueue.open({ kinds: [recordJob as JobKind<unknown>], progressIntervalMs: 0 });
  queues.push(q);
  return q;
}

async function source(start: () => Promise<LiveSource>): Promise<LiveSource> {
  const s = await start();
  sources.push(s);
  return s;
}

/** Until the running job reports at least `seconds` of recorded media. */
async function recordedAtLeast(q: JobQueue, id: string, seconds: number, timeoutMs = 40_000): Promise<JobRecord> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = q.get(id);
    if (r.state !== 'running' && r.state !== 'queued') throw new Error(`job ended early: ${r.state} ${r.error?.message ?? ''}`);
    if ((r.progress?.outTimeSeconds ?? 0) >= seconds) return r;
    if (Date.now() > until) throw new Error(`only ${r.progress?.outTimeSeconds ?? 0} s recorded after ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function probeFile(file: string): Promise<ProbeResult> {
  return probeMedia({ kind: 'file', path: file });
}

/** ffprobe reads it, it has the streams, and the MSE lint finds no error. */
async function expectPlayable(file: string): Promise<number> {
  const probe = await probeFile(file);
  expect(probe.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
  const duration = probe.durationSeconds ?? 0;
  expect(duration).toBeGreaterThan(0);
  const lint = await analyzeMse([file]);
  expect(lint.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return duration;
}

async function noTempLeft(dir: string, keep: string): Promise<void> {
  expect((await readdir(dir)).filter((n) => n !== keep)).toEqual([]);
}

const ENV = {
  caps: { encoders: new Set(['libx264', 'aac']), muxers: new Set(['mp4']), filters: new Set<string>() },
  ffmpegPath: '/usr/bin/ffmpeg',
};
function probeOf(video: string | null, audio: string | null): ProbeResult {
  const streams = [];
  if (video) streams.push({ index: 0, type: 'video' as const, codec: video, codecTag: null, profile: null, width: 320, height: 240, fps: 25, pixelFormat: null, sampleRate: null, channels: null, durationSeconds: null, tags: {} });
  if (audio) streams.push({ index: 1, type: 'audio' as const, codec: audio, codecTag: null, profile: null, width: null, height: null, fps: null, pixelFormat: null, sampleRate: 8000, channels: 1, durationSeconds: null, tags: {} });
  return { formatName: 'rtsp', durationSeconds: null, sizeBytes: null, bitRate: null, streams, tags: {} };
}
const req = (r: Partial<RecordRequest> = {}): RecordRequest => ({ url: 'rtsp://127.0.0.1:8554/cam', output: '/tmp/rec.mp4', ...r });

describe('planRecording', () => {
  it('copies H.264/AAC into a fragmented MP4 flushed per fragment, the URL through ffmpeg-input', () => {
    const plan = planRecording(req({ durationSeconds: 30 }), { ...ENV, probe: probeOf('h264', 'aac') });
    expect(plan.streams.map((s) => `${s.type}:${s.action}`)).toEqual(['video:copy', 'audio:copy']);
    const a = plan.args;
    expect(a.slice(a.indexOf('-i') - 2, a.indexOf('-i') + 2)).toEqual(['-protocol_whitelist', 'http,https,tls,tcp,udp,crypto,rtsp,rtsps,rtp,srtp', '-i', 'rtsp://127.0.0.1:8554/cam']);
    expect(a).toEqual(expect.arrayContaining(['-c:v', 'copy', '-c:a', 'copy', '-t', '30', '-flush_packets', '1']));
    expect(a[a.indexOf('-movflags') + 1]).toBe('+frag_keyframe+empty_moov+default_base_moof');
    expect(a.indexOf('-timeout')).toBeLessThan(a.indexOf('-i'));
    expect(a[a.length - 1]).toBe('file:/tmp/rec.mp4');
  });

  it('keeps a password in the URL out of the command shown in Jobs and logs', () => {
    const plan = planRecording(req({ url: 'rtsp://admin:s3cret@cam.local/live' }), { ...ENV, probe: probeOf('h264', 'aac') });
    expect(plan.args).toContain('rtsp://admin:s3cret@cam.local/live');
    expect(plan.command).not.toContain('s3cret');
    expect(plan.label).toBe('rtsp://admin:***@cam.local/live');
  });

  it('re-encodes what MP4 cannot carry and says which stream and why', () => {
    const plan = planRecording(req(), { ...ENV, probe: probeOf('mjpeg', 'pcm_mulaw') });
    expect(plan.streams.map(describeStream)).toEqual([
      "video: mjpeg is re-encoded to H.264 (libx264) (the fmp4-mse preset's encoder): mjpeg video cannot go into an MP4 that browsers play.",
      "audio: pcm_mulaw is re-encoded to AAC (the fmp4-mse preset's encoder): pcm_mulaw audio cannot go into an MP4 that browsers play.",
    ]);
    expect(plan.args).toEqual(expect.arrayContaining(['-c:v', 'libx264', '-c:a', 'aac']));
    // A re-encoded stream gets a keyframe, and so a fragment, every 2 s whatever the source's GOP.
    expect(plan.args).toEqual(expect.arrayContaining(['-force_key_frames', 'expr:gte(t,n_forced*2)']));
    // An RTP clock reported as the frame rate does not size the GOP.
    const rtp = probeOf('mjpeg', null);
    rtp.streams[0]!.fps = 90000;
    expect(planRecording(req(), { ...ENV, probe: rtp }).args).not.toContain('-g');
    const mixed = planRecording(req(), { ...ENV, probe: probeOf('h264', 'pcm_alaw') });
    expect(mixed.streams.map((s) => `${s.type}:${s.action}`)).toEqual(['video:copy', 'audio:reencode']);
  });

  it('cuts an audio-only recording into 1 s fragments (no keyframes to cut at)', () => {
    const plan = planRecording(req(), { ...ENV, probe: probeOf(null, 'aac') });
    expect(plan.args).toEqual(expect.arrayContaining(['-frag_duration', '1000000']));
    expect(planRecording(req(), { ...ENV, probe: probeOf('h264', 'aac') }).args).not.toContain('-frag_duration');
  });

  it('refuses copy-only for codecs MP4 cannot carry, other schemes, and non-MP4 names', () => {
    expect(() => planRecording(req({ mode: 'copy' }), { ...ENV, probe: probeOf('h264', 'pcm_mulaw') })).toThrow(/audio is pcm_mulaw, which cannot be copied/);
    expect(() => planRecording(req({ url: 'file:///etc/passwd' }), { ...ENV, probe: probeOf('h264', null) })).toThrow(/not an input URL/);
    expect(() => planRecording(req({ url: 'concat:a|b' }), { ...ENV, probe: probeOf('h264', null) })).toThrow(/not an input URL/);
    expect(() => planRecording(req({ output: '/tmp/rec.mkv' }), { ...ENV, probe: probeOf('h264', null) })).toThrow(/name it \.mp4 or \.m4v/);
    expect(() => planRecording(req(), { ...ENV, probe: probeOf(null, null) })).toThrow(/no video or audio/);
  });
});

describe('runFfmpeg stopSignal', () => {
  it('asks ffmpeg to finish with q: stopped, not cancelled, exit 0, the output complete', async () => {
    const dir = await tempDir('mwb-rec-');
    const out = path.join(dir, 'stopped.mp4');
    const stop = new AbortController();
    const res = await runFfmpeg({
      bin: resolveBinary('ffmpeg').path,
      args: withRunnerFlags(['-re', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=15', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mp4', `file:${out}`]),
      stopSignal: stop.signal,
      onProgress: (block) => {
        if (Number(block.out_time_us ?? 0) > 1_000_000) stop.abort();
      },
    });
    expect(res).toMatchObject({ stopped: true, cancelled: false, code: 0 });
    expect((await probeFile(out)).durationSeconds).toBeGreaterThan(0.9);
  });
});

describe('JobQueue.stop', () => {
  it('refuses a running job whose partial output is worthless, and cancels a queued one', async () => {
    const q = await JobQueue.open({ progressIntervalMs: 0 });
    queues.push(q);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const task = (name: string) => ({
      title: name,
      input: null,
      output: path.join('/tmp', `${name}.mp4`),
      outputKind: 'file' as const,
      run: async (): Promise<never> => {
        await gate;
        throw new Error('released');
      },
    });
    const running = q.submit(task('running'));
    await waitForState(q, running.id, ['running']);
    expect(q.get(running.id).stoppable).toBe(false);
    expect(() => q.stop(running.id)).toThrow(/cannot be stopped early and kept; cancel it instead/);
    const queued = q.submit(task('queued'));
    expect(q.stop(queued.id).state).toBe('cancelled');
    release();
    await waitForState(q, running.id, ['failed']);
  });
});

describe('trimToLastFragment', () => {
  it('cuts a fragment left half-written and keeps the complete ones playable', async () => {
    const dir = await tempDir('mwb-rec-');
    const file = path.join(dir, 'cut.mp4');
    await copyFile(await fmp4({ duration: 4, fps: 25, gop: 25 }), file);
    const full = (await stat(file)).size;
    await truncate(file, full - 500);
    const trimmed = await trimToLastFragment(file);
    expect(trimmed.fragments).toBe(3);
    expect(trimmed.trimmedBytes).toBeGreaterThan(0);
    expect(await expectPlayable(file)).toBeCloseTo(3, 0);
  });

  it('keeps every fragment of a long recording (thousands of fragments) and trims only the cut one', async () => {
    // An audio recording fragments every second, a video one at every keyframe: an hour is
    // thousands of moof/mdat pairs. Here 3,000+ fragments of one AAC frame each.
    const dir = await tempDir('mwb-rec-');
    const file = path.join(dir, 'long.mp4');
    const made = await ffmpegFixture(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=70', '-c:a', 'aac', '-b:a', '32k', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '20000', '{out}']);
    await copyFile(made, file);
    const before = await inspectFile(file);
    const moofs = before.boxes.filter((b) => b.type === 'moof');
    expect(moofs.length).toBeGreaterThan(3000);
    // Cut inside the last fragment's mdat (what a recorder killed mid-write leaves).
    const last = moofs.at(-1)!;
    const lastMdat = before.boxes[before.boxes.indexOf(last) + 1]!;
    expect(lastMdat.type).toBe('mdat');
    const cutAt = lastMdat.offset + lastMdat.size - 5;
    await truncate(file, cutAt);
    const trimmed = await trimToLastFragment(file);
    expect(trimmed.fragments).toBe(moofs.length - 1);
    expect(trimmed.trimmedBytes).toBe(cutAt - last.offset);
    expect((await stat(file)).size).toBe(last.offset);
  });
});

const LIVE_SOURCES = [
  { name: 'RTSP (rtsp-server-perl)', start: () => startRtspServer(), label: /rtsp:\/\/127\.0\.0\.1:\d+\/live/ },
  { name: 'live HLS (advancing playlist on node:http)', start: () => startLiveHls(), label: /http:\/\/127\.0\.0\.1:\d+\/live\.m3u8/ },
  {
    name: 'an HTTP MPEG-TS stream (node:http)',
    start: async () => {
      const hls = await startLiveHls();
      return { url: hls.tsUrl, close: () => hls.close() };
    },
    label: /http:\/\/127\.0\.0\.1:\d+\/live\.ts/,
  },
];

describe.each(LIVE_SOURCES)('recording $name', ({ start, label }) => {
  it('stops gracefully with q: done, the recorded duration (±1 s), MSE-clean, no temp file', async () => {
    const src = await source(start);
    const dir = await tempDir('mwb-rec-');
    const out = path.join(dir, 'stopped.mp4');
    const q = await recorder();
    const job = await q.enqueue('record', { url: src.url, output: out });
    expect(job.stoppable).toBe(true);
    await recordedAtLeast(q, job.id, 4);
    const before = q.get(job.id).progress!;
    expect(before.outSize).toBeGreaterThan(0);
    expect(before.bitrateKbps).toBeGreaterThan(0);
    expect(before.percent).toBeNull();
    q.stop(job.id);
    const done = await waitForState(q, job.id, ['done', 'failed', 'cancelled']);
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    expect(done.result!.warning ?? null).toBeNull();
    expect(done.result!.summary).toMatch(/video copied, audio copied/);
    const duration = await expectPlayable(out);
    expect(Math.abs(duration - done.progress!.outTimeSeconds!)).toBeLessThanOrEqual(1);
    // Nothing shown as recorded when Stop was pressed is lost (ffmpeg still writes what it had read).
    expect(duration).toBeGreaterThanOrEqual(before.outTimeSeconds! - 0.5);
    await noTempLeft(dir, 'stopped.mp4');
  });

  it('SIGKILL of ffmpeg mid-run still leaves a playable file up to the last fragment', async () => {
    const src = await source(start);
    const dir = await tempDir('mwb-rec-');
    const out = path.join(dir, 'killed.mp4');
    const q = await recorder();
    const job = await q.enqueue('record', { url: src.url, output: out });
    await recordedAtLeast(q, job.id, 4);
    let pid: number | undefined;
    for (let i = 0; i < 100 && !pid; i++, await sleep(20)) pid = q.get(job.id).processes[0]?.pid;
    expect(pid).toBeDefined();
    const reached = q.get(job.id).progress!.outTimeSeconds!;
    process.kill(pid!, 'SIGKILL');
    const done = await waitForState(q, job.id, ['done', 'failed', 'cancelled']);
    expect(isAlive(pid!)).toBe(false);
    expect(done.state).toBe('done');
    expect(done.result!.warning).toMatch(/recorder stopped unexpectedly \(ffmpeg was stopped by SIGKILL/);
    const duration = await expectPlayable(out);
    // Up to the last complete fragment: a keyframe a second, so at most ~1 s (plus muxer buffering) is lost.
    expect(duration).toBeGreaterThan(reached - 2.5);
    expect(duration).toBeLessThanOrEqual(reached + 1);
    await noTempLeft(dir, 'killed.mp4');
  });

  it('a server that goes away ends the job with a message and a playable file', async () => {
    const src = await source(start);
    const dir = await tempDir('mwb-rec-');
    const out = path.join(dir, 'gone.mp4');
    const q = await recorder();
    const job = await q.enqueue('record', { url: src.url, output: out });
    await recordedAtLeast(q, job.id, 3);
    await src.close();
    const done = await waitForState(q, job.id, ['done', 'failed', 'cancelled'], 60_000);
    expect(done.state).toBe('done');
    expect(done.result!.warning).toMatch(new RegExp(`^The source ${label.source} stopped sending after \\d+\\.\\d s`));
    expect(await expectPlayable(out)).toBeGreaterThan(2);
    await noTempLeft(dir, 'gone.mp4');
  });
});

describe('recording live HLS: quitting, a playlist that stops advancing', () => {
  it('quitting the app (queue shutdown) stops the recording and keeps the file', async () => {
    const src = await source(() => startLiveHls());
    const dir = await tempDir('mwb-rec-');
    const out = path.join(dir, 'quit.mp4');
    const q = await recorder();
    const job = await q.enqueue('record', { url: src.url, output: out });
    await recordedAtLeast(q, job.id, 3);
    await q.shutdown();
    const done = q.get(job.id);
    expect(done.state).toBe('done');
    expect(done.result!.warning ?? null).toBeNull();
    expect(await expectPlayable(out)).toBeGreaterThan(2);
    await noTempLeft(dir, 'quit.mp4');
  });


  it('ends the job with a message and a playable file instead of waiting forever', async () => {
    const src = await startLiveHls();
    sources.push(src);
    const dir = await tempDir('mwb-rec-');
    const out = path.join(dir, 'stalled.mp4');
    const q = await recorder();
    const job = await q.enqueue('record', { url: src.url, output: out });
    await recordedAtLeast(q, job.id, 4);
    src.stall();
    const done = await waitForState(q, job.id, ['done', 'failed', 'cancelled'], 60_000);
    expect(done.state).toBe('done');
    expect(done.result!.warning).toMatch(/^The source http:\/\/127\.0\.0\.1:\d+\/live\.m3u8 stopped sending after/);
    expect(await expectPlayable(out)).toBeGreaterThan(3);
  });
});

describe('recording RTSP: duration, codecs, a dead source', () => {
  it('ends by itself after --duration', async () => {
    const src = await source(() => startRtspServer());
    const dir = await tempDir('mwb-rec-');
    const out = path.join(dir, 'three.mp4');
    const q = await recorder();
    const job = await q.enqueue('record', { url: src.url, output: out, durationSeconds: 3 });
    const done = await waitForState(q, job.id, ['done', 'failed', 'cancelled'], 40_000);
    expect(done.state).toBe('done');
    expect(done.result!.warning ?? null).toBeNull();
    expect(Math.abs((await expectPlayable(out)) - 3)).toBeLessThanOrEqual(1);
  });

  it('re-encodes MPEG-4 Part 2 video and G.711 audio to H.264/AAC, and says so', async () => {
    const src = await source(() => startRtspServer({ video: 'mpeg4', audio: 'pcm_mulaw' }));
    const dir = await tempDir('mwb-rec-');
    const out = path.join(dir, 'mpeg4.mp4');
    const q = await recorder();
    const job = await q.enqueue('record', { url: src.url, output: out, durationSeconds: 3 });
    const done = await waitForState(q, job.id, ['done', 'failed', 'cancelled'], 60_000);
    expect(done.error).toBeNull();
    expect(done.result!.summary).toMatch(/video re-encoded from mpeg4, audio re-encoded from pcm_mulaw/);
    const probe = await probeFile(out);
    expect(probe.streams.map((s) => s.codec).sort()).toEqual(['aac', 'h264']);
    await expectPlayable(out);
  });

  it('refuses a source that does not answer, before queueing', async () => {
    const q = await recorder();
    const dir = await tempDir('mwb-rec-');
    await expect(q.enqueue('record', { url: 'rtsp://127.0.0.1:9/none', output: path.join(dir, 'x.mp4') })).rejects.toThrow(/Cannot record rtsp:\/\/127\.0\.0\.1:9\/none/);
    expect(q.list()).toEqual([]);
  });
});

describe('the app killed mid-recording', () => {
  it('the next start keeps the recording up to its last fragment instead of deleting it', async () => {
    const dataDir = await tempDir('mwb-rec-data-');
    const dir = await tempDir('mwb-rec-');
    const target = path.join(dir, 'crash.mp4');
    const temp = tempNameFor(target, 'file', 'crashjob1');
    await copyFile(await fmp4({ duration: 4, fps: 25, gop: 25 }), temp);
    await truncate(temp, (await stat(temp)).size - 700);
    const running: JobRecord = {
      id: 'crashjob1',
      kind: 'record',
      title: 'record: rtsp://127.0.0.1:8554/cam → crash.mp4',
      state: 'running',
      createdAt: Date.now() - 10_000,
      startedAt: Date.now() - 10_000,
      finishedAt: null,
      input: 'rtsp://127.0.0.1:8554/cam',
      output: target,
      outputKind: 'file',
      command: null,
      progress: null,
      error: null,
      result: null,
      attempts: 1,
      logPath: null,
      retryable: true,
      params: { url: 'rtsp://127.0.0.1:8554/cam', output: target },
      tempPaths: [temp],
      processes: [],
    };
    await mkdir(path.join(dataDir, 'jobs'), { recursive: true });
    await writeFile(path.join(dataDir, 'jobs', 'history.json'), JSON.stringify({ version: 1, settings: { concurrency: 1, paused: false }, jobs: [running] }));
    const q = await JobQueue.open({ dataDir, kinds: [recordJob as JobKind<unknown>] });
    queues.push(q);
    const r = q.get('crashjob1');
    expect(r.state).toBe('done');
    expect(r.result!.path).toBe(target);
    expect(r.result!.warning).toMatch(/^The app closed while recording; the file keeps the 3\.\d s recorded/);
    expect(Math.abs((await expectPlayable(target)) - 3)).toBeLessThanOrEqual(0.5);
    expect(await readdir(dir)).toEqual(['crash.mp4']);
  });
});
