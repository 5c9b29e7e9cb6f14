/**
 * Cancel latency of the one ffmpeg runner (`electron/core/jobs/runner.ts`): how long from abort to
 * "the process is gone" for an ffmpeg that reads `q` (the baseline: a busy encode) and for one that
 * cannot (blocked opening a FIFO, so the runner escalates to SIGTERM after its grace period). The
 * escalation figure is what test/unit/jobs/queue.test.ts used to assert with a timer; here it is a
 * number and a ratio, measured in the same process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveBinary } from '../../electron/core/binaries';
import { runFfmpeg, withRunnerFlags } from '../../electron/core/jobs/runner';

const RUNS = Number(process.env.BENCH_ROUNDS ?? 5);
const GRACE_MS = 200;

async function cancelAfterStart(args: string[]): Promise<number> {
  const ac = new AbortController();
  const run = runFfmpeg({ bin: resolveBinary('ffmpeg').path, args: withRunnerFlags(args), signal: ac.signal, graceMs: GRACE_MS, termMs: GRACE_MS });
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  ac.abort();
  await run;
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  if (process.platform === 'win32') {
    console.log('skipped: needs mkfifo');
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-cancel-'));
  try {
    const fifo = path.join(dir, 'never.fifo');
    execFileSync('mkfifo', [fifo]);
    const responsive: number[] = [];
    const blocked: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      responsive.push(await cancelAfterStart(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'null', '-']));
      blocked.push(await cancelAfterStart(['-i', `file:${fifo}`, '-f', 'null', '-']));
    }
    console.log(`${RUNS} runs each, grace ${GRACE_MS} ms between q, SIGTERM and SIGKILL`);
    console.log('| ffmpeg | abort → exited, median | best |');
    console.log('|---|---|---|');
    console.log(`| reads q (busy encode; baseline) | ${median(responsive).toFixed(0)} ms | ${Math.min(...responsive).toFixed(0)} ms |`);
    console.log(`| cannot read q (blocked on a FIFO) | ${median(blocked).toFixed(0)} ms | ${Math.min(...blocked).toFixed(0)} ms |`);
    console.log(`ratio blocked/baseline: ${(median(blocked) / median(responsive)).toFixed(2)} · blocked/grace: ${(median(blocked) / GRACE_MS).toFixed(2)} (expected ≈ 1–2: one grace period, then SIGTERM)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
