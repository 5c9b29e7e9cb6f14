import { exportGif } from '/work/wt/gif/electron/core/gif/export';
import { localRunner } from '/work/wt/gif/electron/core/gif/runner';
const src = process.argv[2]!;
let stage = ''; let t0 = performance.now(); const marks: string[] = [];
const t = performance.now();
await exportGif({ input: src, output: '/tmp/prof-out.gif', options: {}, overwrite: true }, { runner: localRunner({ onProgress: (p, s) => { if (s !== stage) { marks.push(`${stage} ${(performance.now() - t0).toFixed(0)}ms`); stage = s; t0 = performance.now(); } } }) });
marks.push(`${stage} ${(performance.now() - t0).toFixed(0)}ms`);
console.log(marks.join(' | '), 'total', (performance.now() - t).toFixed(0));
