/**
 * Inspector, open a ~2 GB fMP4 (~1000 fragments) → first tree rows visible, timed in Chromium (web
 * mode, a fresh server each run so the parse is not cached): from the Open click to the first
 * `box-row` in the page. Baseline, in this process: the engine's warm in-process parse of the same
 * file (what the view is built on). Target: rows visible within 300 ms.
 */
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { openFileSource, parseBoxTree } from '../../electron/core/boxes';
import { RENDERER_DIR, startApp } from '../e2e/helpers';
import { bigFragmentedMp4 } from './inputs';
import { best, measure, median } from './measure';


async function openToRows(file: string): Promise<number> {
  const app = await startApp('#/inspector');
  try {
    const { page } = app;
    await page.getByTestId('open-path').fill(file);
    return await page.evaluate(async () => {
      const t0 = performance.now();
      // (No named functions in here: tsx would wrap them in a helper the page does not have.)
      const seen = new Promise<number>((resolve) => {
        new MutationObserver((_, obs) => {
          if (document.querySelector('[data-testid=box-row]')) {
            obs.disconnect();
            resolve(performance.now());
          }
        }).observe(document.body, { childList: true, subtree: true });
      });
      document.querySelector<HTMLButtonElement>('[data-testid=open-submit]')!.click();
      return (await seen) - t0;
    });
  } finally {
    await app.close();
  }
}

export async function run(): Promise<void> {
  const file = await realpath(await bigFragmentedMp4({ log: (l) => process.stderr.write(`[inspector] ${l}\n`) }));
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    console.log(`Inspector part skipped: ${RENDERER_DIR}/index.html is missing (run "npm run build").`);
    return;
  }
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await openToRows(file));
  const parse = async () => {
    const s = await openFileSource(file);
    try {
      return (await parseBoxTree(s)).length;
    } finally {
      await s.close();
    }
  };
  await parse();
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push((await measure(parse)).ms);
  const base = best(warm.map((ms) => ({ ms, rssGrowthMb: 0, value: 0 }))).ms;
  const m = median(runs);
  console.log('Inspector: open ~2 GB fMP4 → rows visible (Chromium, fresh server per run)      ms   baseline ms   ratio');
  console.log(`  open → first box-row (median of 3; runs ${runs.map((r) => r.toFixed(0)).join(', ')} ms)  ${m.toFixed(0).padStart(8)}   ${base.toFixed(0).padStart(11)}   ${(m / base).toFixed(1)}× the warm engine parse (target: ≤ 300 ms)`);
}
