/**
 * Transcode benchmark: the same preset through `mwb transcode` versus the identical ffmpeg argv
 * run directly, both as child processes of this process (direct: bench → ffmpeg; mwb: bench →
 * node bin/mwb.mjs → node cli → ffmpeg). The difference is everything the workbench adds: Node
 * start-up, capability and input probing, progress parsing, the temporary file, ffprobe
 * verification and the rename. Rounds alternate the order; medians are compared.
 * Target: ratio ≤ 1.03.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBinary } from '../../electron/core/binaries';
import { indexCaps } from '../../electron/core/jobs/presets';
import { planTranscode } from '../../electron/core/jobs/transcode';
import { getCapabilities } from '../../electron/core/media/caps';
import { probeMedia } from '../../electron/core/media/ffprobe';
import { clip, run as runTool } from '../fixtures/generate';
import { BENCH_CACHE } from './inputs';
import { median } from './measure';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PRESET = 'web-mp4';
const SMALL_RUNS = 7;

/**
 * 30 s of 1920×1080 test card with a tone: a realistic web-mp4 job (tens of seconds of encode).
 * mwb's cost is fixed per run (~0.4 s CPU: Node start-up, one input probe, one verification probe),
 * so its ratio shrinks as jobs grow; this is a short real job, not a best case.
 */
async function input(): Promise<string> {
  const out = path.join(BENCH_CACHE, 'transcode-1080p-30s.mp4');
  if (existsSync(out)) return out;
  const { mkdir, rename } = await import('node:fs/promises');
  await mkdir(BENCH_CACHE, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp.mp4`;
  console.log(`generating ${out} (once; cached afterwards)…`);
  await runTool(resolveBinary('ffmpeg').path, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=30:d=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=30',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-b:v', '10M',
    '-c:a', 'aac', '-b:a', '128k', '-t', '30', tmp,
  ]);
  await rename(tmp, out);
  return out;
}

interface Timing {
  wallMs: number;
  /** user + sys CPU of the whole process tree (GNU time), or null where it is not available. */
  cpuMs: number | null;
}

const GNU_TIME = process.platform === 'linux' && existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/**
 * Run one command to completion. Wall time is measured here; CPU time (user + sys of the command
 * and every descendant it waited for) comes from GNU time when present, because wall time on a
 * busy machine mostly measures the other processes.
 */
function timed(bin: string, args: string[], cpuFile: string): Promise<Timing> {
  const [cmd, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', async (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${path.basename(bin)} exited ${code}: ${err}`));
      let cpuMs: number | null = null;
      if (GNU_TIME) {
        const [u, s] = (await readFile(cpuFile, 'utf8')).trim().split(/\s+/).map(Number);
        cpuMs = ((u ?? 0) + (s ?? 0)) * 1000;
      }
      resolve({ wallMs, cpuMs });
    });
  });
}


export async function run(): Promise<void> {
  const src = await input();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-transcode-'));
  const ffmpeg = resolveBinary('ffmpeg').path;
  const viaMwb = path.join(dir, 'mwb.mp4');
  const direct = path.join(dir, 'direct.mp4');
  // The argv mwb runs, planned by the same code, writing to `direct` instead of a temporary name.
  const probe = await probeMedia({ kind: 'file', path: src });
  const caps = indexCaps(await getCapabilities());
  const plan = planTranscode(
    { input: { kind: 'file', path: src }, output: direct, preset: PRESET, options: {}, overwrite: true },
    { caps, probe, ffmpegPath: ffmpeg, writeTo: direct },
  );
  const built = existsSync(path.join(ROOT, 'dist/electron/cli.mjs'));
  const mwbArgs = [path.join(ROOT, 'bin/mwb.mjs'), 'transcode', src, viaMwb, '--preset', PRESET, '--overwrite'];
  console.log(`input: ${src} (1920×1080, 30 s) · preset ${PRESET} · ${ROUNDS} rounds · mwb = ${built ? 'built CLI (dist/electron/cli.mjs)' : 'TypeScript via tsx (run "npm run build" for the shipped CLI)'}`);
  console.log(`direct: ${plan.command}`);

  const cpuFile = path.join(dir, 'cpu.txt');
  const runOne = (which: 'direct' | 'mwb') => (which === 'direct' ? timed(ffmpeg, plan.args, cpuFile) : timed(process.execPath, mwbArgs, cpuFile));
  const times: Record<'direct' | 'mwb', Timing[]> = { direct: [], mwb: [] };
  const load0 = os.loadavg()[0]!;
  // Warm-up, not counted: page cache, encoder libraries, mwb's capability cache.
  await timed(process.execPath, [path.join(ROOT, 'bin/mwb.mjs'), 'transcode', src, viaMwb, '--preset', PRESET, '--overwrite', '--duration', '1'], cpuFile);
  for (let r = 0; r < ROUNDS; r++) {
    const order: ('direct' | 'mwb')[] = r % 2 ? ['mwb', 'direct'] : ['direct', 'mwb'];
    for (const which of order) times[which].push(await runOne(which));
    const f = (t: Timing) => `${(t.wallMs / 1000).toFixed(2)} s${t.cpuMs !== null ? ` (cpu ${(t.cpuMs / 1000).toFixed(2)} s)` : ''}`;
    console.log(`  round ${r + 1}: direct ${f(times.direct[r]!)} · mwb ${f(times.mwb[r]!)}`);
  }
  const [a, b] = [await stat(direct), await stat(viaMwb)];
  const wall = (w: 'direct' | 'mwb') => times[w].map((t) => t.wallMs);
  const cpu = (w: 'direct' | 'mwb') => times[w].map((t) => t.cpuMs ?? NaN);
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log('');
  console.log(`load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs (other work on the machine inflates wall times)`);
  console.log('| path | wall, median | wall, best | CPU (user+sys), median | output |');
  console.log('|---|---|---|---|---|');
  for (const [label, w, size] of [['ffmpeg argv directly', 'direct', a.size], [`mwb transcode --preset ${PRESET}`, 'mwb', b.size]] as const) {
    console.log(`| ${label} | ${sec(median(wall(w)))} | ${sec(Math.min(...wall(w)))} | ${GNU_TIME ? sec(median(cpu(w))) : 'n/a'} | ${(size / 1e6).toFixed(2)} MB |`);
  }
  const ratio = (x: number, y: number) => (x / y).toFixed(3);

  // The fixed cost per run, measured where it is not drowned by the encode: a 2 s clip, many runs.
  const small = await clip({ duration: 2, gop: 15 });
  const smallPlan = planTranscode(
    { input: { kind: 'file', path: small }, output: direct, preset: PRESET, options: {}, overwrite: true },
    { caps, probe: await probeMedia({ kind: 'file', path: small }), ffmpegPath: ffmpeg, writeTo: direct },
  );
  const smallArgs = [path.join(ROOT, 'bin/mwb.mjs'), 'transcode', small, viaMwb, '--preset', PRESET, '--overwrite'];
  const fixed = { direct: [] as Timing[], mwb: [] as Timing[] };
  for (let i = 0; i < SMALL_RUNS; i++) {
    fixed.direct.push(await timed(ffmpeg, smallPlan.args, cpuFile));
    fixed.mwb.push(await timed(process.execPath, smallArgs, cpuFile));
  }
  const over = (pick: (t: Timing) => number) => median(fixed.mwb.map(pick)) - median(fixed.direct.map(pick));
  console.log(
    `fixed cost of mwb per run (median of ${SMALL_RUNS} runs on a 2 s clip): ${sec(over((t) => t.wallMs))} wall` +
      (GNU_TIME ? `, ${sec(over((t) => t.cpuMs ?? 0))} CPU` : '') +
      ' (Node start, probe, verification, rename)',
  );
  if (GNU_TIME) {
    // The encode itself is the same argv in both paths, so on a quiet machine the ratio is this fixed
    // cost over the job: a steadier estimate than the two noisy medians above.
    const fixedCpu = over((t) => t.cpuMs ?? 0);
    console.log(`ratio from the fixed cost: CPU ${ratio(median(cpu('direct')) + fixedCpu, median(cpu('direct')))}`);
  }
  console.log(`ratio mwb/direct: wall median ${ratio(median(wall('mwb')), median(wall('direct')))} · wall best ${ratio(Math.min(...wall('mwb')), Math.min(...wall('direct')))}` +
    (GNU_TIME ? ` · CPU ${ratio(median(cpu('mwb')), median(cpu('direct')))}` : '') + ' (target ≤ 1.03)');
  await rm(dir, { recursive: true, force: true });
}
