/**
 * `npm run bench`: every area's benchmark, one after another. Each prints its own table with ratios
 * against a baseline measured in the same process. Pass area names to run a subset:
 * `npm run bench -- inspect gif`. Keep `areas` a plain list, one line per area.
 */
export {};
const areas: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  inspect: () => import('./inspect'),
  gif: () => import('./gif'),
  compare: () => import('./compare'),
  mse: () => import('./mse'),
  transcode: () => import('./transcode'),
  cli: () => import('./cli'),
  inspector: () => import('./inspector'),
  gifview: () => import('./gifview'),
  dropin: () => import('./dropin'),
  cancel: () => import('./cancel'),
  remote: () => import('./remote'),
  ts: () => import('./ts'),
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(areas);
for (const name of names) {
  const load = areas[name];
  if (!load) {
    console.error(`Unknown benchmark "${name}". Known: ${Object.keys(areas).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== ${name} ===`);
  await (await load()).run();
}
