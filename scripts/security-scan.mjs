// `npm run security`: Doyensec's Electronegativity over the desktop app's sources (electron/,
// renderer/, package.json). Fails (exit 1) on any HIGH finding or on a file it could not parse.
// `--json` prints the findings as JSON (used by test/unit/security/electronegativity.test.ts).
//
// Runs offline: the one check that downloads Electron's release list from GitHub
// (AvailableSecurityFixesGlobalCheck) is left out; Electron updates are a release-process matter.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asJson = process.argv.includes('--json');
// `--input DIR` scans another folder as it is (the test uses it on a deliberately insecure app).
const inputAt = process.argv.indexOf('--input');
const input = inputAt > 0 ? path.resolve(process.argv[inputAt + 1] ?? '') : null;
export const OFFLINE_EXCLUDED = ['AvailableSecurityFixesGlobalCheck'];

let run;
try {
  // Offline by construction: Electronegativity fetches translations (and, in the excluded check,
  // Electron's release list) with `got`; give it a `got` that fails at once without a request.
  const tool = require.resolve('@doyensec/electronegativity');
  const gotPath = createRequire(tool).resolve('got');
  const offline = () => Promise.reject(new Error('offline: Media Workbench runs Electronegativity without network access'));
  offline.head = offline;
  offline.get = offline;
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };
  run = require('@doyensec/electronegativity');
} catch {
  console.error('security: @doyensec/electronegativity is not installed; run "npm ci".');
  process.exit(1);
}

// Scan a copy, so test files and generated output stay out and paths are project-relative.
const work = mkdtempSync(path.join(os.tmpdir(), 'mwb-electronegativity-'));
try {
  const skip = (src) => !/\.test\.ts$/.test(src) && !src.includes(`${path.sep}node_modules`);
  if (input) cpSync(input, work, { recursive: true, filter: skip });
  else {
    cpSync(path.join(root, 'electron'), path.join(work, 'electron'), { recursive: true, filter: skip });
    cpSync(path.join(root, 'renderer'), path.join(work, 'renderer'), { recursive: true, filter: skip });
    cpSync(path.join(root, 'package.json'), path.join(work, 'package.json'));
  }

  // Electronegativity prints progress (and the translation fallback notice) through console.log;
  // keep stdout clean for --json.
  const log = console.log;
  if (asJson) console.log = () => {};
  let result;
  try {
    result = await run({ input: work, isRelative: true, excludeFromScan: OFFLINE_EXCLUDED, severitySet: 'informational', confidenceSet: 'tentative' });
  } finally {
    console.log = log;
  }
  const findings = result.issues
    .map((i) => ({
      id: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      file: String(i.file).split(path.sep).join('/'),
      line: i.location?.line ?? 0,
      column: i.location?.column ?? 0,
      description: i.description,
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.id.localeCompare(b.id));
  const parseErrors = result.errors.filter((e) => !e.tolerable).map((e) => ({ file: path.relative(work, e.file), message: e.message }));
  const high = findings.filter((f) => f.severity === 'HIGH');
  if (asJson) {
    process.stdout.write(JSON.stringify({ checks: result.globalChecks + result.atomicChecks, excluded: OFFLINE_EXCLUDED, findings, parseErrors }, null, 2) + '\n');
  } else {
    console.log(`Electronegativity: ${result.globalChecks + result.atomicChecks} checks (${OFFLINE_EXCLUDED.join(', ')} left out: it needs the network)`);
    for (const f of findings) console.log(`  ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id.padEnd(34)} ${f.file}:${f.line}:${f.column}  ${f.description}`);
    for (const e of parseErrors) console.log(`  PARSE ERROR   ${e.file}: ${e.message}`);
    console.log(high.length || parseErrors.length ? `FAILED: ${high.length} high-severity finding(s), ${parseErrors.length} parse error(s)` : 'OK: no high-severity finding');
  }
  process.exitCode = high.length || parseErrors.length ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
