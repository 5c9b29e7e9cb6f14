/**
 * Doyensec's Electronegativity over the app's sources (scripts/security-scan.mjs, offline): no
 * HIGH finding, no file it failed to parse, and every remaining finding listed in the README with
 * the reason it is safe (and no stale entry there). A deliberately insecure app is scanned too, to
 * show the scanner really reports HIGH findings here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface Finding {
  id: string;
  severity: 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
  file: string;
  line: number;
  description: string;
}
interface Report {
  checks: number;
  findings: Finding[];
  parseErrors: Array<{ file: string; message: string }>;
}

function scan(extra: string[] = []): { report: Report; status: number | null; stderr: string } {
  const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts/security-scan.mjs'), '--json', ...extra], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (!res.stdout.trim().startsWith('{')) throw new Error(`security-scan gave no report (exit ${res.status}):\n${res.stderr}${res.stdout}`);
  return { report: JSON.parse(res.stdout) as Report, status: res.status, stderr: res.stderr };
}

describe('Electronegativity', () => {
  it('finds no high-severity issue in the app and parses every file', () => {
    const { report, status } = scan();
    expect(report.checks).toBeGreaterThanOrEqual(40);
    expect(report.parseErrors).toEqual([]);
    expect(report.findings.filter((f) => f.severity === 'HIGH')).toEqual([]);
    expect(status).toBe(0);
  });

  it('every remaining finding is documented in the README with its reason, and nothing stale is', async () => {
    const { report } = scan();
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^### Electronegativity findings/m)[1]?.split(/^#{1,3} /m)[0];
    expect(section, 'README needs a "### Electronegativity findings" section').toBeTruthy();
    const documented = [...section!.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*`([^`]+)`\s*\|\s*([A-Z]+)[^|]*\|\s*(.+?)\s*\|\s*$/gm)].map((m) => ({
      key: `${m[1]} ${m[2]}`,
      severity: m[3],
      reason: m[4]!,
    }));
    const found = [...new Set(report.findings.map((f) => `${f.id} ${f.file}`))].sort();
    const missing = found.filter((k) => !documented.some((d) => d.key === k));
    expect(missing, 'new Electronegativity finding(s): review them and add each, with why it is safe, to the README table').toEqual([]);
    const stale = documented.filter((d) => !found.includes(d.key)).map((d) => d.key);
    expect(stale, 'README lists findings Electronegativity no longer reports: remove them').toEqual([]);
    for (const d of documented) {
      expect(d.reason.length, d.key).toBeGreaterThan(40);
      const f = report.findings.find((x) => `${x.id} ${x.file}` === d.key)!;
      expect(d.severity, d.key).toBe(f.severity);
    }
  });

  it('does report HIGH findings for an insecure app (the scan is real)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-insecure-'));
    try {
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'insecure', devDependencies: { electron: '45.4.1' } }));
      await writeFile(
        path.join(dir, 'main.js'),
        "const { app, BrowserWindow } = require('electron');\napp.whenReady().then(() => {\n  const w = new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false, webSecurity: false } });\n  w.loadURL('https://example.com');\n});\n",
      );
      const { report, status } = scan(['--input', dir]);
      const high = report.findings.filter((f) => f.severity === 'HIGH').map((f) => f.id);
      expect(high).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']));
      expect(status).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
