/**
 * MSE lab benchmark, each figure against a baseline measured in the same process:
 * - load → first frame (`loadeddata`) of a 60 s 720p fMP4 in Chromium: the Player (lint call,
 *   ranged fetches, per-segment appends) vs a plain `<video src>` of the same file and vs one raw
 *   MSE append of the whole file;
 * - append throughput (MB/s) for a 10-minute fMP4: the Player's automatic mode (plan, streamed
 *   ranged reads, batched appends; the lint starts after the last append) to endOfStream as its
 *   log stamps it, vs fetching the file and appending it as one buffer (after each Player run the
 *   bench waits for its lint and pauses its video, so the next baseline has the machine to itself);
 * - the lint itself on both files vs the box engine's bare parse (what the lint adds on top).
 * Inputs are generated once (stream-copy loops of a short clip) under test/bench/.cache/.
 */
import { existsSync } from 'node:fs';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseBoxTree } from '../../electron/core/boxes';
import { openFileSource } from '../../electron/core/boxes/file-source';
import { analyzeMse } from '../../electron/core/mse/analyze';
import { ffmpeg, run as runFfmpeg } from '../fixtures/generate';
import { openInUi, RENDERER_DIR, startApp, type App } from '../e2e/helpers';
import { median } from './measure';

const CACHE = path.join(import.meta.dirname, '.cache');
const quiet = ['-hide_banner', '-loglevel', 'error', '-y'];
const FRAG = 'frag_keyframe+empty_moov+default_base_moof';
const MB = 1024 * 1024;

async function produce(name: string, make: (tmp: string) => Promise<void>): Promise<string> {
  await mkdir(CACHE, { recursive: true });
  const out = path.join(CACHE, name);
  if (existsSync(out)) return out;
  const tmp = path.join(CACHE, `${process.pid}.${Date.now()}.tmp.${name}`);
  process.stderr.write(`generating ${out} (once; cached afterwards)…\n`);
  try {
    await make(tmp);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  return out;
}

/** A short H.264/AAC clip, then `loops` stream-copied repetitions of it as one fMP4. */
async function looped(name: string, size: string, bitrate: string, seconds: number, loops: number): Promise<string> {
  const clip = await produce(`mse-src-${name}.mp4`, (tmp) =>
    runFfmpeg(ffmpeg(), [
      ...quiet,
      '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=30:d=${seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-b:v', bitrate, '-maxrate', bitrate, '-bufsize', bitrate,
      '-g', '30', '-keyint_min', '30', '-sc_threshold', '0', '-bf', '0',
      '-c:a', 'aac', '-b:a', '64k', '-shortest', tmp,
    ]),
  );
  return produce(`mse-${name}-x${loops}.mp4`, (tmp) =>
    runFfmpeg(ffmpeg(), [...quiet, '-stream_loop', String(loops - 1), '-i', clip, '-c', 'copy', '-movflags', FRAG, '-f', 'mp4', tmp]),
  );
}

const fmt = (n: number, d = 0) => n.toFixed(d).padStart(8);

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** In the page: time from now to `loadeddata` of a plain <video src>. */
async function plainVideo(app: App, url: string): Promise<number> {
  return app.page.evaluate(async (src) => {
    const v = document.createElement('video');
    v.muted = true;
    document.body.append(v);
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      v.addEventListener('loadeddata', () => resolve(), { once: true });
      v.addEventListener('error', () => reject(new Error(v.error?.message ?? 'error')), { once: true });
      v.src = src;
    });
    const ms = performance.now() - t0;
    v.remove();
    return ms;
  }, url);
}

/** In the page: fetch the whole file, one appendBuffer; times to first frame and to updateend. */
async function rawMse(app: App, url: string, mime: string): Promise<{ firstFrame: number; fetchMs: number; appendMs: number; bytes: number }> {
  return app.page.evaluate(
    async ([src, type]) => {
      const v = document.createElement('video');
      v.muted = true;
      document.body.append(v);
      const ms = new MediaSource();
      const t0 = performance.now();
      v.src = URL.createObjectURL(ms);
      await new Promise((r) => ms.addEventListener('sourceopen', r, { once: true }));
      const sb = ms.addSourceBuffer(type);
      const data = await (await fetch(src)).arrayBuffer();
      const t1 = performance.now();
      const first = new Promise<number>((r) => v.addEventListener('loadeddata', () => r(performance.now()), { once: true }));
      sb.appendBuffer(data);
      await new Promise((r) => sb.addEventListener('updateend', r, { once: true }));
      const t2 = performance.now();
      const firstFrame = (await first) - t0;
      v.removeAttribute('src');
      v.load();
      v.remove();
      return { firstFrame, fetchMs: t1 - t0, appendMs: t2 - t1, bytes: data.byteLength };
    },
    [url, mime] as const,
  );
}

/**
 * In the page: click the Player's Load; time to the video's loadeddata, or to endOfStream() as the
 * Player's log stamps it (its time since the load began: the view shows log lines a few times a
 * second, and that delay is not append throughput).
 */
async function player(app: App, until: 'firstFrame' | 'endOfStream'): Promise<number> {
  return app.page.evaluate(async (what) => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')!;
    const log = document.querySelector('[data-testid="player-log"]')!;
    const t0 = performance.now();
    const done = new Promise<number>((resolve) => {
      if (what === 'firstFrame') {
        // (No named functions in here: tsx would wrap them in a helper the page does not have.)
        v.addEventListener('loadeddata', () => resolve(performance.now()), { once: true });
      } else {
        const obs = new MutationObserver(() => {
          const line = log.querySelector('li[data-type="endOfStream"]');
          if (line) {
            obs.disconnect();
            // "+0.912": seconds since the Player's load began.
            resolve(t0 + Number(line.querySelector('.t')!.textContent!.replace('+', '')) * 1000);
          }
        });
        obs.observe(log, { childList: true });
      }
    });
    document.querySelector<HTMLButtonElement>('[data-testid="player-load"]')!.click();
    return (await done) - t0;
  }, until);
}

/**
 * After a Player run: wait until it has appended everything and the lint has answered, then pause
 * the video, so the next run (a baseline, often) does not share the machine with what the Player
 * still does after the moment it was timed at.
 */
async function settle(app: App): Promise<void> {
  await app.page.getByTestId('player-log').locator('li[data-type="endOfStream"]').waitFor({ timeout: 60_000 });
  await app.page.getByTestId('player-linting').waitFor({ state: 'detached', timeout: 60_000 });
  await app.page.getByTestId('player-plan-waiting').waitFor({ state: 'detached', timeout: 60_000 });
  await app.page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')!.pause());
  await app.page.waitForTimeout(100);
}

export async function run(): Promise<void> {
  // Real paths: the cache may be a symlink, and the server lists files by their real path.
  const sixty = await realpath(await looped('720p', '1280x720', '3M', 10, 6));
  const tenMin = await realpath(await looped('360p', '640x360', '600k', 30, 20));
  const sizes = { sixty: (await stat(sixty)).size, tenMin: (await stat(tenMin)).size };
  console.log(`inputs: 60 s 720p fMP4 ${(sizes.sixty / MB).toFixed(1)} MB; 10 min 360p fMP4 ${(sizes.tenMin / MB).toFixed(1)} MB`);

  // Node side: the lint against the bare box-engine parse it builds on.
  console.log('\nlint (Node)                      ms   baseline ms   ratio');
  for (const [label, file] of [['60 s 720p', sixty], ['10 min 360p', tenMin]] as const) {
    const parses: number[] = [];
    for (let i = 0; i < 3; i++) {
      parses.push(
        await time(async () => {
          const s = await openFileSource(file);
          await parseBoxTree(s);
          await s.close();
        }),
      );
    }
    const parse = median(parses);
    const lints: number[] = [];
    for (let i = 0; i < 3; i++) lints.push(await time(() => analyzeMse([file])));
    const lint = median(lints);
    console.log(`  ${label.padEnd(22)} ${fmt(lint)}      ${fmt(parse)}   ${(lint / parse).toFixed(2)}× (baseline: parseBoxTree alone)`);
  }

  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    console.log(`\nChromium part skipped: ${RENDERER_DIR}/index.html is missing (run "npm run build").`);
    return;
  }
  const app = await startApp('#/player');
  try {
    const page = app.page;
    await openInUi(page, sixty);
    const id = app.server.files.list().find((f) => f.path === sixty)!.id;
    const url = await page.evaluate((fid) => `/files/${encodeURIComponent(fid)}?token=${sessionStorage.getItem('wb-token')}`, id);
    const mime = (await analyzeMse([sixty])).mime;

    const plain: number[] = [];
    const cached: number[] = [];
    const raw: number[] = [];
    const ours: number[] = [];
    await plainVideo(app, url);
    for (let i = 0; i < 3; i++) {
      // Two baselines: the same URL again (Chromium's media cache serves it from memory, which is
      // how this row was first measured) and a new URL each time (what a first load costs).
      cached.push(await plainVideo(app, url));
      plain.push(await plainVideo(app, `${url}&run=${i}`));
      raw.push((await rawMse(app, url, mime)).firstFrame);
      await page.getByTestId('player-source').selectOption({ label: path.basename(sixty) });
      ours.push(await player(app, 'firstFrame'));
      await settle(app);
    }
    const p = median(plain);
    console.log('\nload → first frame, 60 s 720p fMP4 (Chromium, median of 3)      ms   ratio to <video src>');
    const c = median(cached);
    console.log(`  <video src>, new URL each run (baseline)                    ${fmt(p)}   1.00×`);
    console.log(`  <video src>, same URL again (media cache)                   ${fmt(c)}   ${(c / p).toFixed(2)}×   (Player: ${(median(ours) / c).toFixed(2)}× this one)`);
    console.log(`  raw MSE: fetch whole file, one appendBuffer                 ${fmt(median(raw))}   ${(median(raw) / p).toFixed(2)}×`);
    console.log(`  Player: plan, first read, first append (lint after)          ${fmt(median(ours))}   ${(median(ours) / p).toFixed(2)}×`);

    await openInUi(page, tenMin);
    const id10 = app.server.files.list().find((f) => f.path === tenMin)!.id;
    const url10 = await page.evaluate((fid) => `/files/${encodeURIComponent(fid)}?token=${sessionStorage.getItem('wb-token')}`, id10);
    const mime10 = (await analyzeMse([tenMin])).mime;
    // Median of 7 each, alternating, so a burst of load elsewhere does not decide the ratio.
    const rawRuns: { MBs: number; appendMBs: number }[] = [];
    const playerRuns: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await rawMse(app, url10, mime10);
      rawRuns.push({ MBs: r.bytes / MB / ((r.fetchMs + r.appendMs) / 1000), appendMBs: r.bytes / MB / (r.appendMs / 1000) });
      await page.waitForTimeout(100); // as after a Player run (settle)
      await page.getByTestId('player-source').selectOption({ label: path.basename(tenMin) });
      playerRuns.push(await player(app, 'endOfStream'));
      await settle(app);
    }
    const rawMBs = median(rawRuns.map((r) => r.MBs));
    const appendOnlyMBs = median(rawRuns.map((r) => r.appendMBs));
    const playerMs = median(playerRuns);
    const playerMBs = sizes.tenMin / MB / (playerMs / 1000);
    const segments = (await analyzeMse([tenMin], { lint: false })).streams.reduce((n, s) => n + s.segments.length, 0);
    const appends = await page.getByTestId('player-log').locator('li[data-type="append"]').count();
    console.log(`\nappend throughput, 10 min 360p fMP4 (${(sizes.tenMin / MB).toFixed(1)} MB, ${segments} segments in ${appends - 1} appends; median of 7)   MB/s   ratio`);
    console.log(`  raw: fetch whole file + one appendBuffer (baseline)          ${fmt(rawMBs, 1)}   1.00×   (append alone ${appendOnlyMBs.toFixed(1)} MB/s)`);
    console.log(`  Player automatic: plan, read-ahead, appends (lint after)      ${fmt(playerMBs, 1)}   ${(playerMBs / rawMBs).toFixed(2)}×   (${(playerMs / 1000).toFixed(2)} s to endOfStream, by the log's stamp)`);
    const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
    console.log(`  runs, ms: raw ${ms(rawRuns.map((r) => (sizes.tenMin / MB / r.MBs) * 1000))}; Player ${ms(playerRuns)}`);
    if (app.problems.length) console.log(`  page problems: ${app.problems.join(' | ')}`);
  } finally {
    await app.close();
  }
}
