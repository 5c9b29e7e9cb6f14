/**
 * GIF quality per byte and speed: our default against ffmpeg's palettegen/paletteuse recipes and
 * gifski, on camera-like footage and a screen recording with text (plus Big Buck Bunny from the
 * shared corpus when it is there). SSIM is measured against the source frames at the GIF's rate and
 * size (the same Lanczos-scaled frames gifski is given as PNGs): the GIF is decoded by ffmpeg,
 * resampled onto the frame grid (merged frames count for every frame they cover) and compared with
 * ffmpeg's `ssim` filter, in RGB (R, G, B equally weighted) and on luma (Y of yuv420p).
 *
 * gifski comes from the `gifski` npm package (a devDependency for this benchmark only; never
 * bundled) or from GIFSKI_PATH; without it its rows are skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearBinaryCache, resolveBinary } from '../../electron/core/binaries';
import { exportGif } from '../../electron/core/gif/export';
import { frameFilter } from '../../electron/core/gif/frames';
import type { GifOptions } from '../../electron/core/gif/gif-types';
import { probeSource } from '../../electron/core/gif/probe';
import { runStandalone } from '../../electron/core/jobs/context';
import { CORPUS_DIR } from '../fixtures/generate';

const here = path.dirname(fileURLToPath(import.meta.url));
const CACHE = path.join(here, '.cache', 'gif');
const FPS = 15;
const WIDTH = 480;

function exec(bin: string, args: string[], opts: { cwd?: string } = {}): Promise<{ code: number | null; stderr: string; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-200_000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, ms: performance.now() - t }));
  });
}

async function must(bin: string, args: string[], opts: { cwd?: string } = {}): Promise<number> {
  const r = await exec(bin, args, opts);
  if (r.code !== 0) throw new Error(`${path.basename(bin)} ${args.slice(0, 12).join(' ')} … failed:\n${r.stderr.slice(-2000)}`);
  return r.ms;
}

/** The real ffmpeg, resolved before `timeChildren()` points FFMPEG_PATH at its timing wrapper. */
let realFfmpeg: string | null = null;
const ffmpeg = () => (realFfmpeg ??= resolveBinary('ffmpeg').path);

// ------------------------------------------------------------------ timing

/**
 * Wall-clock time alone says little on a machine where other work runs too, so CPU time (user +
 * system, every process involved) is measured as well, with GNU time where it exists.
 */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

interface Timing {
  wall: number;
  /** ms of CPU, or null without GNU time. */
  cpu: number | null;
}

function sumTimeLog(text: string): number {
  let ms = 0;
  for (const line of text.split('\n')) {
    const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (m) ms += (Number(m[1]) + Number(m[2])) * 1000;
  }
  return ms;
}

/** Run a program once, with its wall and CPU time. */
async function timed(bin: string, args: string[]): Promise<Timing> {
  if (!GNU_TIME) return { wall: await must(bin, args), cpu: null };
  const log = path.join(os.tmpdir(), `mwb-gif-bench-time-${process.pid}.txt`);
  const wall = await must(GNU_TIME, ['-f', '%U %S', '-o', log, bin, ...args]);
  const cpu = sumTimeLog(await readFile(log, 'utf8'));
  await rm(log, { force: true });
  return { wall, cpu };
}

/**
 * Our export runs in this process and spawns ffprobe/ffmpeg: point FFMPEG_PATH/FFPROBE_PATH at
 * wrappers that log each child's CPU time, and add this process's own.
 */
let childLog: string | null = null;
async function timeChildren(): Promise<void> {
  if (!GNU_TIME || process.platform === 'win32' || childLog) return;
  const real = { ffmpeg: ffmpeg(), ffprobe: resolveBinary('ffprobe').path };
  childLog = path.join(os.tmpdir(), `mwb-gif-bench-children-${process.pid}.txt`);
  for (const name of ['ffmpeg', 'ffprobe'] as const) {
    const wrapper = path.join(CACHE, `timed-${name}.sh`);
    await writeFile(wrapper, `#!/bin/sh\nexec ${GNU_TIME} -a -o "$MWB_GIF_BENCH_LOG" -f "%U %S" '${real[name].replace(/'/g, "'\\''")}' "$@"\n`, { mode: 0o755 });
    process.env[name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'] = wrapper;
  }
  process.env.MWB_GIF_BENCH_LOG = childLog;
  clearBinaryCache();
}

async function timedInProcess(fn: () => Promise<unknown>): Promise<Timing> {
  if (childLog) await writeFile(childLog, '');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (!childLog) return { wall, cpu: null };
  return { wall, cpu: (c.user + c.system) / 1000 + sumTimeLog(await readFile(childLog, 'utf8')) };
}

// ------------------------------------------------------------------ test clips

/**
 * Camera-like: an aerial view over textured terrain under a sky with soft clouds (fractal noise at
 * several scales), held still for 3 s with a subject crossing, then panned for 3 s; slow exposure
 * drift, vignette, sensor noise, H.264 at CRF 18. The parts that decide GIF size on real footage:
 * smooth gradients (banding), fine texture, noise that changes every frame, global motion.
 */
async function cameraClip(): Promise<string> {
  const out = path.join(CACHE, 'camera-720p-6s.mp4');
  if (existsSync(out)) return out;
  const still = path.join(CACHE, 'terrain.png');
  const oct = (size: string) => `nullsrc=s=${size}:d=0.04,geq=lum='random(1)*255':cb=128:cr=128,format=gray,scale=2560x1080:flags=bicubic`;
  await must(ffmpeg(), [
    '-v', 'error', '-y', '-filter_threads', '1',
    ...['48x20', '192x81', '768x324', '2560x1080', '24x10', '64x27'].flatMap((s) => ['-f', 'lavfi', '-i', oct(s)]),
    '-filter_complex',
    [
      "[0][1]blend=all_expr='A*0.6+B*0.4'[a]",
      "[a][2]blend=all_expr='A*0.86+B*0.14'[b]",
      "[b][3]blend=all_expr='A*0.96+B*0.04',normalize=smoothing=0,lut=y='70+val*0.6',format=gbrp[tex]",
      '[4]normalize=smoothing=0,format=gbrp[hue]',
      "[tex][hue]blend=c2_expr='A*(0.30+0.45*B/255)+18':c0_expr='A*(0.62-0.10*B/255)+22':c1_expr='A*(0.18+0.12*B/255)+8'[land]",
      "[5]normalize=smoothing=0,format=gbrp,geq=r='min(250,95+60*Y/H+max(0,p(X,Y)-110)*1.1)':g='min(250,140+50*Y/H+max(0,p(X,Y)-110)*0.8)':b='min(252,212+15*Y/H+max(0,p(X,Y)-110)*0.25)'[sky]",
      "[land][sky]blend=all_expr='if(lt(Y,330+110*sin(X/320)+40*sin(X/77)),B,A)',gblur=sigma=0.6,setsar=1",
    ].join(';'),
    '-frames:v', '1', still,
  ]);
  await must(ffmpeg(), [
    '-v', 'error', '-y', '-loop', '1', '-framerate', '30', '-i', still,
    '-f', 'lavfi', '-i', "color=c=0xc0392b:s=90x60:r=30,format=rgba,geq=r='r(X,Y)':a='255*lt(hypot(X-45,Y-30),28)'",
    '-filter_complex',
    "[0]crop=1280:720:x='if(lt(t,3),300,300+(t-3)*140)':y='if(lt(t,3),150,150+(t-3)*20)',eq=brightness='0.03*sin(t*0.9)':eval=frame[bg];" +
      "[1]gblur=sigma=2.5[ball];[bg][ball]overlay=x='1300-t*260':y='520+40*sin(t*3)',vignette=angle=PI/5,noise=alls=3:allf=t,setsar=1,format=yuv420p",
    '-t', '6', '-c:v', 'libx264', '-crf', '18', '-preset', 'veryfast', out + '.tmp.mp4',
  ]);
  await must(ffmpeg(), ['-v', 'error', '-y', '-i', out + '.tmp.mp4', '-c', 'copy', out]);
  await rm(out + '.tmp.mp4', { force: true });
  return out;
}

const CODE = `import { spawn } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';

export interface GifOptions {
  fps: number;
  width: number;
  start?: number;
  duration?: number;
  dither: 'bayer' | 'sierra2_4a' | 'none';
}

export async function exportGif(input: string, output: string, opts: GifOptions) {
  const tmp = \`\${output}.partial\`;
  const filters = [
    \`fps=\${opts.fps}\`,
    \`scale=\${opts.width}:-2:flags=lanczos\`,
    'split[a][b]',
    '[a]palettegen=stats_mode=diff[p]',
    '[b][p]paletteuse=dither=bayer:bayer_scale=4',
  ];
  await run(['-i', input, '-vf', filters.join(','), '-y', tmp]);
  await rename(tmp, output);
}`.split('\n');

/**
 * Screen recording: an editor with a file tree, code appearing line by line with syntax colours, and
 * a terminal pane below scrolling log output nine lines a second; small anti-aliased text throughout.
 */
async function screenClip(): Promise<string | null> {
  const out = path.join(CACHE, 'screen-720p-6s.mp4');
  if (existsSync(out)) return out;
  const filters = await exec(ffmpeg(), ['-hide_banner', '-h', 'filter=drawtext']);
  if (filters.code !== 0 || /Unknown filter/.test(filters.stderr)) return null;
  const dir = path.join(CACHE, 'screen-text');
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < CODE.length; i++) await writeFile(path.join(dir, `code${String(i).padStart(2, '0')}.txt`), CODE[i] || ' ');
  let seed = 4;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN'];
  const log = Array.from({ length: 220 }, (_, i) => {
    const lv = levels[Math.floor(rand() * levels.length)]!;
    return `[${String(12 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${10 + Math.floor(rand() * 89)}] ${lv.padEnd(5)} frame=${String(i * 7).padStart(5)} fps=${(28 + rand() * 3).toFixed(1)} q=-1.0 size=${String(i * 211).padStart(7)}kB time=00:00:${String(i % 60).padStart(2, '0')}.${String(Math.floor(rand() * 100)).padStart(2, '0')} speed=${(1 + rand() * 2).toFixed(2)}x  (${3 + Math.floor(rand() * 900)} ms)`;
  });
  await writeFile(path.join(dir, 'log.txt'), log.join('\n'));
  const mono = "font='DejaVu Sans Mono'";
  const sans = "font='DejaVu Sans'";
  const edit = ['drawbox=x=0:y=0:w=44:h=460:color=0x1e1e1e:t=fill'];
  CODE.forEach((line, i) => {
    const colour = /^(import|export)/.test(line) ? '0xc586c0' : /['`]/.test(line) ? '0xce9178' : '0x9cdcfe';
    const y = Math.round(8 + i * 19.5);
    const enable = `enable='gte(t,${(0.2 + i * 0.22).toFixed(2)})'`;
    edit.push(`drawtext=${mono}:fontsize=15:fontcolor=${colour}:x=56:y=${y}:expansion=none:textfile=code${String(i).padStart(2, '0')}.txt:${enable}`);
    edit.push(`drawtext=${mono}:fontsize=15:fontcolor=0x858585:x=10:y=${y}:text='${i + 1}':${enable}`);
  });
  const tree: [string, number][] = [['electron', 0], ['core', 1], ['gif', 2], ['encode.ts', 3], ['palette.ts', 3], ['size.ts', 3], ['cli', 1], ['renderer', 0], ['test', 0], ['package.json', 0], ['README.md', 0]];
  const side = [
    'color=c=0x252526:s=200x460:r=30:d=6',
    'drawbox=x=0:y=122:w=200:h=22:color=0x37373d:t=fill',
    `drawtext=${sans}:fontsize=12:fontcolor=0xbbbbbb:x=14:y=12:text='EXPLORER'`,
    ...tree.map(([n, d], k) => `drawtext=${sans}:fontsize=13:fontcolor=0xcccccc:x=${20 + d * 12}:y=${40 + k * 22}:text='${n}'`),
  ].join(',');
  const graph = [
    `color=c=0x323233:s=1280x720:r=30:d=6,drawtext=${sans}:fontsize=13:fontcolor=0xcccccc:x=560:y=8:text='gif.ts — media-workbench'[bg]`,
    `${side}[side]`,
    `color=c=0x1e1e1e:s=1080x460:r=30:d=6,${edit.join(',')}[ed]`,
    `color=c=0x181818:s=1280x230:r=30:d=6,drawbox=x=0:y=0:w=1280:h=1:color=0x3c3c3c:t=fill,drawtext=${mono}:fontsize=13:fontcolor=0xcccccc:x=10:y='8-17*max(0\\,floor((t-0.4)*9))':line_spacing=4:expansion=none:textfile=log.txt[term]`,
    '[bg][side]overlay=0:30[a]',
    '[a][ed]overlay=200:30[b]',
    '[b][term]overlay=0:490,setsar=1',
  ].join(';');
  await writeFile(path.join(dir, 'graph.txt'), graph);
  await must(ffmpeg(), ['-v', 'error', '-y', '-filter_complex_script', 'graph.txt', '-t', '6', '-c:v', 'libx264', '-crf', '16', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', out + '.tmp.mp4'], { cwd: dir });
  await must(ffmpeg(), ['-v', 'error', '-y', '-i', out + '.tmp.mp4', '-c', 'copy', out]);
  await rm(out + '.tmp.mp4', { force: true });
  return out;
}

// ------------------------------------------------------------------ measuring

interface Row {
  clip: string;
  name: string;
  bytes: number;
  time: Timing;
  /** gifski: the PNG extraction it needs first, reported separately. */
  prep?: Timing;
  ssim: number;
  ssimY: number;
}

async function ssim(gif: string, refDir: string, fps: number): Promise<{ rgb: number; y: number }> {
  const r = await exec(ffmpeg(), [
    '-hide_banner', '-nostats', '-i', gif, '-framerate', String(fps), '-i', path.join(refDir, 'f%05d.png'),
    '-filter_complex',
    `[0]fps=${fps},setpts=N/${fps}/TB,split[a1][a2];[1]setpts=N/${fps}/TB,split[b1][b2];` +
      '[a1]format=gbrp[x1];[b1]format=gbrp[y1];[x1][y1]ssim[o1];[a2]format=yuv420p[x2];[b2]format=yuv420p[y2];[x2][y2]ssim[o2]',
    '-map', '[o1]', '-f', 'null', '-', '-map', '[o2]', '-f', 'null', '-',
  ]);
  const rgb = /SSIM R:.*All:([0-9.]+)/.exec(r.stderr)?.[1];
  const y = /SSIM Y:([0-9.]+)/.exec(r.stderr)?.[1];
  if (!rgb || !y) throw new Error(`no SSIM for ${gif}:\n${r.stderr.slice(-1500)}`);
  return { rgb: Number(rgb), y: Number(y) };
}

function gifskiPath(): string | null {
  if (process.env.GIFSKI_PATH && existsSync(process.env.GIFSKI_PATH)) return process.env.GIFSKI_PATH;
  const sub = process.platform === 'darwin' ? 'macos/gifski' : process.platform === 'win32' ? 'windows/gifski.exe' : 'debian/gifski';
  const p = path.resolve(here, '../../node_modules/gifski/bin', sub);
  return existsSync(p) ? p : null;
}

async function measureClip(label: string, src: string, width: number, out: string[]): Promise<Row[]> {
  const info = await probeSource(src);
  const height = Math.round((width * info.height) / info.width);
  const work = path.join(os.tmpdir(), `mwb-gif-bench-${label}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const ref = path.join(work, 'ref');
  await mkdir(ref);
  const vf = frameFilter({ fps: FPS, width, height });
  const refTime = await timed(ffmpeg(), ['-v', 'error', '-y', '-i', src, '-vf', vf, path.join(ref, 'f%05d.png')]);
  const frames = (await readdir(ref)).length;
  out.push(`\n${label}: ${path.basename(src)} (${info.width}×${info.height}, ${info.duration.toFixed(1)} s) → ${width}×${height} at ${FPS} fps, ${frames} frames`);
  const rows: Row[] = [];
  const add = async (name: string, gif: string, time: Timing, prep?: Timing) => {
    const s = await ssim(gif, ref, FPS);
    rows.push({ clip: label, name, bytes: (await stat(gif)).size, time, prep, ssim: s.rgb, ssimY: s.y });
  };

  // The rows the verdict compares run 3 times; the fastest run is kept (other work on the machine
  // only ever adds time), wall and CPU each at their minimum.
  const best = async (repeats: number, once: () => Promise<Timing>): Promise<Timing> => {
    let wall = Infinity;
    let cpu: number | null = Infinity;
    for (let i = 0; i < repeats; i++) {
      const t = await once();
      wall = Math.min(wall, t.wall);
      cpu = t.cpu === null || cpu === null ? null : Math.min(cpu, t.cpu);
    }
    return { wall, cpu };
  };
  const ours = async (name: string, options: GifOptions, repeats = 1) => {
    const gif = path.join(work, `${name.replace(/\W+/g, '_')}.gif`);
    const time = await best(repeats, () =>
      timedInProcess(() => runStandalone((job) => exportGif({ input: src, output: gif, options: { width, fps: FPS, ...options }, overwrite: true }, job))),
    );
    await add(name, gif, time);
  };
  const ff = async (name: string, graph: string, extra: string[] = [], repeats = 1) => {
    const gif = path.join(work, `${name.replace(/\W+/g, '_')}.gif`);
    const scale = `fps=${FPS},scale=${width}:${height}:flags=lanczos`;
    const time = await best(repeats, () => timed(ffmpeg(), ['-v', 'error', '-y', '-i', src, '-filter_complex', `[0:v]${scale}${graph ? ',' + graph : ''}`, ...extra, gif]));
    await add(name, gif, time);
  };

  await ours('ours: default', {}, 3);
  await ours('ours: quality 90', { quality: 90 });
  await ours('ours: quality 70', { quality: 70 });
  await ours('ours: global palette, no dither', { palette: 'global', dither: 'none' });
  await ff('ffmpeg: naive (ffmpeg -i in out.gif)', '');
  await ff('ffmpeg: palettegen+paletteuse (sierra2_4a)', 'split[a][b];[a]palettegen[p];[b][p]paletteuse');
  await ff('ffmpeg: textbook (diff, bayer 5, rectangle)', 'split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle', [], 3);
  await ff('ffmpeg: diff, no dither, rectangle', 'split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=none:diff_mode=rectangle');
  await ff('ffmpeg: diff, bayer 3, rectangle', 'split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=3:diff_mode=rectangle');
  await ff('ffmpeg: diff, floyd_steinberg, rectangle', 'split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=floyd_steinberg:diff_mode=rectangle');
  await ff('ffmpeg: textbook, 128 colours', 'split[a][b];[a]palettegen=stats_mode=diff:max_colors=128[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle');
  await ff('ffmpeg: textbook, no transparent entry', 'split[a][b];[a]palettegen=stats_mode=diff:reserve_transparent=0[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle');
  await ff('ffmpeg: textbook, gifflags -offsetting-transdiff', 'split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle', ['-gifflags', '-offsetting-transdiff']);
  await ff('ffmpeg: per-frame palettes (single, new=1)', 'split[a][b];[a]palettegen=stats_mode=single[p];[b][p]paletteuse=new=1:dither=bayer:bayer_scale=5');
  await ff('ffmpeg: mpdecimate + textbook', 'mpdecimate,split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle', ['-fps_mode', 'vfr']);

  const gifski = gifskiPath();
  if (gifski) {
    const pngs = (await readdir(ref)).sort().map((f) => path.join(ref, f));
    for (const q of [90, 70, 100]) {
      const gif = path.join(work, `gifski-q${q}.gif`);
      const time = await best(q === 90 ? 3 : 1, () => timed(gifski, ['--quiet', '--fps', String(FPS), '--quality', String(q), '--width', String(width), '-o', gif, ...pngs]));
      await add(`gifski ${q === 90 ? '(default, -Q 90)' : `-Q ${q}`}`, gif, time, refTime);
    }
  } else {
    out.push('  gifski not available (npm install --save-dev gifski, or set GIFSKI_PATH): its rows are skipped');
  }
  await rm(work, { recursive: true, force: true });
  return rows;
}

function table(rows: Row[], out: string[]): void {
  const base = rows.find((r) => r.name.startsWith('gifski (default'));
  const mb = (b: number) => (b / 1024 / 1024).toFixed(2);
  const sec = (t: number | null) => (t === null ? '–' : (t / 1000).toFixed(2));
  const withPrep = (t: number | null, p: number | null | undefined) => (p === undefined ? sec(t) : `${sec(t)}+${sec(p)}`);
  out.push(
    `  ${'pipeline'.padEnd(48)} ${'MB'.padStart(6)} ${'SSIM rgb'.padStart(9)} ${'SSIM Y'.padStart(8)} ${'wall s'.padStart(10)} ${'CPU s'.padStart(10)}` +
      (base ? `  ${'bytes/gifski'.padStart(12)} ${'CPU÷gifski'.padStart(10)}` : ''),
  );
  for (const r of rows) {
    const cpuRatio = base && r.time.cpu && base.time.cpu ? (r.time.cpu / base.time.cpu).toFixed(2) : '–';
    out.push(
      `  ${r.name.padEnd(48)} ${mb(r.bytes).padStart(6)} ${r.ssim.toFixed(4).padStart(9)} ${r.ssimY.toFixed(4).padStart(8)} ` +
        `${withPrep(r.time.wall, r.prep?.wall).padStart(10)} ${withPrep(r.time.cpu, r.prep === undefined ? undefined : r.prep.cpu).padStart(10)}` +
        (base ? `  ${(r.bytes / base.bytes).toFixed(3).padStart(12)} ${cpuRatio.padStart(10)}` : ''),
    );
  }
  const ours = rows.find((r) => r.name === 'ours: default')!;
  if (!base) return;
  const better = ours.ssim >= base.ssim && ours.ssimY >= base.ssimY;
  const smaller = ours.bytes <= base.bytes;
  const cpuFaster = ours.time.cpu !== null && base.time.cpu !== null ? ours.time.cpu < base.time.cpu : null;
  const wallFaster = ours.time.wall < base.time.wall;
  const faster = cpuFaster ?? wallFaster;
  out.push(
    `  → ours vs gifski: ${(100 * (1 - ours.bytes / base.bytes)).toFixed(1)}% fewer bytes, SSIM ${ours.ssim >= base.ssim ? '+' : ''}${(ours.ssim - base.ssim).toFixed(4)} rgb / ` +
      `${ours.ssimY >= base.ssimY ? '+' : ''}${(ours.ssimY - base.ssimY).toFixed(4)} Y; ` +
      (ours.time.cpu !== null && base.time.cpu !== null
        ? `CPU ${(base.time.cpu / ours.time.cpu).toFixed(2)}× less than gifski's encode alone (${((base.time.cpu + (base.prep?.cpu ?? 0)) / ours.time.cpu).toFixed(2)}× with the PNG frames it needs), `
        : '') +
      `wall ${(base.time.wall / ours.time.wall).toFixed(2)}× (${((base.time.wall + (base.prep?.wall ?? 0)) / ours.time.wall).toFixed(2)}×) — ` +
      `target ${better && smaller && faster ? 'MET' : 'NOT met'}${!wallFaster && faster ? ' (wall clock noisy: other work was running)' : ''}`,
  );
}

export async function run(): Promise<void> {
  await mkdir(CACHE, { recursive: true });
  await timeChildren();
  const out: string[] = [
    'GIF export: size, encode time and SSIM against the source frames (times include decoding, except where noted;',
    'ours: default, the textbook recipe and gifski\'s default are timed best of 3)',
  ];
  const flush = () => {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  };
  const clips: [string, string | null, number][] = [
    ['camera', await cameraClip(), WIDTH],
    ['screen', await screenClip(), WIDTH],
  ];
  const bbb = path.join(CORPUS_DIR, 'bbb_prog_10s.mp4');
  if (existsSync(bbb)) clips.push(['bbb (corpus)', bbb, 320]);
  else out.push(`(Big Buck Bunny from the corpus not found at ${bbb}: skipped)`);
  for (const [label, src, width] of clips) {
    if (!src) {
      out.push(`\n${label}: skipped (this ffmpeg has no drawtext filter)`);
      continue;
    }
    table(await measureClip(label, src, width, out), out);
    flush();
  }
  out.push(
    '\nFor gifski, "a+b" is its encode + the PNG frames it needs first (ours and ffmpeg start from the video file).',
    `CPU is user+system time of every process involved${GNU_TIME ? ' (GNU time; our row adds this process\'s own)' : ': not measured here (no GNU time)'}.`,
    `Machine load at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs.`,
  );
  flush();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
