/**
 * GIF view feedback for a 10 s 720p clip, through the contract's handlers (what the view calls),
 * each against the way it was asked before in the same run:
 * - the first size estimate: `gifEstimate` with `quick` (two short windows) vs the full estimate;
 * - the full trim strip (12 thumbnails): keyframes (`purpose: 'strip'`) vs exact frames.
 * Target: both ≤ 2 s. Also checks that a newer estimate request cancels an older one.
 */
import { FileRegistry } from '../../electron/core/files';
import { dispatch, type HandlerContext } from '../../electron/handlers';
import { clip } from '../fixtures/generate';
import { median } from './measure';


async function timed(fn: () => Promise<{ ok: boolean }>): Promise<number> {
  const t0 = performance.now();
  const r = await fn();
  if (!r.ok) throw new Error(JSON.stringify(r));
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  const file = await clip({ duration: 10, width: 1280, height: 720, fps: 30, gop: 60 });
  const ctx: HandlerContext = { mode: 'web', files: new FileRegistry(), emit: () => {}, electronVersion: null };
  const { id } = await ctx.files.open(file);
  await dispatch(ctx, 'gifSource', { id });
  const times = Array.from({ length: 12 }, (_, k) => ((k + 0.5) * 10) / 12);
  const rows: [string, number[], number[]][] = [
    ['first size estimate (quick) vs full estimate', [], []],
    ['trim strip, 12 keyframes vs 12 exact frames ', [], []],
  ];
  for (let i = 0; i < 3; i++) {
    rows[0]![1].push(await timed(() => dispatch(ctx, 'gifEstimate', { id, options: {}, quick: true })));
    rows[0]![2].push(await timed(() => dispatch(ctx, 'gifEstimate', { id, options: {} })));
    rows[1]![1].push(await timed(() => dispatch(ctx, 'gifThumbnails', { id, times, height: 54, purpose: 'strip' })));
    rows[1]![2].push(await timed(() => dispatch(ctx, 'gifThumbnails', { id, times, height: 54 })));
  }
  console.log('GIF view, 10 s 720p clip (median of 3)                  ms   baseline ms   ratio');
  for (const [label, ours, base] of rows) {
    const o = median(ours);
    const b = median(base);
    console.log(`  ${label}  ${o.toFixed(0).padStart(8)}   ${b.toFixed(0).padStart(11)}   ${(o / b).toFixed(2)}×  ${o <= 2000 ? 'within' : 'OVER'} the 2 s target`);
  }
  // Stale results: an estimate superseded by a newer one ends as ECANCELLED at once.
  const older = dispatch(ctx, 'gifEstimate', { id, options: { width: 640 } });
  const newer = dispatch(ctx, 'gifEstimate', { id, options: { width: 320 }, quick: true });
  const [a, b] = await Promise.all([older, newer]);
  console.log(`  superseded estimate: ${!a.ok && a.error.code === 'ECANCELLED' ? 'cancelled' : 'NOT cancelled'}; newer: ${b.ok ? 'answered' : 'failed'}`);
}
